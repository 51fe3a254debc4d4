import { AuthChannel } from '../../channel-auth/auth-channel';
import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';

/** DaxPay Open's channel codes (`wechat`, `alipay`) to the relay's flows' (`wechat_pay`, `ali_pay`). */
const FLOW_CHANNEL: Readonly<Record<string, AuthChannel>> = { wechat: 'wechat_pay', alipay: 'ali_pay' };

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
      `channel ${named}: channel auth serves wechat and alipay on this gateway`,
    );
  if (type !== undefined && type !== named) {
    throw AssistException.invalidField(
      'authType',
      `${type} does not match channel ${named} (send authType ${named}; the server's default is wechat)`,
    );
  }
  return flow;
}

/** get-openid's authType: WeChat and Alipay; Douyin is DaxPay Open's too, not this gateway's yet. */
export function openLinkChannel(authType: string): AuthChannel {
  if (authType === 'douyin') {
    throw new AssistException(
      AssistErrorCode.CHANNEL_AUTH_UNSUPPORTED,
      'authType douyin: not supported on this gateway yet (wechat and alipay are)',
    );
  }
  const flow = FLOW_CHANNEL[authType];
  if (!flow) throw AssistException.invalidField('authType', 'must be wechat, alipay or douyin');
  return flow;
}
