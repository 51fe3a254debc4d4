import type { ChainableCommander } from 'ioredis';
import type { AssistRedisClient } from './assist-redis';
import { FAIL_CLOSED_TUNING } from './redis-connection';

/**
 * Redis' WAIT after a claim (exchange, replay) or a result (exchange): how many replicas must hold the
 * write before it counts. On a replicated deployment (Sentinel, Cluster
 * with replicas) an acknowledged write that the master had not yet sent
 * to its replica is lost when that master dies: a lost claim lets another
 * instance spend the same code with WeChat, a lost result lets a retry do
 * it. With `replicas: 1` a claim that no replica acknowledged within
 * `timeoutMs` is given up before WeChat is called (29310, retry), and a
 * result is written again until one does. The price: while no replica is
 * up, every exchange fails closed (like Redis' own min-replicas-to-write).
 */
export interface RedisReplicaAcks {
  /** Replicas that must acknowledge. 0 (default): no WAIT. */
  replicas: number;
  /**
   * How long one WAIT may take. Default 200 ms, at most 1000 ms (MAX_REPLICA_WAIT_MS). WAIT holds the
   * shared connection meanwhile.
   */
  timeoutMs?: number;
}

/**
 * The longest WAIT the module accepts: half the client's command timeout
 * (FAIL_CLOSED_TUNING, 2 s). ioredis times out each command of a pipeline,
 * WAIT included, on the gateway's event loop, so a WAIT bound at or above the
 * command timeout is cut by the client (29310) before Redis would answer it,
 * and the commands queued behind it on the shared connection may time out too.
 * The other half is the margin for the write ahead of WAIT in the pipeline,
 * the round trip, and a CPU-starved gateway whose event loop reads the reply
 * late. See docs/operations-timeouts.md.
 */
export const MAX_REPLICA_WAIT_MS = FAIL_CLOSED_TUNING.commandTimeoutMs / 2;

/** No WAIT unless asked; one WAIT may take 200 ms. */
export const DEFAULT_REPLICA_ACKS: Required<RedisReplicaAcks> = { replicas: 0, timeoutMs: 200 };

/** A store's policy: what it was given, the defaults for the rest. */
export function replicaAcksOrDefault(acks: RedisReplicaAcks | undefined): Required<RedisReplicaAcks> {
  return {
    replicas: acks?.replicas ?? DEFAULT_REPLICA_ACKS.replicas,
    timeoutMs: acks?.timeoutMs ?? DEFAULT_REPLICA_ACKS.timeoutMs,
  };
}

/**
 * The command then WAIT, in one pipeline: on a Cluster the pipeline goes to
 * the node of the command's key, so WAIT counts that master's replicas.
 * Resolves to the command's reply and the replicas that acknowledged it.
 */
export async function withReplicaWait(
  redis: AssistRedisClient,
  command: (p: ChainableCommander) => ChainableCommander,
  acks: Required<RedisReplicaAcks>,
): Promise<[unknown, number]> {
  const replies = await command(redis.pipeline()).wait(acks.replicas, acks.timeoutMs).exec();
  if (!replies) throw new Error('pipeline discarded');
  const [[cmdErr, reply], [waitErr, acked]] = replies;
  if (cmdErr) throw cmdErr;
  if (waitErr) throw waitErr;
  return [reply, Number(acked)];
}
