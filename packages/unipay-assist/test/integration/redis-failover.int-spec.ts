import { AssistErrorCode } from '../../../wire/src/error-codes';
import type { RedisConnectionConfig } from '../../src/redis/redis-connection';
import { RunningSimulator } from '../../../simulator/src/simulator.server';
import { FailoverFigures, FailoverLoad, STRICT_MERCHANT, summarize } from '../../../../test/support/failover-load';
import { DEMO_MERCHANT, RunningGateway, startSimulator } from '../../../../test/support/gateway';
import { LogCapture } from '../../../../test/support/log-capture';
import { startMinimalHost } from '../../../../test/support/minimal-host';
import { RedisClusterHarness } from '../../../../test/support/redis-cluster';
import { RedisSentinelHarness } from '../../../../test/support/redis-sentinel';
import { uniquePrefix } from '../../../../test/support/redis-server';
import { simAdmin } from '../../../../test/support/sim-admin';
import { waitFor } from '../../../../test/support/wait';
import { closeRedisConnection, createRedisClient } from '../../src/redis/redis-connection';
import { RedisThrottlerStorage } from '../../src/rate-limit/redis-throttler.storage';
import { RedisExchangeCache } from '../../src/exchange/redis-exchange.cache';
import { RedisReplayStore } from '../../src/replay/redis-replay.store';
import { clusterSlot } from '../../src/redis/cluster-slot';
import { exchangeKeys, rateLimitKeys, replayKey } from '../../src/redis/redis-keys';
import { redisCli } from '../../../../test/support/redis-process';

/**
 * Failover under load (issue 15): two gateway instances (Express and
 * Fastify) on one real Redis Cluster (3 masters + 3 replicas) or one
 * Sentinel setup (1 master, 1 replica, 3 Sentinels), all on 127.0.0.1;
 * steady load from a bounded loop (fresh codes, repeated codes, identical
 * retries, a strict-replay merchant); the master is SIGKILLed mid-run, the
 * replica promoted, the old master brought back. Figures are printed; the
 * zeros are asserted. Each suite is bounded well under 2 minutes.
 * Run: npx jest test/integration/redis-failover.int-spec.ts
 */

// Bounds, not expectations: each phase waits for an event (promotion, rejoin, answers) up to its cap;
// a slow or loaded machine takes longer without failing, a stuck one still fails. The sum of the caps
// (seen on a 2-core machine beside two busy loops: 11 s of fail-closed answers, recovery 19 s after the kill)
// is far below this; it only ends a run that is stuck.
jest.setTimeout(480_000);

// Counts, not durations: the run goes on until enough answers came, however fast the machine is.
const OK_BEFORE_KILL = 40;
/** Per instance: each one serves again on its own. */
const OK_AFTER_REJOIN = 10;
const PHASE_CAP_MS = 60_000;
/** Kill → promotion; the harness' own bound, loaded-machine sized. */
const PROMOTION_CAP_MS = 45_000;
/**
 * What counts as a hung request (label `network`, which fails the run): far above what the module lets a request
 * take (a 2 s command timeout, a few redirections, the 1.5 s wait for another instance's claim), so that only a
 * request the module failed to bound trips it, not one a loaded machine served slowly.
 */
const HUNG_REQUEST_MS = 30_000;
const REPLICA_ACKS = Number(process.env.FAILOVER_REPLICA_ACKS ?? 1);

interface Run {
  figures: FailoverFigures;
  strictAcceptedTwice: number;
  identityMismatches: number;
  simExchanges: number;
  codesIssued: number;
  unhandled: number;
  internalErrors: number;
  promotedAfterMs: number;
  rejoinedAfterMs: number;
  servingAtEnd: boolean[];
  /** Successful answers that ended before the kill, and (the fewer of the two instances') that started after the old master was back. */
  okBeforeKill: number;
  okAfterRejoin: number;
}

async function runFailover(
  redis: RedisConnectionConfig,
  failover: { kill(): Promise<void>; promoted(): Promise<void>; rejoin(): Promise<void> },
): Promise<Run> {
  const sim: RunningSimulator = await startSimulator();
  const admin = simAdmin(sim.baseUrl);
  const prefix = uniquePrefix('failover');
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  const logs = new LogCapture();
  const gateways: RunningGateway[] = [];
  let load: FailoverLoad | undefined;
  try {
    for (const adapter of ['express', 'fastify'] as const) {
      gateways.push(
        await startMinimalHost({
          adapter,
          wechatBase: sim.baseUrl,
          logger: logs,
          override: {
            merchants: [DEMO_MERCHANT, STRICT_MERCHANT],
            redis,
            redisKeyPrefix: prefix,
            // A claim or result no replica holds could be lost with its master: refuse it instead.
            // FAILOVER_REPLICA_ACKS=0 measures the same run without WAIT (for the README's comparison).
            // The WAIT bound stays the production default (200 ms) on purpose: on a loaded machine a replica
            // often acknowledges later than that, and the product then fails closed (29310) even with every
            // node up. That is allowed below; what must hold under load is asserted: fail closed, never spend
            // a code twice, never accept a strict replay twice, serve again.
            redisReplicaAcks: { replicas: REPLICA_ACKS, timeoutMs: 200 },
            rateLimit: { ip: false, merchant: false },
            // The simulator runs in this process: on a loaded machine its answer can take over a second. A
            // WeChat timeout (29302) is not what this test is about, and a timed-out call has spent its code,
            // so the module's default (5 s) rather than a short one.
            wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl, timeoutMs: 5000 },
            exchange: { waitMs: 1500 },
          },
        }),
      );
    }
    const running = (load = new FailoverLoad({
      gateways,
      sim: admin,
      workers: 4,
      pauseMs: 15,
      requestTimeoutMs: HUNG_REQUEST_MS,
    }));
    running.start();
    const okSince = (t: number, gateway?: number): number =>
      running.samples.filter(
        (x) => x.label === 'ok' && x.start >= t && (gateway === undefined || x.gateway === gateway),
      ).length;
    await waitFor(() => okSince(0) >= OK_BEFORE_KILL, PHASE_CAP_MS);
    const killedAt = Date.now();
    // `<=`: on a loaded machine several answers complete in one event-loop turn, in the same millisecond as the
    // check that saw the count reached and as killedAt; they did end before the kill (which comes after this line).
    const okBeforeKill = running.samples.filter((x) => x.label === 'ok' && x.end <= killedAt).length;
    await failover.kill();
    await failover.promoted();
    const promotedAfterMs = Date.now() - killedAt;
    await failover.rejoin();
    const rejoinedAt = Date.now();
    const rejoinedAfterMs = rejoinedAt - killedAt;
    await waitFor(() => gateways.every((_, g) => okSince(rejoinedAt, g) >= OK_AFTER_REJOIN), PHASE_CAP_MS);
    await running.stop();
    const okAfterRejoin = Math.min(...gateways.map((_, g) => okSince(rejoinedAt, g)));

    const figures = summarize(load, killedAt, gateways.length);
    // Every instance still up and serving, without a restart: one fresh exchange each.
    const probe = new FailoverLoad({ gateways, sim: admin, workers: 1, pauseMs: 0, requestTimeoutMs: HUNG_REQUEST_MS });
    const servingAtEnd: boolean[] = [];
    // A fresh code may still fail closed while the rejoined replica syncs (WAIT finds no replica):
    // serving again means a fresh exchange succeeds within the bound, with no restart.
    for (let g = 0; g < gateways.length; g++)
      servingAtEnd.push(await waitFor(async () => (await probe.probe(g)) === 'ok', PHASE_CAP_MS, 250));
    const stats = await admin.stats();
    return {
      figures,
      strictAcceptedTwice: running.strictAcceptedTwice(),
      identityMismatches: running.identityMismatches(),
      simExchanges: stats.exchanges,
      codesIssued: running.codesIssued.size + probe.codesIssued.size,
      unhandled: unhandled.length,
      internalErrors: running.samples.filter(
        (s) => s.label === `E${AssistErrorCode.INTERNAL}` || s.label.startsWith('http5'),
      ).length,
      promotedAfterMs,
      rejoinedAfterMs,
      servingAtEnd,
      okBeforeKill,
      okAfterRejoin,
    };
  } finally {
    // A phase that timed out must not leave the load running: its timers would keep jest alive.
    await load?.stop().catch(() => undefined);
    process.off('unhandledRejection', onUnhandled);
    for (const gw of gateways) await gw.close().catch(() => undefined);
    await sim.close();
  }
}

function report(name: string, run: Run): void {
  // The figures for the note and the README.
  process.stdout.write(
    `\n[failover ${name}, replicaAcks ${REPLICA_ACKS}] ${JSON.stringify({ ...run.figures, promotedAfterMs: run.promotedAfterMs, rejoinedAfterMs: run.rejoinedAfterMs, simExchanges: run.simExchanges, codesIssued: run.codesIssued })}\n`,
  );
}

function assertZeros(run: Run): void {
  // Requests were answered on both sides of the outage (the run waits for these counts, bounded).
  expect(run.okBeforeKill).toBeGreaterThanOrEqual(OK_BEFORE_KILL);
  expect(run.okAfterRejoin).toBeGreaterThanOrEqual(OK_AFTER_REJOIN);
  // No code exchanged twice with WeChat: no 40163, and never more calls than codes.
  expect(run.figures.codeSpentTwice).toBe(0);
  expect(run.simExchanges).toBeLessThanOrEqual(run.codesIssued);
  // No strict-mode replay accepted twice; no code answered with another identity.
  expect(run.strictAcceptedTwice).toBe(0);
  expect(run.identityMismatches).toBe(0);
  // Failures are the fail-closed ones only: no unhandled error, no 500, no crashed instance.
  expect(run.unhandled).toBe(0);
  expect(run.internalErrors).toBe(0);
  const allowed = new Set([
    'ok',
    `E${AssistErrorCode.STORE_UNAVAILABLE}`,
    `E${AssistErrorCode.EXCHANGE_IN_PROGRESS}`,
    `E${AssistErrorCode.REPLAYED}`,
    `E${AssistErrorCode.REPLAY_IN_PROGRESS}`,
  ]);
  expect(Object.keys(run.figures.byLabel).filter((l) => !allowed.has(l))).toEqual([]);
  expect(run.servingAtEnd).toEqual([true, true]);
}

describe('failover under load: Redis Cluster (3 masters + 3 replicas)', () => {
  let cluster: RedisClusterHarness;
  beforeAll(async () => {
    cluster = await RedisClusterHarness.start({ nodeTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("clusterSlot agrees with the Cluster's own CLUSTER KEYSLOT for the module's keys", async () => {
    const keys = [
      exchangeKeys('unipay:assist:', 'wxapp:3f9a0c').claim,
      rateLimitKeys('unipay:assist:', 'ip', '203.0.113.9').hits,
      replayKey('p:', 'x'),
      'no-tag',
    ];
    for (const key of keys)
      expect(clusterSlot(key)).toBe(
        Number((await redisCli(cluster.nodes[0].port, ['cluster', 'keyslot', key])).trim()),
      );
  });

  it("every store's multi-key operation runs on the Cluster (no CROSSSLOT), with keys spread over the masters", async () => {
    // A command timeout above the WAIT bound below: ioredis times out each command of a pipeline, WAIT included,
    // so with the module's 2 s a longer WAIT would be cut at 2 s (see docs/operations-timeouts.md).
    const connection = createRedisClient({ kind: 'cluster', nodes: cluster.nodes }, { commandTimeoutMs: 15_000 });
    connection.client.on('error', () => undefined);
    connection.client.on('node error', () => undefined);
    const prefix = uniquePrefix('cluster-stores');
    try {
      await new Promise<void>((resolve) => connection.client.once('ready', () => resolve()));
      const throttler = new RedisThrottlerStorage(connection.client, prefix);
      // WAIT on: every master of this Cluster has a replica, so claims are acknowledged and pass. The WAIT
      // bound is generous because this test is about slots, not about WAIT: with a short one (500 ms) a
      // replica starved of CPU acknowledged too late once in five loaded runs, and the store failed closed
      // (29310) as designed, which failClosed cannot tell from a CROSSSLOT. WAIT returns as soon as the
      // replica acknowledges, so the bound costs nothing when it does. What a late acknowledgement does is
      // covered by each store's own integration test (a Redis without replicas) and by the failover runs below.
      const acks = { replicas: 1, timeoutMs: 10_000 };
      const cache = new RedisExchangeCache(connection.client, { keyPrefix: prefix, replicaAcks: acks });
      const replay = new RedisReplayStore(connection.client, { keyPrefix: prefix, replicaAcks: acks });
      const masters = new Set<number>();
      for (let i = 0; i < 30; i++) {
        // Over the limit of 2: the script touches hits and block in one call.
        for (let n = 0; n < 3; n++) await throttler.increment(`203.0.113.${i}`, 10_000, 2, 10_000, 'ip');
        expect((await throttler.increment(`203.0.113.${i}`, 10_000, 2, 10_000, 'ip')).isBlocked).toBe(true);
        const key = `wxapp:${i.toString(16).padStart(8, '0')}`;
        expect(await cache.claim(key, 'me', 10_000)).toBe(true);
        await cache.set(key, `sealed-${i}`, 10_000);
        await cache.release(key, 'me');
        expect(await cache.get(key)).toBe(`sealed-${i}`);
        expect(await replay.claim(`r${i}`, 10_000)).toBe(true);
        expect(await replay.begin(`a${i}`, 'me', 10_000)).toEqual({ state: 'claimed' });
        masters.add(await cluster.masterPortForKey(exchangeKeys(prefix, key).result));
      }
      expect(masters.size).toBe(3);
    } finally {
      await closeRedisConnection(connection);
    }
  });

  it('a master killed mid-run: fails closed, nothing spent twice, both instances serve again without a restart', async () => {
    const master = (await cluster.topology()).find((n) => n.role === 'master' && n.slots.length > 0)!.port;
    const run = await runFailover(
      { kind: 'cluster', nodes: cluster.nodes },
      {
        kill: () => cluster.kill(master),
        promoted: async () => void (await cluster.waitForPromotion(master, PROMOTION_CAP_MS)),
        rejoin: () => cluster.restart(master, PHASE_CAP_MS),
      },
    );
    report('cluster', run);
    assertZeros(run);
  });
});

describe('failover under load: Sentinel (1 master, 1 replica, 3 Sentinels)', () => {
  let sentinel: RedisSentinelHarness;
  beforeAll(async () => {
    sentinel = await RedisSentinelHarness.start();
  });
  afterAll(async () => {
    await sentinel?.stop();
  });

  it('the master killed mid-run: fails closed, nothing spent twice, both instances serve again without a restart', async () => {
    const master = (await sentinel.reportedMaster())!;
    const run = await runFailover(
      { kind: 'sentinel', sentinels: sentinel.sentinels, name: sentinel.name },
      {
        kill: () => sentinel.kill(master),
        promoted: async () => void (await sentinel.waitForPromotion(master, PROMOTION_CAP_MS)),
        // Sentinel turns the returning old master into a replica on its own INFO schedule (seen: 7-40 s here).
        rejoin: () => sentinel.restartAsReplica(master, 90_000),
      },
    );
    report('sentinel', run);
    assertZeros(run);
  });
});
