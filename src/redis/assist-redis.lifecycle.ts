import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { newTraceId } from '../kernel/trace-id';
import { AssistLogger } from '../kernel/assist.logger';
import { ASSIST_REDIS_OWNED, AssistRedis, AssistRedisClient } from './assist-redis';

const STARTUP_WAIT_MS = 3000;

/**
 * Owns the shared AssistRedis connection's life: the one place that watches
 * its health and closes it. Logs `redis.unavailable` once when the
 * connection is lost (not once per request or per reconnect attempt) and
 * `redis.recovered` when ioredis reconnects by itself. The outage gets its
 * own traceId, carried by both lines.
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
  ) {
    if (!redis) return;
    // Without an 'error' listener ioredis prints every failed reconnect attempt.
    redis.on('error', (err: Error & { code?: string }) => this.markDown(err.code ?? err.name));
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
    if (!redis || redis.status === 'ready') return;
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
    this.logger.error(this.outageId, 'redis.unavailable', { reason, effect: 'failing closed (30010)' });
  }

  private markUp(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log(this.outageId, 'redis.recovered');
  }
}
