import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type { Cluster } from 'ioredis';
import { newTraceId } from '../kernel/trace-id';
import { AssistLogger } from '../kernel/assist.logger';
import { ASSIST_REDIS_CONNECTION, ASSIST_REDIS_OWNED, AssistRedis, AssistRedisClient } from './assist-redis';
import { failClosedConcerns, RedisConnection } from './redis-connection';

const STARTUP_WAIT_MS = 3000;

/**
 * Owns the shared AssistRedis connection's life: the one place that watches
 * its health and closes it. Logs `redis.unavailable` once when the
 * connection is lost (not once per request or per reconnect attempt) and
 * `redis.recovered` when ioredis reconnects by itself. The outage gets its
 * own traceId, carried by both lines. At start it logs once which
 * deployment it talks to (`redis.connection`: kind and endpoints, no
 * password) and, for a host's own client, the options that would keep the
 * relay from failing closed (`redis.host_client_concerns`).
 */
@Injectable()
export class AssistRedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  private down = false;
  private outageId = '';
  private closing = false;

  constructor(
    @Inject(AssistRedis) private readonly redis: AssistRedisClient | null,
    private readonly logger: AssistLogger,
    @Inject(ASSIST_REDIS_OWNED) private readonly owned: boolean,
    @Optional() @Inject(ASSIST_REDIS_CONNECTION) private readonly connection: RedisConnection | null = null,
  ) {
    if (!redis) return;
    // Without an 'error' listener ioredis prints every failed reconnect attempt.
    redis.on('error', (err: Error & { code?: string }) => this.markDown(err.code ?? err.name));
    if (redis.isCluster) {
      // A Cluster reports a lost node as 'node error' (and 'error' only when
      // it gives up on the whole cluster): without a listener the loss of
      // one master goes unlogged while its slots fail closed.
      (redis as Cluster).on('node error', (err: Error & { code?: string }) =>
        this.markDown(`node: ${err.code ?? err.name}`),
      );
    }
    redis.on('close', () => this.markDown('connection closed'));
    redis.on('ready', () => this.markUp());
  }

  /** False while Redis is known to be unreachable. */
  get available(): boolean {
    return this.redis !== null && !this.down && this.redis.status === 'ready';
  }

  /**
   * Waits (a bounded time) for the first connection, so the first requests
   * after start are not refused only because the socket was still opening.
   * If Redis is down at start the app still starts, failing closed.
   */
  async onModuleInit(): Promise<void> {
    const redis = this.redis;
    if (!redis) return;
    this.describe(redis);
    if (redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, STARTUP_WAIT_MS);
      redis.once('ready', done);
    });
  }

  /** One line per start: which Redis, and what a host's own client would do during an outage. */
  private describe(redis: AssistRedisClient): void {
    const kind = this.connection?.kind ?? (this.owned ? 'single' : 'client');
    const description = this.connection?.description ?? (redis.isCluster ? 'cluster' : 'single');
    this.logger.log('', 'redis.connection', { kind, deployment: description, owned: this.owned });
    if (this.owned) return;
    const concerns = failClosedConcerns(redis);
    if (concerns.length > 0) {
      this.logger.warn('', 'redis.host_client_concerns', { concerns: concerns.join('; ') });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // A host's own client stays open: the host closes it.
    if (!this.redis || this.closing || !this.owned) return;
    this.closing = true;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private markDown(reason: string): void {
    if (this.down || this.closing) return;
    this.down = true;
    this.outageId = newTraceId();
    // The reason is an errno code or a fixed phrase: never the URL, which may hold a password.
    this.logger.error(this.outageId, 'redis.unavailable', { reason, effect: 'failing closed (29310)' });
  }

  private markUp(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log(this.outageId, 'redis.recovered');
  }
}
