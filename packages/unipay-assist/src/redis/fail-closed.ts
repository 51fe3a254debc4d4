import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';

/** Told of each failed Redis operation of a store (wired to AssistMetrics.redisError by the module). */
export type RedisErrorReporter = (op: string) => void;

/**
 * Runs one Redis operation of a store; any failure becomes 29310 naming the
 * store, so the relay fails closed instead of serving a request it cannot
 * check. The ioredis error is dropped: it may name the URL (and a password).
 */
export async function failClosed<T>(store: string, op: () => Promise<T>, onError?: () => void): Promise<T> {
  try {
    return await op();
  } catch {
    // Counted per store and operation (AssistMetrics.redisError); a reporter never throws into the request.
    try {
      onError?.();
    } catch {
      /* ignored */
    }
    throw new AssistException(
      AssistErrorCode.STORE_UNAVAILABLE,
      `${store} (Redis) unavailable: request refused, retry shortly`,
    );
  }
}
