import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AssistException } from '../kernel/assist.exception';
import { AssistLogger } from '../kernel/assist.logger';
import { AssistErrorCode } from '@unipay-assist/wire';
import { openPush, pushSignatureMatches } from '../wechat-component/component-message-crypto';
import { ComponentStore } from '../wechat-component/component.store';
import { readWechatXml } from '../wechat-component/wechat-xml';
import { ComponentAuthorizersService } from './component-authorizers.service';
import { ComponentTokenService } from './component-token.service';

/** The query WeChat puts on a push (safe mode). */
export interface ComponentPushQuery {
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
  encrypt_type?: string;
}

/** What a verified push did, for the log line and tests. */
export type PushOutcome =
  | { kind: 'ticket'; stored: boolean }
  | { kind: 'authorized' | 'updateauthorized' | 'unauthorized'; authorizerAppId: string }
  | { kind: 'duplicate' }
  | { kind: 'ignored'; infoType: string };

const MAX_PUSH_BYTES = 64 * 1024;

/**
 * WeChat's authorization-event pushes to the third-party platform
 * (`POST <routePrefix>/wechat/component/events`): verified (msg_signature
 * over Token, timestamp, nonce and ciphertext; a timestamp within the push
 * window), decrypted with the EncodingAESKey, addressed to this platform's
 * appid inside and out. Anything else is 29323 and changes nothing. A push
 * WeChat repeats (it does, until it reads `success`) is done once.
 */
@Injectable()
export class ComponentEventsService {
  constructor(
    private readonly tokens: ComponentTokenService,
    private readonly authorizers: ComponentAuthorizersService,
    @Inject(ComponentStore) private readonly store: ComponentStore,
    private readonly logger: AssistLogger,
  ) {}

  async handle(query: ComponentPushQuery, body: string, traceId: string): Promise<PushOutcome> {
    const c = this.tokens.config();
    const { msg_signature: signature, timestamp, nonce } = query;
    if (!signature || !timestamp || !nonce) throw refused('msg_signature, timestamp and nonce are required');
    if (Buffer.byteLength(body) > MAX_PUSH_BYTES) throw refused('body too large');
    if (!/^\d{1,12}$/.test(timestamp) || nonce.length > 64) throw refused('timestamp or nonce malformed');
    if (Math.abs(Date.now() - Number(timestamp) * 1000) > c.pushWindowMs)
      throw refused('timestamp outside the push window (stale or from the future)');
    const outer = readWechatXml(body);
    if (!outer || !outer.Encrypt) throw refused('body is not WeChat XML with Encrypt');
    if (outer.AppId !== undefined && outer.AppId !== c.appId) throw refused("the push is another platform's (AppId)");
    const secrets = { token: c.token, encodingAesKey: c.encodingAesKey, appId: c.appId };
    if (!pushSignatureMatches(secrets, timestamp, nonce, outer.Encrypt, signature))
      throw refused('msg_signature does not verify');
    const opened = openPush(secrets, outer.Encrypt);
    if (!opened.ok) throw refused(opened.reason);
    const inner = readWechatXml(opened.xml);
    if (!inner) throw refused('the decrypted message is not WeChat XML');
    if (inner.AppId !== c.appId) throw refused("the decrypted message is another platform's (AppId)");

    // The signature names the push: one WeChat repeats is answered `success` without running again.
    // Marked once applied: a push that failed half-way is applied again when WeChat repeats it.
    const seenKey = `push:${createHash('sha256').update(signature).digest('base64url')}`;
    if ((await this.store.get(seenKey)) !== undefined) return { kind: 'duplicate' };
    const outcome = await this.apply(c.appId, inner);
    await this.store.set(seenKey, '1', c.pushWindowMs * 2);
    this.logger.log(traceId, 'wechat_component.push', {
      infoType: inner.InfoType ?? '',
      ...('authorizerAppId' in outcome && { authorizer: outcome.authorizerAppId }),
      // Never the ticket itself: with the platform's secret it yields a token.
      ...(outcome.kind === 'ticket' && { createTime: inner.CreateTime, stored: outcome.stored }),
    });
    return outcome;
  }

  private async apply(componentAppId: string, inner: Record<string, string>): Promise<PushOutcome> {
    const infoType = inner.InfoType ?? '';
    switch (infoType) {
      case 'component_verify_ticket': {
        const ticket = inner.ComponentVerifyTicket;
        const createTime = Number(inner.CreateTime);
        if (!ticket || !Number.isSafeInteger(createTime))
          throw refused('component_verify_ticket push without ComponentVerifyTicket or CreateTime');
        return { kind: 'ticket', stored: await this.tokens.saveTicket(ticket, createTime) };
      }
      case 'authorized':
      case 'updateauthorized':
      case 'unauthorized': {
        const authorizerAppId = inner.AuthorizerAppid;
        if (!authorizerAppId || !/^[A-Za-z0-9_-]{1,64}$/.test(authorizerAppId))
          throw refused(`${infoType} push without AuthorizerAppid`);
        if (infoType === 'unauthorized') await this.authorizers.revoke(componentAppId, authorizerAppId);
        else await this.authorizers.restore(componentAppId, authorizerAppId);
        return { kind: infoType, authorizerAppId };
      }
      default:
        // Other notices (e.g. notify_third_fasteregister) are not the relay's: accepted so WeChat stops repeating them.
        return { kind: 'ignored', infoType: infoType.slice(0, 64) };
    }
  }
}

function refused(reason: string): AssistException {
  return new AssistException(AssistErrorCode.COMPONENT_PUSH_REFUSED, `WeChat platform push refused: ${reason}`);
}
