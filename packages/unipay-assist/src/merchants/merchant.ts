import type { KeyObject } from 'node:crypto';
import type { DialectName } from '@unipay-assist/wire';
import { SignType } from '@unipay-assist/wire';
import type {
  AlipayApp,
  AlipayAppInput,
  DouyinApp,
  DouyinAppInput,
  MiniProgramApp,
  MiniProgramAppInput,
} from './merchant-channels';

/** A merchant as configured (file, environment or a host's store). */
export interface MerchantInput {
  /** DaxPay merchant number, matched against the request's `mchNo`. */
  mchNo: string;
  /** DaxPay 3.x merchant application id, matched against the request's `appId`. */
  appId?: string;
  /**
   * Which WeChat official-account app the merchant's payers authorize:
   * its own (`{ appId, appSecret }`), the gateway's service-provider app
   * (`{ serviceProvider: true }`, module option `wechatServiceProvider`), or
   * its own app operated through the gateway's third-party platform
   * (`{ appId, viaComponent: true }`, module option `wechatComponent`; no
   * AppSecret). docs/channels.md.
   */
  wechat: MerchantWechat;
  /** The merchant's Alipay app, for `getAlipayAuthUrl` / `getAlipayUserId`. Keys checked at start. */
  alipay?: AlipayAppInput;
  /** The merchant's WeChat mini program, for `getWxMiniOpenId`. */
  miniProgram?: MiniProgramAppInput;
  /** The merchant's Douyin app (client key and secret), for the hosted flows' `douyin` channel. */
  douyin?: DouyinAppInput;
  /** Defaults to HMAC_SHA256; `RSA` (SHA256withRSA), the default and only choice, for a `daxpay-open` merchant. */
  signType?: MerchantSignType | string;
  /** One secret, or several during a rotation: any verifies, and the answer is signed with the one that verified. */
  signSecret?: string | string[];
  signSecrets?: string[];
  /**
   * `daxpay-open`: the merchant's RSA public key as DaxPay Open registers it
   * (X.509 SPKI PEM, or the same as bare base64), or several during a
   * rotation (any verifies). Or `signPublicKeyFile`: a path, or several.
   */
  signPublicKey?: string | string[];
  signPublicKeyFile?: string | string[];
  /** Seconds a request's reqTime may lie behind the server clock. Default 300. */
  reqTimeout?: number;
  /** Default true. When false an absent `sign` is accepted (a present one is still checked). */
  signRequired?: boolean;
  /** Hosts `getWxAuthUrl` may redirect to: `shop.example.com`, `*.example.com`, `localhost:*`. */
  redirectHosts?: string[];
  /** The merchant used when a request names none. Default: the first merchant. */
  default?: boolean;
  /**
   * A signed request seen again within its window: `answer` (default) gets
   * the answer it got the first time (same data, signed; the business does
   * not run again), `reject` refuses it with 10007 (DaxPay's
   * REPETITIVE_OPERATION_ERROR).
   */
  replay?: ReplayMode | string;
  /**
   * The merchant's DaxPay client generation (docs/daxpay-dialects.md), used
   * where the wire cannot tell (2.0.1–2.0.5 from 2.0.6–2.0.8; the multi line's
   * early and late answers). A request whose wire names its generation is
   * answered as that generation (docs/daxpay-detection.md). Default `daxpay-2.0.6`.
   */
  dialect?: DialectName | string;
  /**
   * Pins the merchant to these generations: nothing else is accepted for it,
   * whatever the wire says. `dialect`, when also given, must be one of them
   * (and is the first tried); absent, it is the first of the list.
   */
  dialects?: (DialectName | string)[];
  /** Pins the merchant to `dialect` alone (the same as `dialects: [dialect]`). Default false. */
  strictDialect?: boolean;
  /**
   * The IANA time zone a `yyyy-MM-dd HH:mm:ss` reqTime is read in (the
   * multi-merchant line and 3.0 write local time). Default `Asia/Shanghai`,
   * DaxPay's own; a merchant whose servers run in UTC sets `UTC`.
   */
  reqTimeZone?: string;
  /**
   * A WeChat snapshot-page user (`is_snapshotuser`, a virtual openId that
   * cannot pay): `refuse` (default) answers a signed business failure telling
   * the payer to open the full page; `flag` answers the openId with
   * `snapshotUser: true`, where the dialect carries fields beyond DaxPay's.
   */
  snapshotUsers?: SnapshotUserPolicy;
  /**
   * Channel auth: after an snsapi_userinfo exchange, also fetch the payer's
   * profile (`sns/userinfo`) and answer `nickname` and `headImgUrl`, where the
   * dialect carries fields beyond DaxPay's (2.0.6; getWxAccessToken's model
   * has no room for them in any dialect). Default false: no extra WeChat call.
   */
  wechatProfile?: boolean;
}

/** A merchant's own official-account app, with its AppSecret. */
export interface OwnWechatApp {
  readonly appId: string;
  readonly appSecret: string;
  readonly serviceProvider?: undefined;
  readonly viaComponent?: undefined;
}

/** No app of its own: payers authorize the gateway's service-provider app (they pay with `sp_openid`). */
export interface ServiceProviderWechatApp {
  readonly serviceProvider: true;
  readonly appId?: undefined;
  readonly appSecret?: undefined;
  readonly viaComponent?: undefined;
}

/** The merchant's own app, authorized to the gateway's third-party platform: no AppSecret here. */
export interface ComponentWechatApp {
  readonly appId: string;
  readonly viaComponent: true;
  readonly appSecret?: undefined;
  readonly serviceProvider?: undefined;
}

export type MerchantWechat = OwnWechatApp | ServiceProviderWechatApp | ComponentWechatApp;

/** How a merchant's WeChat identities are obtained (docs/channels.md). */
export type WechatAppMode = 'own' | 'service-provider' | 'component';

export function wechatAppMode(wechat: MerchantWechat): WechatAppMode {
  if (wechat.serviceProvider === true) return 'service-provider';
  if (wechat.viaComponent === true) return 'component';
  return 'own';
}

/** The secret algorithms of DaxPay 2.0–3.0, or DaxPay Open's key pairs. */
export type MerchantSignType = SignType | 'RSA';

export type SnapshotUserPolicy = 'refuse' | 'flag';

export const REPLAY_MODES = ['answer', 'reject'] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

/** A validated merchant, as the relay uses it. */
export interface Merchant {
  readonly mchNo: string;
  readonly appId?: string;
  readonly wechat: MerchantWechat;
  readonly alipay?: AlipayApp;
  readonly miniProgram?: MiniProgramApp;
  readonly douyin?: DouyinApp;
  readonly signType: MerchantSignType;
  /** Empty for a `daxpay-open` merchant (it signs with a key pair). */
  readonly signSecrets: readonly string[];
  /** `daxpay-open` only: the merchant's RSA public keys (parsed and checked at start). */
  readonly signPublicKeys?: readonly KeyObject[];
  readonly reqTimeout: number;
  readonly signRequired: boolean;
  readonly redirectHosts?: readonly string[];
  readonly default: boolean;
  /** Absent means `answer`. */
  readonly replay?: ReplayMode;
  readonly dialect: DialectName;
  /** Present when the merchant is pinned: the only generations accepted for it, `dialect` first. */
  readonly dialects?: readonly DialectName[];
  /** IANA zone of a `yyyy-MM-dd HH:mm:ss` reqTime. Absent means `Asia/Shanghai` (a host's own provider may leave it out). */
  readonly reqTimeZone?: string;
  /** Absent means `refuse`. */
  readonly snapshotUsers?: SnapshotUserPolicy;
  /** Absent means false. */
  readonly wechatProfile?: boolean;
}

/** A merchant of DaxPay 2.0–3.0, which signs with a shared secret (every merchant but a `daxpay-open` one). */
export type SecretMerchant = Merchant & { readonly signType: SignType };

export function signsWithSecret(merchant: Merchant): merchant is SecretMerchant {
  return merchant.signType !== 'RSA';
}

/** How a request names its merchant. */
export interface MerchantQuery {
  mchNo?: string;
  appId?: string;
}

declare module '../kernel/request-context.js' {
  interface AssistRequestContext {
    /** The merchant whose sign verified (set by the SignatureGuard). */
    merchant?: Merchant;
    /**
     * The generation answering this request: the one whose sign string
     * verified (detected from the wire, or the merchant's `dialect`); before
     * the sign is checked, the generation the wire points to.
     */
    dialect?: DialectName;
  }
}
