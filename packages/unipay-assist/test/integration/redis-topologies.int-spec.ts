import { Cluster, Redis } from 'ioredis';
import {
  closeRedisConnection,
  createRedisClient,
  failClosedConcerns,
  RedisConnection,
  redisConnectionFromEnv,
} from '../../src/redis/redis-connection';
import { exchangeKeys, rateLimitKeys, redisKey, replayKey } from '../../src/redis/redis-keys';
import { RedisClusterHarness } from '../../../../test/support/redis-cluster';
import { RedisSentinelHarness } from '../../../../test/support/redis-sentinel';
import { sleep, uniquePrefix } from '../../../../test/support/redis-server';

/**
 * Real Redis Cluster (3 masters + 3 replicas) and Sentinel (1 master,
 * 1 replica, 3 Sentinels) on 127.0.0.1, reached through createRedisClient
 * with a config read by redisConnectionFromEnv, as a deployment would.
 * Run: npx jest test/integration/redis-topologies.int-spec.ts (path first: options like --selectProjects take several values)
 */

jest.setTimeout(120_000);

// Generous bounds: they catch a client that never recovers or hangs, not a slow machine.
const RECOVERY_BOUND_MS = 45_000;
const SINGLE_OP_BOUND_MS = 10_000;

// Two keys of one entity in one script, as the rate-limit increment does.
const TWO_KEY_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if hits > tonumber(ARGV[2]) then redis.call('SET', KEYS[2], '1', 'PX', ARGV[1]) end
return hits`;

type AnyRedis = Redis | Cluster;

function quietly(client: AnyRedis): { errors: number } {
  const seen = { errors: 0 };
  // Without listeners ioredis prints every failed reconnect; the test counts them instead.
  client.on('error', () => seen.errors++);
  client.on('node error', () => seen.errors++);
  return seen;
}

function ready(client: AnyRedis, timeoutMs = 15_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`client not ready after ${timeoutMs} ms (status ${client.status})`)),
      timeoutMs,
    );
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

interface Sample {
  start: number;
  end: number;
  ok: boolean;
  key: string;
  /** Replicas that acknowledged the write (WAIT), when it succeeded. */
  acked: number;
  error?: string;
}

/**
 * One write as the relay makes it: SET NX PX of a fresh key, WAIT for one
 * replica in the same pipeline (same connection, so WAIT covers that write),
 * then a two-key script on the same entity.
 */
async function probe(client: AnyRedis, prefix: string, entity: string, i: number): Promise<Sample> {
  const key = redisKey(prefix, 'exchange', entity, `n${i}`);
  const { hits, block } = rateLimitKeys(prefix, 'probe', entity);
  const start = Date.now();
  try {
    const replies = await client.pipeline().set(key, String(i), 'PX', 120_000, 'NX').wait(1, 200).exec();
    if (!replies) throw new Error('pipeline returned nothing');
    for (const [err] of replies) if (err) throw err;
    if (replies[0][1] !== 'OK') throw new Error(`SET NX of a fresh key answered ${String(replies[0][1])}`);
    await client.eval(TWO_KEY_SCRIPT, 2, hits, block, 120_000, 1_000_000_000);
    return { start, end: Date.now(), ok: true, key, acked: Number(replies[1][1]) };
  } catch (err) {
    return { start, end: Date.now(), ok: false, key, acked: 0, error: (err as Error).message.slice(0, 80) };
  }
}

/**
 * Probes until a write is acknowledged by a replica again (the rejoined old
 * master), within a bound: a node reports its link up a moment before the
 * master counts it for WAIT.
 */
async function probeUntilReplicated(
  client: AnyRedis,
  prefix: string,
  entity: string,
  timeoutMs = 15_000,
): Promise<Sample> {
  const end = Date.now() + timeoutMs;
  let last: Sample;
  let i = 2_000_000;
  do {
    last = await probe(client, prefix, entity, i++);
    if (last.ok && last.acked >= 1) return last;
    await sleep(100);
  } while (Date.now() < end);
  return last;
}

interface FailoverFigures {
  samples: number;
  failed: number;
  /** Kill → first success after the last failure began (what a caller waits). */
  unavailableMs: number;
  /** First failed op started → last failed op ended. */
  errorSpanMs: number;
  /** Kill → the harness saw the replica serve as master. */
  promotionMs: number;
  longestOpMs: number;
  /** Writes acknowledged by a replica (WAIT ≥ 1) that were missing after the failover: must be 0. */
  ackedLost: number;
  /** Writes the master confirmed but no replica had acknowledged when it died, and that were lost. */
  unackedLost: number;
  unacked: number;
  errorKinds: string[];
}

/**
 * Runs `probe` every ~20 ms, kills the master, waits for promotion, keeps
 * going until 25 consecutive successes after it (or the bound), then
 * checks every confirmed write on the promoted master.
 */
async function failoverUnderLoad(
  client: AnyRedis,
  prefix: string,
  entity: string,
  kill: () => Promise<void>,
  promoted: () => Promise<unknown>,
): Promise<FailoverFigures> {
  const samples: Sample[] = [];
  let stop = false;
  let i = 0;
  const loop = (async () => {
    while (!stop) {
      samples.push(await probe(client, prefix, entity, i++));
      await sleep(20);
    }
  })();
  await sleep(600);
  const killedAt = Date.now();
  await kill();
  await promoted();
  const promotionMs = Date.now() - killedAt;
  const deadline = killedAt + RECOVERY_BOUND_MS;
  const recovered = () => {
    let run = 0;
    for (let j = samples.length - 1; j >= 0 && samples[j].start > killedAt; j--) {
      if (!samples[j].ok) break;
      run++;
    }
    return run >= 25;
  };
  while (!recovered() && Date.now() < deadline) await sleep(50);
  stop = true;
  await loop;
  expect(recovered()).toBe(true);

  const failed = samples.filter((s) => !s.ok);
  const lastFail = failed[failed.length - 1];
  const firstOkAfter = samples.find((s) => s.ok && s.start > killedAt && (!lastFail || s.start >= lastFail.start));
  let ackedLost = 0;
  let unackedLost = 0;
  let unacked = 0;
  for (const s of samples.filter((x) => x.ok)) {
    const present = (await client.exists(s.key)) === 1;
    if (s.acked >= 1 && !present) ackedLost++;
    if (s.acked === 0) {
      unacked++;
      if (!present) unackedLost++;
    }
  }
  return {
    samples: samples.length,
    failed: failed.length,
    unavailableMs: (firstOkAfter?.start ?? Date.now()) - killedAt,
    errorSpanMs: failed.length ? lastFail.end - failed[0].start : 0,
    promotionMs,
    longestOpMs: Math.max(...samples.map((s) => s.end - s.start)),
    ackedLost,
    unackedLost,
    unacked,
    errorKinds: [...new Set(failed.map((s) => s.error ?? ''))],
  };
}

describe('Redis Cluster: 3 masters + 3 replicas on 127.0.0.1', () => {
  let cluster: RedisClusterHarness;
  let connection: RedisConnection;
  let client: Cluster;
  let events: { errors: number };
  const prefix = uniquePrefix('cluster');

  beforeAll(async () => {
    cluster = await RedisClusterHarness.start({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
    const config = redisConnectionFromEnv({ REDIS_CLUSTER_NODES: cluster.envNodes });
    expect(config?.kind).toBe('cluster');
    connection = createRedisClient(config!);
    client = connection.client as Cluster;
    events = quietly(client);
    await ready(client);
  }, 90_000);

  afterAll(async () => {
    if (connection) await closeRedisConnection(connection);
    if (cluster) await cluster.stop();
  });

  it('opens a Cluster client the module owns, with nothing that would keep a request waiting', () => {
    expect(connection.kind).toBe('cluster');
    expect(connection.ownsClient).toBe(true);
    expect(client.isCluster).toBe(true);
    expect(failClosedConcerns(client)).toEqual([]);
    expect(connection.description).toMatch(/^cluster seeds 127\.0\.0\.1:\d+,/);
  });

  it('runs SET NX PX, a MULTI and a two-key script on one entity without CROSSSLOT', async () => {
    const replay = replayKey(prefix, 'sig-1');
    expect(await client.set(replay, '1', 'PX', 60_000, 'NX')).toBe('OK');
    expect(await client.set(replay, '1', 'PX', 60_000, 'NX')).toBeNull();

    const { hits, block } = rateLimitKeys(prefix, 'default', '203.0.113.9');
    expect(await client.cluster('KEYSLOT', hits)).toBe(await client.cluster('KEYSLOT', block));
    const replies: number[] = [];
    for (let n = 0; n < 3; n++) replies.push(Number(await client.eval(TWO_KEY_SCRIPT, 2, hits, block, 60_000, 2)));
    expect(replies).toEqual([1, 2, 3]);
    expect(await client.exists(block)).toBe(1);

    const ex = exchangeKeys(prefix, 'digest-1');
    const tx = await client
      .multi()
      .set(ex.claim, 'owner-a', 'PX', 60_000, 'NX')
      .set(ex.result, '{"openId":"x"}', 'PX', 60_000)
      .del(ex.claim)
      .exec();
    expect(tx?.map(([err]) => err)).toEqual([null, null, null]);
    expect(await client.get(ex.result)).toBe('{"openId":"x"}');
  });

  it('gets CROSSSLOT for the same script on the untagged key layout used today', async () => {
    // Two keys without a common hash tag, like `…ratelimit:default:k:hits` / `…:block` now.
    const base = `${prefix}ratelimit:default:203.0.113.9`;
    expect(await client.cluster('KEYSLOT', `${base}:hits`)).not.toBe(await client.cluster('KEYSLOT', `${base}:block`));
    await expect(client.eval(TWO_KEY_SCRIPT, 2, `${base}:hits`, `${base}:block`, 60_000, 2)).rejects.toThrow(
      /CROSSSLOT/,
    );
  });

  it('spreads entities over all three masters', async () => {
    const owner = await cluster.slotOwners();
    const masters = new Set<number | undefined>();
    for (let n = 0; n < 60; n++)
      masters.add(owner(Number(await client.cluster('KEYSLOT', replayKey(prefix, `req-${n}`)))));
    expect([...masters].filter((p) => p !== undefined)).toHaveLength(3);
  });

  it('fails over: the client errs only while the master is replaced, then serves again; nothing a replica acknowledged is lost', async () => {
    const entity = 'failover-probe';
    const victim = await cluster.masterPortForKey(redisKey(prefix, 'exchange', entity, 'n0'));
    let heir = 0;
    const figures = await failoverUnderLoad(
      client,
      prefix,
      entity,
      () => cluster.kill(victim),
      async () => {
        heir = await cluster.waitForPromotion(victim, RECOVERY_BOUND_MS);
      },
    );
    process.stdout.write(
      `cluster failover figures: ${JSON.stringify({ ...figures, victim, heir, clientErrorEvents: events.errors })}\n`,
    );
    expect(heir).not.toBe(victim);
    expect(await cluster.masterPortForKey(redisKey(prefix, 'exchange', entity, 'n0'))).toBe(heir);
    expect(figures.unavailableMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(figures.longestOpMs).toBeLessThan(SINGLE_OP_BOUND_MS);
    expect(figures.ackedLost).toBe(0);

    // The old master comes back and rejoins as a replica of its heir; the client keeps serving.
    await cluster.restart(victim);
    const topology = await cluster.topology();
    expect(topology.find((n) => n.port === victim)).toMatchObject({
      role: 'replica',
      masterId: topology.find((n) => n.port === heir)?.id,
    });
    expect(await probeUntilReplicated(client, prefix, entity)).toMatchObject({ ok: true, acked: 1 });
  });

  it('leaves a host Cluster client open: the module never closes what it did not open', async () => {
    const own = new Cluster(cluster.nodes.slice(0, 1));
    quietly(own);
    await ready(own);
    const adopted = createRedisClient({ kind: 'client', client: own });
    expect(adopted.ownsClient).toBe(false);
    await closeRedisConnection(adopted);
    expect(own.status).toBe('ready');
    expect(await own.set(replayKey(prefix, 'host-client'), '1', 'PX', 10_000)).toBe('OK');
    expect(failClosedConcerns(own)).toContainEqual(expect.stringContaining('enableOfflineQueue'));
    await own.quit();
  });
});

describe('Redis Sentinel: 1 master + 1 replica + 3 Sentinels on 127.0.0.1', () => {
  let sentinel: RedisSentinelHarness;
  let connection: RedisConnection;
  let client: Redis;
  let events: { errors: number };
  const prefix = uniquePrefix('sentinel');

  beforeAll(async () => {
    sentinel = await RedisSentinelHarness.start({ downAfterMs: 1000, failoverTimeoutMs: 3000 });
    const config = redisConnectionFromEnv({
      REDIS_SENTINELS: sentinel.envSentinels,
      REDIS_SENTINEL_NAME: sentinel.name,
    });
    expect(config?.kind).toBe('sentinel');
    connection = createRedisClient(config!);
    client = connection.client as Redis;
    events = quietly(client);
    await ready(client);
  }, 90_000);

  afterAll(async () => {
    if (connection) await closeRedisConnection(connection);
    if (sentinel) await sentinel.stop();
  });

  it('connects to the master the Sentinels name', async () => {
    expect(connection.kind).toBe('sentinel');
    expect(failClosedConcerns(client)).toEqual([]);
    const info = await client.info('replication');
    expect(info).toMatch(/role:master/);
    expect(await sentinel.reportedMaster()).toBe(sentinel.dataPorts[0]);
    const { hits, block } = rateLimitKeys(prefix, 'default', 'k');
    expect(Number(await client.eval(TWO_KEY_SCRIPT, 2, hits, block, 60_000, 5))).toBe(1);
  });

  it('fails over: the client moves to the promoted replica without a restart; nothing a replica acknowledged is lost', async () => {
    const [oldMaster, replica] = sentinel.dataPorts;
    let promoted = 0;
    const figures = await failoverUnderLoad(
      client,
      prefix,
      'failover-probe',
      () => sentinel.kill(oldMaster),
      async () => {
        promoted = await sentinel.waitForPromotion(oldMaster, RECOVERY_BOUND_MS);
      },
    );
    process.stdout.write(
      `sentinel failover figures: ${JSON.stringify({ ...figures, oldMaster, promoted, clientErrorEvents: events.errors })}\n`,
    );
    expect(promoted).toBe(replica);
    expect(figures.unavailableMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(figures.longestOpMs).toBeLessThan(SINGLE_OP_BOUND_MS);
    expect(figures.ackedLost).toBe(0);
    expect(await client.info('server')).toContain(`tcp_port:${replica}`);

    // The old master comes back: the Sentinels make it a replica; the client stays on the new master.
    await sentinel.restartAsReplica(oldMaster);
    expect(await probeUntilReplicated(client, prefix, 'failover-probe')).toMatchObject({ ok: true, acked: 1 });
    expect(await client.info('server')).toContain(`tcp_port:${replica}`);
  });
});
