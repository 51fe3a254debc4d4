import { AssistRequestContext } from '../../kernel/request-context';
import { ChannelAuthService } from '../../relay/channel-auth/channel-auth.service';
import { OpenAuthData } from '../../relay/channel-auth/channel-auth-data';
import { openAuthChannel } from './open-channel';

/** DaxPay Open's auth path, below the Open prefix. */
export const OPEN_AUTH_PATH = 'unipay/assist/channel/auth/auth';

/** DaxPay Open's auth, for a request the Open checks typed and verified (either route that serves the path). */
export function openAuth(channelAuth: ChannelAuthService, ctx: AssistRequestContext): Promise<OpenAuthData> {
  const fields = ctx.open?.fields ?? {};
  const text = (name: string): string | undefined => (typeof fields[name] === 'string' ? fields[name] : undefined);
  return channelAuth.openAuth(ctx, {
    channel: openAuthChannel(text('channel'), text('authType')),
    authCode: text('authCode'),
    authToken: text('authToken'),
    queryCode: text('queryCode'),
  });
}
