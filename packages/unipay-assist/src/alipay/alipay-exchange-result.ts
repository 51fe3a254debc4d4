/** The transport failures of one call to Alipay's gateway, each its own kind so a caller can tell them apart. */
export type AlipayTransportFailureKind =
  /** No answer because no connection (refused, reset, DNS): the request most likely never reached Alipay. */
  | 'unreachable'
  /** No answer in time. The code may have been spent: never retry a timeout. */
  | 'timeout'
  /** Alipay answered HTTP other than 200. */
  | 'http-error'
  /** Alipay answered 200 with something that is not its JSON answer. */
  | 'bad-response'
  /** The answer's sign is missing or does not verify with Alipay's public key: its content is not trusted. */
  | 'bad-signature';

/**
 * What one `alipay.system.oauth.token` exchange yields. Alipay is moving apps
 * from `user_id` to `open_id`: an app gets one or the other (or both), and
 * the success carries what Alipay sent. refresh_token is dropped on reading.
 */
export type AlipayExchangeResult =
  | {
      ok: true;
      /** The payer's Alipay user id (16 digits, `2088…`), for apps still on user_id. */
      userId?: string;
      /** The payer's open_id in this app, for apps moved to open_id. */
      openId?: string;
      /**
       * @internal Alipay's access token for this payer. Kept for a later user-info
       * call only: never returned to a client, never logged.
       */
      accessToken: string;
      /** Seconds the access token lives, as Alipay said. */
      expiresIn: number;
    }
  | {
      /** Alipay refused: a business failure to sign and send back, like a WeChat errcode. */
      ok: false;
      /** Alipay's gateway code, e.g. `40002`. */
      code: string;
      /** Alipay's sub_code, e.g. `isv.code-invalid`. */
      subCode: string;
      reason: string;
    }
  | {
      ok: false;
      kind: AlipayTransportFailureKind;
      reason: string;
      /** `http-error`: the status Alipay answered. */
      status?: number;
    };

export type AlipayRefusal = Extract<AlipayExchangeResult, { subCode: string }>;
export type AlipayTransportFailure = Extract<AlipayExchangeResult, { kind: AlipayTransportFailureKind }>;

export function isAlipayTransportFailure(r: AlipayExchangeResult): r is AlipayTransportFailure {
  return r.ok === false && 'kind' in r;
}
