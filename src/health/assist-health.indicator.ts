import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { CodeExchangeService } from '../exchange/code-exchange.service';
import { BreakerState } from '../kernel/assist.metrics';
import { AssistRedis } from '../redis/assist-redis';

export type RedisHealth = 'up' | 'down' | 'not configured';

/**
 * Terminus indicator for the relay. Down only when the module's Redis is
 * configured and does not answer PING: the relay fails closed without it.
 * The WeChat breaker state per host is reported but never makes it down: an
 * open breaker means WeChat is unwell, and restarting this instance would not
 * help. Provide it next to TerminusModule in a module of the app that mounts
 * AssistModule; it finds the module's providers itself.
 */
@Injectable()
export class AssistHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async isHealthy(key = 'unipayAssist', options: { timeoutMs?: number } = {}) {
    const session = this.indicator.check(key);
    const redis = await this.redisHealth(options.timeoutMs ?? 1000);
    const details = { redis, wechatBreaker: this.breakerStates() };
    return redis === 'down' ? session.down(details) : session.up(details);
  }

  /** `{ 'api.weixin.qq.com': 'closed' }`: one entry per WeChat host called so far. */
  breakerStates(): Record<string, BreakerState> {
    return this.find<CodeExchangeService>(CodeExchangeService)?.breakerStates() ?? {};
  }

  async redisHealth(timeoutMs: number): Promise<RedisHealth> {
    const redis = this.find<Redis | null>(AssistRedis);
    if (!redis) return 'not configured';
    let timer: NodeJS.Timeout | undefined;
    try {
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)));
      return (await Promise.race([redis.ping(), late])) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }

  private find<T>(token: unknown): T | undefined {
    try {
      return this.moduleRef.get<T>(token as never, { strict: false });
    } catch {
      return undefined;
    }
  }
}
