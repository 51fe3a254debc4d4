import { AssistClientError } from './assist-client.error';

/**
 * The request was accepted and the answer verified, but the business failed
 * (`data.code` 1): WeChat refused the code, the app credentials, ...
 */
export class AssistBusinessError extends AssistClientError {
  constructor(
    /** The server's reason; it includes "(WeChat errcode N)". */
    readonly serverMessage: string,
    /** WeChat's errcode (40029 invalid code, 40163 used, 42003 expired, ...), when the server sent it. */
    readonly wxErrcode: number | undefined,
    traceId?: string,
  ) {
    super(`WeChat refused: ${serverMessage}`, traceId);
  }
}
