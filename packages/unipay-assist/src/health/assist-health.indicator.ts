import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Cluster, Redis } from 'ioredis';
import { CodeExchangeService } from '../exchange/code-exchange.service';
import { BreakerState, UpstreamChannel } from '../kernel/assist.metrics';
import { ASSIST_REDIS_CONNECTION, AssistRedis } from '../redis/assist-redis';
import type { RedisConnection } from '../redis/redis-connection';

export type RedisHealth = 'up' | 'down' | 'not configured';

/**
 * Per channel that has called upstream (`wechat`, `wechat_mini`, `alipay`, the
 * metrics' channel labels), its breaker's state per host. The mini program
 * calls WeChat's API host with WeChat's breaker, so it shows the same state.
 */
export type ChannelBreakers = Partial<Record<UpstreamChannel, Record<string, BreakerState>>>;

/** One Redis node the relay depends on, as its client sees it (no command sent). */
export interface RedisNodeHealth {
  /** `master`, or `replica` (Cluster); Sentinel's master is the one the Sentinels named. */
  role: 'master' | 'replica';
  /** host:port the client is connected (or connecting) to; absent while unknown. */
  address?: string;
  /** ioredis connection status: `ready` when usable. */
  status: string;
}

/** What the relay's Redis is made of: kind, a loggable description, each node's role and status. */
export interface RedisTopologyHealth {
  kind: RedisConnection['kind'] | 'unknown';
  deployment: string;
  nodes: RedisNodeHealth[];
}

/**
 * Terminus indicator for the relay. Down only when the module's Redis is
 * configured and does not answer PING: the relay fails closed without it.
 * The breaker states are reported but never make it down: an open breaker
 * means WeChat or Alipay is unwell, and restarting this instance would not
 * help. `breakers` has them per channel and upstream host. Provide it next to TerminusModule in a module of the app that mounts
 * AssistModule; it finds the module's providers itself.
 */
@Injectable()
export class AssistHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * `addresses`: name each Redis node's host:port (and the deployment's
   * description, which names them). Off by default: a health endpoint is
   * often reachable by more people than the network map should be.
   */
  async isHealthy(key = 'unipayAssist', options: { timeoutMs?: number; addresses?: boolean } = {}) {
    const session = this.indicator.check(key);
    const redis = await this.redisHealth(options.timeoutMs ?? 1000);
    const topology = this.redisTopology(options.addresses ?? false);
    const details = {
      redis,
      ...(topology && { redisTopology: topology }),
      breakers: this.channelBreakerStates(),
    };
    return redis === 'down' ? session.down(details) : session.up(details);
  }

  /** `{ wechat: { 'api.weixin.qq.com': 'open' }, wechat_mini: { 'api.weixin.qq.com': 'open' }, alipay: { 'openapi.alipay.com': 'closed' } }`. */
  channelBreakerStates(): ChannelBreakers {
    return this.find<CodeExchangeService>(CodeExchangeService)?.breakerStatesByChannel() ?? {};
  }

  async redisHealth(timeoutMs: number): Promise<RedisHealth> {
    const redis = this.find<Redis | null>(AssistRedis);
    if (!redis) return 'not configured';
    let timer: NodeJS.Timeout | undefined;
    try {
      const late = new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)),
      );
      return (await Promise.race([redis.ping(), late])) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Each Redis role the relay depends on, from the client's own view (cheap:
   * no command is sent). For a Cluster, every node ioredis knows with its
   * role, so one failed master shows even while PING (sent to any node)
   * still answers. Null without Redis.
   */
  redisTopology(addresses = true): RedisTopologyHealth | null {
    const redis = this.find<Redis | Cluster | null>(AssistRedis);
    if (!redis) return null;
    const connection = this.find<RedisConnection | null>(ASSIST_REDIS_CONNECTION);
    const kind = connection?.kind ?? 'unknown';
    const named = connection?.description ?? (redis.isCluster ? 'cluster' : 'single');
    // The description names hosts ("single 127.0.0.1:6379"): its first word only, unless addresses were asked for.
    const deployment = addresses ? named : named.split(' ')[0];
    const topology = this.nodesOf(redis, kind, deployment);
    if (addresses) return topology;
    return { ...topology, nodes: topology.nodes.map(({ role, status }) => ({ role, status })) };
  }

  private nodesOf(redis: Redis | Cluster, kind: RedisTopologyHealth['kind'], deployment: string): RedisTopologyHealth {
    if (redis.isCluster) {
      const cluster = redis as Cluster;
      const masters = new Set(cluster.nodes('master'));
      const nodes = cluster.nodes('all').map((node) => ({
        role: masters.has(node) ? ('master' as const) : ('replica' as const),
        address: `${node.options.host}:${node.options.port}`,
        status: node.status,
      }));
      return { kind, deployment, nodes };
    }
    const single = redis as Redis;
    const stream = (single as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
    const address =
      stream?.remoteAddress && stream.remotePort ? `${stream.remoteAddress}:${stream.remotePort}` : undefined;
    return { kind, deployment, nodes: [{ role: 'master', ...(address && { address }), status: single.status }] };
  }

  private find<T>(token: unknown): T | undefined {
    try {
      return this.moduleRef.get<T>(token as never, { strict: false });
    } catch {
      return undefined;
    }
  }
}
