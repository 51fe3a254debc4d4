import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '../kernel/error-codes';

/**
 * Runs one Redis operation of a store; any failure becomes 29310 naming the
 * store, so the relay fails closed instead of serving a request it cannot
 * check. The ioredis error is dropped: it may name the URL (and a password).
 */
export async function failClosed<T>(store: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch {
    throw new AssistException(AssistErrorCode.STORE_UNAVAILABLE, `${store} (Redis) unavailable: request refused, retry shortly`);
  }
}
