import { Injectable, Optional } from '@nestjs/common';
import { mask } from '@unipay-assist/wire';
import { CodeExchangeService } from '../../exchange/code-exchange.service';
import { AssistLogger, LogFields } from '../../kernel/assist.logger';
import { AssistRequestContext } from '../../kernel/request-context';
import { Merchant } from '../../merchants/merchant';
import { WechatOAuthService } from '../../wechat/wechat-oauth.service';
import { SNAPSHOT_USER_REFUSED } from '../../wechat/wechat-snapshot-user';
import { ownAppsOnly, WechatAppsService } from '../wechat-apps.service';
import { WECHAT_CALLBACK_PATH } from './callback-paths';
import { ChannelCallback, IdentityOutcome } from './channel-callback';
import { carriesExtras } from './extra-field-dialects';

/** The failure a flow records for a snapshot-page user (a virtual openId that cannot pay) its merchant's answers cannot flag. */
export const SNAPSHOT_REFUSED = SNAPSHOT_USER_REFUSED;

/**
 * WeChat's side of a hosted flow: the authorize page of the merchant's
 * WeChat app (own, the service provider's, or through the third-party
 * platform), and the callback's code exchanged into openId, access token,
 * unionId and, for a merchant that asked, the profile.
 */
@Injectable()
export class WechatCallback implements ChannelCallback {
  readonly label = 'WeChat';
  readonly missingCode = 'a code';
  readonly callbackPath = WECHAT_CALLBACK_PATH;
  // WeChat's callback log lines predate the other channels and name no channel: queries on them keep matching.
  readonly logTag: LogFields = {};
  private readonly apps: WechatAppsService;

  constructor(
    private readonly wechat: WechatOAuthService,
    private readonly exchanges: CodeExchangeService,
    private readonly logger: AssistLogger,
    // Optional so a construction without the module (unit tests) works: merchants' own WeChat apps only.
    @Optional() wechatApps?: WechatAppsService,
  ) {
    this.apps = wechatApps ?? ownAppsOnly(wechat);
  }

  /** WeChat's explicit refusal is `authdeny`; a redirect with no code at all is a refusal too. */
  declined(rawCode: string | undefined): boolean {
    return rawCode === undefined || rawCode === 'authdeny';
  }

  /** Every merchant has a WeChat app (its own, or one the gateway resolves for it). */
  serves(): boolean {
    return true;
  }

  authorizeUrl(merchant: Merchant, redirectUri: string, state: string): string {
    return this.apps.authorizeUrl(merchant, redirectUri, 'snsapi_base', state);
  }

  codeScope(merchant: Merchant): string {
    return this.apps.appOf(merchant).appId;
  }

  /** WeChat's refusal and a refused snapshot user are `ok: false`. */
  async identify(merchant: Merchant, code: string, ctx: AssistRequestContext, scope: string): Promise<IdentityOutcome> {
    const upstream = { ...this.apps.upstream(merchant, code, ctx.traceId), scope };
    const { result, codeDigest: digest, source } = await this.exchanges.exchange(upstream, code, ctx.traceId);
    if (!result.ok) {
      this.logger.warn(ctx.traceId, 'wechat.refused', { mchNo: merchant.mchNo, errcode: result.errcode, code: digest });
      return { ok: false, msg: result.reason, wxErrcode: result.errcode };
    }
    const { openId, accessToken, unionId, snapshotUser, scope: oauthScope } = result.token;
    if (snapshotUser && !this.flagsSnapshotUsers(merchant)) {
      this.logger.log(ctx.traceId, 'channel_auth.snapshot_user', { mchNo: merchant.mchNo, code: digest });
      return { ok: false, msg: SNAPSHOT_REFUSED };
    }
    ctx.answered = { event: 'wechat.exchanged', fields: { code: digest, openId: mask(openId), source } };
    const profile = await this.profile(merchant, openId, accessToken, oauthScope, ctx);
    // The WeChat app the openId belongs to (own, the service provider's, or an authorizer's).
    const wxAppId = upstream.app.appId;
    return {
      ok: true,
      identity: {
        openId,
        accessToken,
        wxAppId,
        ...(unionId !== undefined && { unionId }),
        ...(snapshotUser && { snapshotUser }),
        ...profile,
      },
    };
  }

  /**
   * nickname and headImgUrl from sns/userinfo, once per exchange this flow
   * makes (stored with the flow's identity, so auth reads them without another
   * call), for a merchant that asked whose dialect carries them. A known base
   * scope skips the call; a reused exchange has no scope, so WeChat's 48001
   * decides. A refusal leaves the profile out (logged); a transport failure is
   * the 293xx code, as for the exchange.
   */
  private async profile(
    merchant: Merchant,
    openId: string,
    accessToken: string,
    scope: string | undefined,
    ctx: AssistRequestContext,
  ): Promise<{ nickname?: string; headImgUrl?: string }> {
    if (!merchant.wechatProfile || !carriesExtras(merchant)) return {};
    if (scope !== undefined && !scope.split(',').includes('snsapi_userinfo')) return {};
    const info = await this.wechat.fetchUserInfo(accessToken, openId);
    if (!info.ok) {
      this.logger.warn(ctx.traceId, 'wechat.userinfo_refused', {
        mchNo: merchant.mchNo,
        errcode: info.errcode,
        openId: mask(openId),
      });
      return {};
    }
    return { nickname: info.profile.nickname, headImgUrl: info.profile.headImgUrl };
  }

  /** `flag` takes effect only where the answer can carry the flag; elsewhere a snapshot user is refused. */
  private flagsSnapshotUsers(merchant: Merchant): boolean {
    return merchant.snapshotUsers === 'flag' && carriesExtras(merchant);
  }
}
