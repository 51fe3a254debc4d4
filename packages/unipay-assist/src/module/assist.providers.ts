import { Provider } from '@nestjs/common';
import { ChannelAuthStore } from '../channel-auth/channel-auth.store';
import { HOSTED_AUTH_OPTIONS, resolveHostedAuthOptions } from '../channel-auth/hosted-auth.options';
import { MemoryChannelAuthStore } from '../channel-auth/memory-channel-auth.store';
import { RedisChannelAuthStore } from '../channel-auth/redis-channel-auth.store';
import { ExchangeCache } from '../exchange/exchange.cache';
import { EXCHANGE_OPTIONS, ResolvedExchangeOptions, resolveExchangeOptions } from '../exchange/exchange.options';
import { REPLAY_OPTIONS, ReplayOptions } from '../replay/replay.options';
import { MemoryExchangeCache } from '../exchange/memory-exchange.cache';
import { RedisExchangeCache } from '../exchange/redis-exchange.cache';
import { DEFAULT_REPLICA_ACKS, MAX_REPLICA_WAIT_MS, RedisReplicaAcks } from '../redis/replica-acks';
import { AssistLogger } from '../kernel/assist.logger';
import { optionalInteger } from '../kernel/option-checks';
import { AssistConfigError } from '../kernel/assist-config.error';
import { AssistMetrics, NoopAssistMetrics } from '../kernel/assist.metrics';
import { ASSIST_CLOCK, systemClock } from '../kernel/clock';
import { MerchantProvider } from '../merchants/merchant.provider';
import { Merchant, wechatAppMode } from '../merchants/merchant';
import { MerchantConfigError } from '../merchants/merchant-config.error';
import { resolveWechatServiceProvider, WECHAT_SERVICE_PROVIDER } from '../wechat/wechat-service-provider.options';
import { ComponentStore } from '../wechat-component/component.store';
import { DOUYIN_OPTIONS, resolveDouyinOptions } from '../douyin/douyin.options';
import { resolveWechatComponent, WECHAT_COMPONENT } from '../wechat-component/wechat-component.options';
import { normalizeMerchants } from '../merchants/normalize-merchant';
import { StaticMerchantProvider } from '../merchants/static-merchant.provider';
import {
  ASSIST_REDIS_CONNECTION,
  ASSIST_REDIS_KEY_PREFIX,
  ASSIST_REDIS_OWNED,
  AssistRedis,
  AssistRedisClient,
} from '../redis/assist-redis';
import { openAssistRedis } from '../redis/assist-redis-connection';
import type { RedisConnection } from '../redis/redis-connection';
import { MemoryReplayStore } from '../replay/memory-replay.store';
import { DEFAULT_REDIS_KEY_PREFIX, RedisReplayStore } from '../replay/redis-replay.store';
import { ReplayStore } from '../replay/replay.store';
import { ResolvedWechatOptions, resolveWechatOptions, WECHAT_OPTIONS } from '../wechat/wechat.options';
import { ALIPAY_OPTIONS, resolveAlipayOptions } from '../alipay/alipay.options';
import { ASSIST_MODULE_OPTIONS } from './assist.module-definition';
import { AssistModuleOptions, AssistModuleExtras } from './assist.options';
import { OPEN_OPTIONS, ResolvedOpenOptions, resolveOpenOptions } from '../daxpay-open/open.options';
import { OPEN_DIALECT } from '@unipay-assist/wire';

type Options = AssistModuleOptions;

/**
 * Each feature's own options and storage, derived once from the module's
 * options: features inject their token (`@InjectWechatOptions()`, …), never
 * the whole options object. Every factory validates what it reads, so a bad
 * value fails at start with the option's name.
 */
export const ASSIST_OPTION_PROVIDERS: Provider[] = [
  {
    provide: WECHAT_OPTIONS,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options) => resolveWechatOptions(o.wechat),
  },
  {
    provide: ALIPAY_OPTIONS,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options) => resolveAlipayOptions(o.alipay),
  },
  {
    provide: DOUYIN_OPTIONS,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options) => resolveDouyinOptions(o.douyin),
  },
  {
    provide: WECHAT_SERVICE_PROVIDER,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options) => resolveWechatServiceProvider(o.wechatServiceProvider),
  },
  {
    provide: WECHAT_COMPONENT,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options) => resolveWechatComponent(o.wechatComponent),
  },
  {
    provide: EXCHANGE_OPTIONS,
    inject: [ASSIST_MODULE_OPTIONS, WECHAT_OPTIONS],
    useFactory: (o: Options, wechat: ResolvedWechatOptions) => resolveExchangeOptions(o.exchange, wechat.timeoutMs),
  },
  {
    provide: REPLAY_OPTIONS,
    inject: [EXCHANGE_OPTIONS],
    // A run's worst case: waiting for another instance's exchange, then its own call and retry.
    useFactory: (exchange: ResolvedExchangeOptions): ReplayOptions => ({
      waitMs: exchange.waitMs,
      pendingTtlMs: exchange.waitMs + exchange.claimTtlMs,
    }),
  },
  { provide: ASSIST_CLOCK, inject: [ASSIST_MODULE_OPTIONS], useFactory: (o: Options) => o.clock ?? systemClock },
  {
    provide: HOSTED_AUTH_OPTIONS,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options) => resolveHostedAuthOptions(o.hostedAuth),
  },
  {
    provide: OPEN_OPTIONS,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options): ResolvedOpenOptions => resolveOpenOptions(o.platformKey, o.mpVerifyFiles, o.mpVerifyDir),
  },
  {
    provide: AssistMetrics,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options) => o.metrics ?? new NoopAssistMetrics(),
  },
  {
    provide: ASSIST_REDIS_KEY_PREFIX,
    inject: [ASSIST_MODULE_OPTIONS],
    useFactory: (o: Options): string => {
      const prefix = o.redisKeyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
      if (typeof prefix !== 'string' || prefix === '' || prefix.length > 64 || /[\s{}]/.test(prefix)) {
        throw new AssistConfigError('redisKeyPrefix', 'must be 1 to 64 characters without spaces or braces');
      }
      return prefix;
    },
  },
  {
    provide: ASSIST_REDIS_CONNECTION,
    inject: [ASSIST_MODULE_OPTIONS],
    // Validated here, at start: a configuration that cannot work fails with the setting's name.
    useFactory: (o: Options): RedisConnection | null => openAssistRedis(o),
  },
  {
    provide: AssistRedis,
    inject: [ASSIST_REDIS_CONNECTION],
    useFactory: (c: RedisConnection | null): AssistRedisClient | null => c?.client ?? null,
  },
  // A host's own client is the host's to close.
  {
    provide: ASSIST_REDIS_OWNED,
    inject: [ASSIST_REDIS_CONNECTION],
    useFactory: (c: RedisConnection | null): boolean => c?.ownsClient ?? false,
  },
  {
    provide: ReplayStore,
    inject: [ASSIST_MODULE_OPTIONS, AssistRedis, ASSIST_REDIS_KEY_PREFIX, AssistMetrics],
    useFactory: (o: Options, redis: AssistRedisClient | null, keyPrefix: string, metrics: AssistMetrics): ReplayStore =>
      o.replayStore ??
      (redis
        ? new RedisReplayStore(redis, {
            keyPrefix,
            replicaAcks: resolveReplicaAcks(o.redisReplicaAcks),
            onRedisError: (op) => metrics.redisError('replay', op),
          })
        : new MemoryReplayStore()),
  },
  {
    provide: ExchangeCache,
    inject: [ASSIST_MODULE_OPTIONS, AssistRedis, ASSIST_REDIS_KEY_PREFIX, AssistLogger, AssistMetrics],
    useFactory: (
      o: Options,
      redis: AssistRedisClient | null,
      keyPrefix: string,
      logger: AssistLogger,
      metrics: AssistMetrics,
    ): ExchangeCache => {
      if (o.exchangeCache) return o.exchangeCache;
      if (!redis) return new MemoryExchangeCache();
      const replicaAcks = resolveReplicaAcks(o.redisReplicaAcks);
      return new RedisExchangeCache(redis, {
        keyPrefix,
        replicaAcks,
        onRedisError: (op) => metrics.redisError('exchange', op),
        // The code's 12-hex digest, as every exchange line names it; never the code.
        onEvent: ({ event, key, ...rest }) => {
          const code = key.slice(key.lastIndexOf(':') + 1, key.lastIndexOf(':') + 13);
          if (event === 'result_written_late') logger.log('', `exchange.${event}`, { code, ...rest });
          else logger.warn('', `exchange.${event}`, { code, ...rest });
        },
      });
    },
  },
  {
    provide: ChannelAuthStore,
    inject: [ASSIST_MODULE_OPTIONS, AssistRedis, ASSIST_REDIS_KEY_PREFIX, AssistMetrics],
    useFactory: (
      o: Options,
      redis: AssistRedisClient | null,
      keyPrefix: string,
      metrics: AssistMetrics,
    ): ChannelAuthStore =>
      o.channelAuthStore ??
      (redis
        ? new RedisChannelAuthStore(redis, { keyPrefix, onRedisError: (op) => metrics.redisError('channel-auth', op) })
        : new MemoryChannelAuthStore()),
  },
  {
    provide: ComponentStore,
    inject: [ASSIST_MODULE_OPTIONS, AssistRedis, ASSIST_REDIS_KEY_PREFIX, AssistMetrics],
    // The channel-auth store's implementations under their own key kind: the same four operations.
    useFactory: (
      o: Options,
      redis: AssistRedisClient | null,
      keyPrefix: string,
      metrics: AssistMetrics,
    ): ComponentStore =>
      o.componentStore ??
      (redis
        ? new RedisChannelAuthStore(redis, {
            keyPrefix,
            kind: 'wechat-component',
            onRedisError: (op) => metrics.redisError?.('wechat-component', op),
          })
        : new MemoryChannelAuthStore()),
  },
];

/**
 * `redisReplicaAcks`, checked at start: WAIT for more than 5 replicas is a mistake, and a WAIT longer than
 * MAX_REPLICA_WAIT_MS (1 s, half the client's 2 s command timeout) would be cut by the client's command
 * timeout before Redis answered it.
 */
export function resolveReplicaAcks(acks: RedisReplicaAcks | undefined): Required<RedisReplicaAcks> {
  const replicas =
    optionalInteger(acks?.replicas, 'redisReplicaAcks.replicas', { zeroOk: true, max: 5 }) ??
    DEFAULT_REPLICA_ACKS.replicas;
  const timeoutMs =
    optionalInteger(acks?.timeoutMs, 'redisReplicaAcks.timeoutMs', { max: MAX_REPLICA_WAIT_MS }) ??
    DEFAULT_REPLICA_ACKS.timeoutMs;
  return { replicas, timeoutMs };
}

/** The merchant store: the host's class, or the validated `merchants` option. */
export function merchantProviderFor(extras: AssistModuleExtras): Provider {
  if (extras.merchantProvider) return { provide: MerchantProvider, useClass: extras.merchantProvider };
  return {
    provide: MerchantProvider,
    inject: [ASSIST_MODULE_OPTIONS, OPEN_OPTIONS],
    // Throws a MerchantConfigError at start, naming merchant and field.
    useFactory: (o: Options, open: ResolvedOpenOptions) => {
      const merchants = requirePlatformKey(normalizeMerchants(o.merchants), open);
      checkWechatModes(merchants, o);
      return new StaticMerchantProvider(merchants);
    },
  };
}

/**
 * A configured merchant whose WeChat mode the gateway lacks fails at start
 * (a host's own merchant store is asked per request: 29321 then).
 */
function checkWechatModes(merchants: readonly Merchant[], o: Options): void {
  merchants.forEach((m, i) => {
    const mode = wechatAppMode(m.wechat);
    if (mode === 'service-provider' && o.wechatServiceProvider === undefined) {
      throw new MerchantConfigError(
        `#${i + 1} (${m.mchNo})`,
        'wechat.serviceProvider',
        "needs the gateway's service-provider app (wechatServiceProvider, ASSIST_WX_SP_APP_ID / ASSIST_WX_SP_APP_SECRET)",
      );
    }
    if (mode === 'component' && o.wechatComponent === undefined) {
      throw new MerchantConfigError(
        `#${i + 1} (${m.mchNo})`,
        'wechat.viaComponent',
        "needs the gateway's third-party platform (wechatComponent, ASSIST_WX_COMPONENT_*)",
      );
    }
  });
}

/** A daxpay-open merchant cannot be answered without the platform key: said at start, naming the merchant. */
export function requirePlatformKey(merchants: Merchant[], open: ResolvedOpenOptions): Merchant[] {
  const index = merchants.findIndex((m) => m.dialect === OPEN_DIALECT);
  if (index >= 0 && !open.platformKey) {
    throw new MerchantConfigError(
      `#${index + 1} (${merchants[index].mchNo})`,
      'dialect',
      'daxpay-open needs the gateway platform key that signs its answers: platformKey.privateKey(File) or ASSIST_PLATFORM_PRIVATE_KEY(_FILE)',
    );
  }
  return merchants;
}
