import { AssistClientError } from './assist-client.error';

/** The upstream that refused: WeChat (official account and mini program) or Alipay. */
export type RefusingChannel = 'WeChat' | 'Alipay';

/**
 * The request was accepted and the answer verified, but the business failed
 * (`data.code` 1): WeChat or Alipay refused the code, the app credentials, ...
 */
export class AssistBusinessError extends AssistClientError {
  constructor(
    /** The server's reason; it includes "(WeChat errcode N)" or "(Alipay <sub_code>, code N)". */
    readonly serverMessage: string,
    /** WeChat's errcode (40029 invalid code, 40163 used, 42003 expired, ...), when the server sent it. */
    readonly wxErrcode: number | undefined,
    traceId?: string,
    /** Who refused, named in the message. Default WeChat (the routes this class was first written for). */
    readonly channel: RefusingChannel = 'WeChat',
  ) {
    super(`${channel} refused: ${serverMessage}`, traceId);
  }
}
