import { Type } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { ChannelAuthStore } from '../channel-auth/channel-auth.store';
import { HostedAuthOptions } from '../channel-auth/hosted-auth.options';
import { ExchangeCache } from '../exchange/exchange.cache';
import { ExchangeOptions } from '../exchange/exchange.options';
import { AssistMetrics } from '../kernel/assist.metrics';
import { AssistClock } from '../kernel/clock';
import { MerchantInput } from '../merchants/merchant';
import { MerchantProvider } from '../merchants/merchant.provider';
import { RateLimitOptions } from '../rate-limit/rate-limit.options';
import type { AssistRedisOption } from '../redis/assist-redis-connection';
import type { RedisReplicaAcks } from '../redis/replica-acks';
import { ReplayStore } from '../replay/replay.store';
import { WechatOptions } from '../wechat/wechat.options';
import { DouyinOptions } from '../douyin/douyin.options';
import { WechatServiceProviderOptions } from '../wechat/wechat-service-provider.options';
import { ComponentStore } from '../wechat-component/component.store';
import { WechatComponentOptions } from '../wechat-component/wechat-component.options';
import { AlipayOptions } from '../alipay/alipay.options';
import type { MpVerifyFilesOption, PlatformKeyOption } from '../daxpay-open/open.options';

export const DEFAULT_ROUTE_PREFIX = 'unipay/assist';

/** What `forRoot` / `forRootAsync`'s factory returns. Validated at start; errors name the option. */
export interface AssistModuleOptions {
  /** Merchants, when no `merchantProvider` class is given. Validated at start. */
  merchants?: MerchantInput[] | unknown[];
  wechat?: WechatOptions;
  /** Where Douyin's OAuth is (merchants' `douyin` apps use it), and its timeout. */
  douyin?: DouyinOptions;
  /**
   * The gateway's own official-account app as a WeChat Pay service provider:
   * merchants with `wechat: { serviceProvider: true }` get openIds under it
   * (env ASSIST_WX_SP_APP_ID / ASSIST_WX_SP_APP_SECRET). docs/channels.md.
   */
  wechatServiceProvider?: WechatServiceProviderOptions;
  /**
   * The gateway's WeChat third-party platform: merchants with
   * `wechat: { appId, viaComponent: true }` hold no AppSecret; WeChat pushes
   * the platform's ticket to `POST <routePrefix>/wechat/component/events`
   * (env ASSIST_WX_COMPONENT_APP_ID / _APP_SECRET / _TOKEN / _ENCODING_AES_KEY).
   */
  wechatComponent?: WechatComponentOptions;
  /** Where Alipay's gateway and authorize page are, and its timeout (merchants' Alipay apps use them). */
  alipay?: AlipayOptions;
  /** ioredis URL; when set, replay memory, exchange results and rate-limit counters are shared through Redis. */
  redisUrl?: string;
  /**
   * Instead of `redisUrl`: a deployment (`{ kind: 'single', url, tls? }`,
   * `{ kind: 'cluster', nodes }`, `{ kind: 'sentinel', sentinels, name }`,
   * each with optional passwords), which the module opens and closes; or the
   * host's own ioredis `Redis` / `Cluster` instance, which the module uses and
   * never closes. Checked at start; an error names the field.
   */
  redis?: AssistRedisOption;
  /** Prefix of every Redis key the module writes. Default `unipay:assist:`. */
  redisKeyPrefix?: string;
  /**
   * Replicated deployments (Sentinel, Cluster with replicas): WAIT for this
   * many replicas after each exchange claim and result and each replay claim
   * (strict and answer mode), so a failover cannot lose one (see
   * RedisReplicaAcks). Default `{ replicas: 0 }` (no WAIT).
   */
  redisReplicaAcks?: RedisReplicaAcks;
  /** Per-IP and per-merchant limits (answered with 29063); Redis-backed when Redis is configured. */
  rateLimit?: RateLimitOptions;
  /** Idempotent code exchange, retry and circuit breaker (see ExchangeOptions). */
  exchange?: ExchangeOptions;
  /** Where the relay reports metrics, e.g. `new PrometheusAssistMetrics({ registry })` from `unipay-assist/metrics`. Default: none. */
  metrics?: AssistMetrics;
  /** Storages of your own; each defaults to Redis when Redis is configured, memory otherwise. */
  replayStore?: ReplayStore;
  exchangeCache?: ExchangeCache;
  /** Channel-auth flows (queryCode, state, result; 5 minutes each). */
  channelAuthStore?: ChannelAuthStore;
  /** The third-party platform's ticket and token (sealed), shared by every instance. */
  componentStore?: ComponentStore;
  throttlerStorage?: ThrottlerStorage;
  /**
   * The gateway hosts WeChat's OAuth callback (QR scan and redirect-back
   * flows of channel auth): its public base URL. Absent: hosted flows answer 20024.
   */
  hostedAuth?: HostedAuthOptions;
  /** The relay's time source (reqTime windows, resTime). Default the system clock. */
  clock?: AssistClock;
  /**
   * DaxPay Open: the gateway's platform private key (RSA, 2048 bits or more),
   * which signs every answer to a `daxpay-open` merchant and every get-openid
   * return; merchants verify with its public key. Required as soon as one
   * merchant is `daxpay-open` (checked at start).
   */
  platformKey?: PlatformKeyOption;
  /** WeChat's domain-verification files, `MP_verify_<code>.txt`: code → contents (served at the Open routes' root). */
  mpVerifyFiles?: MpVerifyFilesOption;
  /** Or a directory holding those files as WeChat hands them out. */
  mpVerifyDir?: string;
}

/** Static settings, known before any provider is built. */
export interface AssistModuleExtras {
  /** Make the module's exports global. Default false. */
  isGlobal?: boolean;
  /** Route prefix of the relay routes. Default `unipay/assist`. */
  routePrefix?: string;
  /** A host's own merchant store, replacing `options.merchants`. */
  merchantProvider?: Type<MerchantProvider>;
  /**
   * The host's own class decorators for the module's controller: its auth
   * guard's `@Public()`, its response wrapper's skip marker, `@ApiTags(...)`,
   * `@SkipThrottle()`. Applied to this mount's controller class only.
   */
  controllerDecorators?: ClassDecorator[];
  /**
   * Where DaxPay Open's routes are mounted (`/unipay/ping`,
   * `/unipay/assist/channel/auth/generate-auth-url`, `/unipay/open/auth/get-openid`,
   * `/MP_verify_<code>.txt` …): below this prefix. Default: `''`, the
   * gateway root (DaxPay Open's own paths), for the mount at the default
   * `routePrefix`; not mounted for a mount at another prefix unless given
   * (two mounts would both claim the same absolute paths). `false`: not mounted.
   */
  openRoutePrefix?: string | false;
}
