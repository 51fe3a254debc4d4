import { AssistClientError } from './assist-client.error';

/**
 * The relay could not be reached or did not answer with its envelope:
 * `timeout`, `network` (refused, reset, DNS), `http` (a non-200 status, e.g.
 * from a proxy) or `body` (not the JSON envelope).
 */
export type NetworkFailure = 'timeout' | 'network' | 'http' | 'body';

export class AssistNetworkError extends AssistClientError {
  constructor(
    readonly reason: NetworkFailure,
    message: string,
    /** The HTTP status, for `http` and `body`. */
    readonly status?: number,
    cause?: unknown,
  ) {
    super(message, undefined, { cause });
  }
}
