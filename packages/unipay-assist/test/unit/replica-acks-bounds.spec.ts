import { assistConfig } from '../../src';
import { AssistConfigError } from '../../src/kernel/assist-config.error';
import { resolveReplicaAcks } from '../../src/module/assist.providers';
import { FAIL_CLOSED_TUNING } from '../../src/redis/redis-connection';
import { MAX_REPLICA_WAIT_MS } from '../../src/redis/replica-acks';

/** The setting named by the AssistConfigError fn throws. */
function settingOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AssistConfigError);
    return (err as AssistConfigError).setting;
  }
  throw new Error('did not throw');
}

describe('the WAIT bound stays under the Redis command timeout', () => {
  it('accepts at most half the command timeout (1 s), so the client never cuts a WAIT Redis is still counting', () => {
    expect(MAX_REPLICA_WAIT_MS).toBe(1000);
    expect(MAX_REPLICA_WAIT_MS).toBeLessThan(FAIL_CLOSED_TUNING.commandTimeoutMs);
  });

  it('redisReplicaAcks: defaults, the bound itself, and a longer WAIT refused at start', () => {
    expect(resolveReplicaAcks(undefined)).toEqual({ replicas: 0, timeoutMs: 200 });
    expect(resolveReplicaAcks({ replicas: 1 })).toEqual({ replicas: 1, timeoutMs: 200 });
    expect(resolveReplicaAcks({ replicas: 1, timeoutMs: MAX_REPLICA_WAIT_MS })).toEqual({
      replicas: 1,
      timeoutMs: 1000,
    });
    expect(settingOf(() => resolveReplicaAcks({ replicas: 1, timeoutMs: 1001 }))).toBe('redisReplicaAcks.timeoutMs');
    expect(settingOf(() => resolveReplicaAcks({ replicas: 1, timeoutMs: 5000 }))).toBe('redisReplicaAcks.timeoutMs');
    expect(settingOf(() => resolveReplicaAcks({ replicas: 1, timeoutMs: 0 }))).toBe('redisReplicaAcks.timeoutMs');
  });

  describe('REDIS_WAIT_TIMEOUT_MS', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const k of Object.keys(process.env)) if (k.startsWith('REDIS_')) delete process.env[k];
      Object.assign(process.env, saved);
    });

    it('reads up to 1000 ms and fails at start naming the variable above it', () => {
      process.env.REDIS_WAIT_REPLICAS = '1';
      process.env.REDIS_WAIT_TIMEOUT_MS = '1000';
      expect(assistConfig().redisReplicaAcks).toEqual({ replicas: 1, timeoutMs: 1000 });
      process.env.REDIS_WAIT_TIMEOUT_MS = '2000';
      expect(settingOf(() => assistConfig())).toBe('REDIS_WAIT_TIMEOUT_MS');
    });
  });
});
