import { AssistClientError } from './assist-client.error';

export type SignatureFailure = 'unsigned' | 'mismatch';

/**
 * The answer's `data.sign` is missing or does not verify with the merchant's
 * secret: the answer is not trusted, whatever it says.
 */
export class AssistSignatureError extends AssistClientError {
  constructor(
    readonly reason: SignatureFailure,
    traceId?: string,
  ) {
    super(
      reason === 'unsigned'
        ? 'the server answer is not signed; it is not trusted'
        : 'the server answer sign does not verify with this secret and sign type; it is not trusted',
      traceId,
    );
  }
}
