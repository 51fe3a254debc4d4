import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';

/** DaxPay's ChannelEnum codes channel auth answers to (`C/enums/ChannelEnum.java`, tag 3.0.0). */
// `douyin` as DaxPay Open names the channel (ChannelAuthTypeEnum.douyin); DaxPay 3.0 has no Douyin.
export const AUTH_CHANNELS = ['wechat_pay', 'ali_pay', 'douyin'] as const;
export type AuthChannel = (typeof AUTH_CHANNELS)[number];

/** DaxPay's ChannelAuthTypeEnum codes (`C/enums/ChannelAuthTypeEnum.java`). */
export const AUTH_TYPES = ['wechat', 'alipay', 'douyin'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

const TYPE_OF: Readonly<Record<AuthChannel, AuthType>> = { wechat_pay: 'wechat', ali_pay: 'alipay', douyin: 'douyin' };

/**
 * The channel a request names, checked against its authType (each channel
 * has one: wechat_pay → wechat, ali_pay → alipay; absent means that one).
 * Only WeChat is served here: ali_pay answers 29401 until an Alipay channel
 * is plugged in (issue 14).
 */
export function wechatChannel(channel: string, authType: string | undefined): 'wechat_pay' {
  const expected = TYPE_OF[channel as AuthChannel];
  if (authType !== undefined && authType !== '' && authType !== expected) {
    throw AssistException.invalidField('authType', `must be ${expected} for channel ${channel}`);
  }
  if (channel !== 'wechat_pay') {
    throw new AssistException(
      AssistErrorCode.CHANNEL_AUTH_UNSUPPORTED,
      `channel ${channel}: channel auth is not available for it on this gateway yet`,
    );
  }
  return 'wechat_pay';
}

/**
 * The channel a request names, for a merchant: WeChat always; Alipay when
 * the merchant has an Alipay app (29401 otherwise, as before issue 14).
 */
export function authChannelOf(
  channel: string,
  authType: string | undefined,
  hasAlipayApp: boolean,
  hasDouyinApp = false,
): AuthChannel {
  if (channel === 'douyin' && hasDouyinApp) {
    if (authType !== undefined && authType !== '' && authType !== 'douyin')
      throw AssistException.invalidField('authType', 'must be douyin for channel douyin');
    return 'douyin';
  }
  if (channel === 'ali_pay' && hasAlipayApp) {
    if (authType !== undefined && authType !== '' && authType !== 'alipay') {
      throw AssistException.invalidField('authType', 'must be alipay for channel ali_pay');
    }
    return 'ali_pay';
  }
  return wechatChannel(channel, authType);
}

/** The jump link's `AUTO` (Jeepay's ifCode=AUTO): the channel is picked from the payer's browser. */
export const AUTO_CHANNEL = 'AUTO';
