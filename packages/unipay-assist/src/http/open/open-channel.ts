import { AuthChannel } from '../../channel-auth/auth-channel';
import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';

/** DaxPay Open's channel codes (`wechat`, `alipay`, `douyin`) to the relay's flows' (`wechat_pay`, `ali_pay`, `douyin`). */
const FLOW_CHANNEL: Readonly<Record<string, AuthChannel>> = {
  wechat: 'wechat_pay',
  alipay: 'ali_pay',
  douyin: 'douyin',
};

/**
 * The flow channel of an Open channel-auth request: DaxPay Open picks its
 * strategy by authType (which the server defaults to `wechat`), so a channel
 * that disagrees with it is said, not guessed at.
 */
export function openAuthChannel(channel: string | undefined, authType: string | undefined): AuthChannel {
  const type = authType === undefined || authType === '' ? undefined : authType;
  const named = channel === undefined || channel === '' ? (type ?? 'wechat') : channel;
  const flow = FLOW_CHANNEL[named];
  if (!flow)
    throw new AssistException(
      AssistErrorCode.CHANNEL_AUTH_UNSUPPORTED,
      `channel ${named}: channel auth serves wechat, alipay and douyin on this gateway`,
    );
  if (type !== undefined && type !== named) {
    throw AssistException.invalidField(
      'authType',
      `${type} does not match channel ${named} (send authType ${named}; the server's default is wechat)`,
    );
  }
  return flow;
}

/** get-openid's authType: WeChat, Alipay and Douyin (a merchant without the channel's app gets 29401 from the flow). */
export function openLinkChannel(authType: string): AuthChannel {
  const flow = FLOW_CHANNEL[authType];
  if (!flow) throw AssistException.invalidField('authType', 'must be wechat, alipay or douyin');
  return flow;
}
