import { SignType } from '../signing/sign-type';

/**
 * The DaxPay client generations the relay speaks. A merchant's generation is
 * configuration (`dialect`), because the answer side is not self-describing:
 * each SDK verifies `data.sign` over the fields of its own model.
 * Facts and sources: docs/daxpay-dialects.md.
 */
export const SECRET_DIALECT_NAMES = [
  'daxpay-2.0.0',
  'daxpay-2.0.1',
  'daxpay-2.0.6',
  'daxpay-multi',
  'daxpay-multi-late',
  'daxpay-3.0',
] as const;
export type SecretDialectName = (typeof SECRET_DIALECT_NAMES)[number];

/**
 * DaxPay Open (4.x): RSA key pairs both ways, its own routes and answer
 * (docs/daxpay-open.md). Its merchants are served by the Open routes only,
 * so it has no WireDialect here: the Open controllers answer it themselves.
 */
export const OPEN_DIALECT = 'daxpay-open';

export const DIALECT_NAMES = [...SECRET_DIALECT_NAMES, OPEN_DIALECT] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/** The seed contract's generation (SPEC.md: 2.0.6–2.0.8). */
export const DEFAULT_DIALECT: SecretDialectName = 'daxpay-2.0.6';

/** What an answer is signed with. */
export interface AnswerSigning {
  signType: SignType;
  secret: string;
  traceId: string;
  /** Server time, seconds since the epoch. */
  now: number;
  /**
   * The route's name (its SignedRoute metadata, e.g. `getWxAccessToken`,
   * `generateAuthUrl`): a generation whose clients read `data` into a typed
   * model per route picks the model by it.
   */
  route?: string;
}

/**
 * What a failure answer knows: always the trace id and the server time; the
 * secret only once the request's sign verified (a generation that signs its
 * failures signs with it, and answers unsigned before).
 */
export interface FailureContext {
  traceId: string;
  /** Server time, seconds since the epoch. */
  now: number;
  signing?: { signType: SignType; secret: string };
}

/** The outer body a route answers with; its shape is the dialect's. */
export type WireAnswer = Record<string, unknown>;

/**
 * One generation's wire: which request fields its SDK signs and how, and how
 * an answer must look for that SDK's own verification to accept it.
 */
export interface WireDialect {
  readonly name: SecretDialectName;
  /**
   * The fields the sign covers, from the body and the route DTO's field
   * names (a generation may sign more, e.g. 2.0.0's `version`).
   */
  signedFields(body: Record<string, unknown>, dtoFields: ReadonlySet<string>): Record<string, unknown>;
  /**
   * How far ahead of the server clock a reqTime may be, given the merchant's
   * reqTimeout. Absent: a fixed 60 s (DaxPay 2.0's rule). DaxPay 3.0's window
   * is symmetric (|now − reqTime| ≤ reqTimeout).
   */
  maxAheadSeconds?(reqTimeout: number): number;
  /** Head fields this generation always sends and so must be present (3.0: mchNo and appId). */
  readonly requiredHeadFields?: readonly ('mchNo' | 'appId')[];
  /** Index of the secret that verifies the request's sign, or -1. */
  verify(fields: Record<string, unknown>, signType: SignType, secrets: readonly string[]): number;
  /**
   * A success or business failure: `data` as the business returned it (only
   * fields this generation's model knows), signed the generation's way.
   */
  answer(data: Record<string, unknown>, signing: AnswerSigning): WireAnswer;
  /**
   * The number this generation's clients know for one of the relay's codes
   * (AssistErrorCode): the multi-merchant line and 3.0 renumbered bootx's
   * common codes (10005 → 10505 …). Absent: the relay's own number.
   */
  outerCode?(code: number): number;
  /**
   * The answer to a failure outside the business (guard, pipe, WeChat
   * unreachable …): `code` is the relay's, answered as `outerCode(code)`, with
   * `data` null. Absent: `{code, msg, data: null, traceId}`, unsigned.
   */
  failure?(code: number, msg: string, context: FailureContext): WireAnswer;
}
