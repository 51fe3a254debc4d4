import type { AlipaySdk } from 'alipay-sdk';
import { describeAlipayError } from './alipay-errors';
import { AlipayExchangeResult, AlipayTransportFailure } from './alipay-exchange-result';
import { AlipayKeyField, checkAlipayKeys } from './alipay-keys';
import { AlipaySdkModule } from './alipay-sdk.loader';

/** Alipay's real gateway. The simulator's `…/gateway.do` replaces it in demos and tests. */
export const DEFAULT_ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';
export const DEFAULT_ALIPAY_TIMEOUT_MS = 5000;
export const ALIPAY_OAUTH_TOKEN_METHOD = 'alipay.system.oauth.token';

export interface AlipayAppCredentials {
  appId: string;
  /** The app's RSA private key (PEM or bare base64, PKCS#1 or PKCS#8). Signs every request. */
  appPrivateKey: string;
  /** Alipay's public key for this app (PEM or bare base64). Verifies every answer. */
  alipayPublicKey: string;
}

export interface AlipayOAuthClientOptions {
  /** Full gateway URL, `…/gateway.do`. Default Alipay's real one. */
  gateway?: string;
  /** Per call, connect to last byte. Default 5000. */
  timeoutMs?: number;
}

/** Bad key material, naming the field (never the value): thrown at construction, so a merchant fails at start. */
export class AlipayKeyError extends Error {
  constructor(
    readonly field: 'appId' | AlipayKeyField,
    reason: string,
  ) {
    super(reason);
    this.name = 'AlipayKeyError';
  }
}

/** The answer's sign is missing or wrong; carries nothing of the answer, which may hold a token. */
class ResponseSignError extends Error {
  constructor(readonly problem: 'missing' | 'mismatch') {
    super(problem === 'missing' ? 'Alipay answered without a sign' : 'the sign of the answer does not verify');
  }
}

/**
 * The SDK with one correction to its response check. The SDK looks for the
 * signed content only under `<method>_response`, but Alipay answers a
 * refused `alipay.system.oauth.token` (`isv.code-invalid` …) under
 * `error_response`, signed over that value: the SDK then checks the wrong
 * bytes and calls a genuine refusal a bad sign. Signing and verification stay
 * the SDK's (`getSignStr`, `rsaCheck`); only the key it reads changes. An
 * unsigned answer is accepted for a refusal only, as Alipay's Java SDK does:
 * Alipay cannot sign when it cannot tell the app (`isv.invalid-app-id`), and
 * a forged refusal can only fail this one exchange. Made once per loaded SDK
 * (the SDK is an optional peer, so its class is only known at run time).
 */
const verifyingClasses = new WeakMap<
  AlipaySdkModule,
  new (config: ConstructorParameters<typeof AlipaySdk>[0]) => AlipaySdk
>();
function verifyingSdkClass(
  mod: AlipaySdkModule,
): new (config: ConstructorParameters<typeof AlipaySdk>[0]) => AlipaySdk {
  let made = verifyingClasses.get(mod);
  if (!made) {
    made = class VerifyingAlipaySdk extends mod.AlipaySdk {
      override checkResponseSign(
        responseDataRaw: string,
        responseKey: string,
        serverSign: string,
        _traceId: string,
      ): void {
        const body = JSON.parse(responseDataRaw) as Record<string, unknown>;
        const key = isObject(body[responseKey]) ? responseKey : 'error_response';
        const content = body[key];
        if (typeof serverSign !== 'string' || serverSign === '') {
          if (isObject(content) && isRefusal(content)) return;
          throw new ResponseSignError('missing');
        }
        if (!this.rsaCheck(this.getSignStr(responseDataRaw, key), serverSign, 'RSA2')) {
          throw new ResponseSignError('mismatch');
        }
      }
    };
    verifyingClasses.set(mod, made);
  }
  return made;
}

/**
 * Exchanges Alipay auth codes for one app through Alipay's own SDK
 * (`alipay-sdk`): RSA2 request signing with the app's private key,
 * verification of every answer's sign with Alipay's public key. Never lets
 * an SDK error escape: its message can quote the verified content (the
 * token) and its cause the request. No NestJS.
 */
export class AlipayOAuthClient {
  readonly appId: string;
  readonly gateway: string;
  readonly timeoutMs: number;
  // A private field, so inspecting or serialising the client never shows the SDK's config and its private key.
  readonly #sdk: AlipaySdk;
  readonly #requestError: AlipaySdkModule['AlipayRequestError'];

  constructor(app: AlipayAppCredentials, options: AlipayOAuthClientOptions, sdk: AlipaySdkModule) {
    if (!app.appId) throw new AlipayKeyError('appId', 'appId is missing');
    const keys = checkAlipayKeys(app);
    if (!keys.ok) throw new AlipayKeyError(keys.field, keys.reason);
    this.appId = app.appId;
    this.gateway = options.gateway || DEFAULT_ALIPAY_GATEWAY;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_ALIPAY_TIMEOUT_MS;
    this.#requestError = sdk.AlipayRequestError;
    const VerifyingAlipaySdk = verifyingSdkClass(sdk);
    this.#sdk = new VerifyingAlipaySdk({
      appId: app.appId,
      // Normalised to PKCS#8 / SPKI PEM: the SDK only re-wraps a key, it cannot tell PKCS#1 from PKCS#8 itself.
      privateKey: keys.appPrivateKeyPem,
      keyType: 'PKCS8',
      alipayPublicKey: keys.alipayPublicKeyPem,
      signType: 'RSA2',
      gateway: this.gateway,
      timeout: this.timeoutMs,
      // Alipay's own field names (user_id, open_id …), as its documentation spells them.
      camelcase: false,
    });
  }

  /** One `alipay.system.oauth.token` call (grant_type authorization_code). Never throws. */
  async exchangeCode(authCode: string): Promise<AlipayExchangeResult> {
    let data: unknown;
    try {
      data = await this.#sdk.exec(
        ALIPAY_OAUTH_TOKEN_METHOD,
        { grantType: 'authorization_code', code: authCode },
        { validateSign: true },
      );
    } catch (err) {
      return transportFailure(err, this.#requestError);
    }
    return readTokenAnswer(data);
  }
}

/** The verified content of Alipay's answer (under the method key or error_response). */
export function readTokenAnswer(data: unknown): AlipayExchangeResult {
  if (!isObject(data)) return badResponse('Alipay answered without the oauth token content');
  if (isRefusal(data)) {
    const code = scalarText(data.code);
    const subCode = typeof data.sub_code === 'string' ? data.sub_code : '';
    return { ok: false, code, subCode, reason: describeAlipayError(code, subCode) };
  }
  const userId = nonEmpty(data.user_id);
  const openId = nonEmpty(data.open_id);
  const accessToken = nonEmpty(data.access_token);
  if ((!userId && !openId) || !accessToken) {
    return badResponse('Alipay answered without user_id or open_id, or without access_token');
  }
  const expiresIn = Number(data.expires_in);
  // refresh_token, re_expires_in and auth_start are not read: refresh tokens never leave Alipay's answer.
  const result: AlipayExchangeResult = {
    ok: true,
    accessToken,
    // 0 when Alipay gave no usable lifetime: the caller decides how long to trust the token.
    expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 0,
  };
  if (userId) result.userId = userId;
  if (openId) result.openId = openId;
  return result;
}

/** Maps whatever the SDK threw to a kind, dropping the error (its message and cause hold the answer or the request). */
export function transportFailure(
  err: unknown,
  requestError: AlipaySdkModule['AlipayRequestError'],
): AlipayTransportFailure {
  if (err instanceof ResponseSignError) {
    return { ok: false, kind: 'bad-signature', reason: `Alipay's answer is not trusted: ${err.message}` };
  }
  if (err instanceof requestError) {
    const cause: unknown = err.cause;
    if (cause instanceof SyntaxError) return badResponse('Alipay answered a body that is not JSON');
    if (cause !== undefined) return connectionFailure(cause);
    // The SDK reports a non-200 only in its message: alipay-sdk dist/commonjs/alipay.js, #formatExecHttpResponse.
    const status = /^HTTP\b[^,]*, status: (\d{3})/.exec(err.message);
    if (status) {
      const code = Number(status[1]);
      return { ok: false, kind: 'http-error', status: code, reason: `Alipay answered HTTP ${code}` };
    }
    return badResponse('Alipay answered JSON without the oauth token answer');
  }
  return badResponse('Alipay answered something the SDK could not read');
}

function connectionFailure(cause: unknown): AlipayTransportFailure {
  const name = (cause as Error | undefined)?.name;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const timeoutCodes = [
    'ETIMEDOUT',
    'ECONNABORTED',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
  ];
  if (name === 'HttpClientRequestTimeoutError' || (typeof code === 'string' && timeoutCodes.includes(code))) {
    return { ok: false, kind: 'timeout', reason: 'Alipay did not answer in time' };
  }
  return {
    ok: false,
    kind: 'unreachable',
    reason: `Alipay is unreachable${typeof code === 'string' ? ` (${code})` : ''}`,
  };
}

function badResponse(reason: string): AlipayTransportFailure {
  return { ok: false, kind: 'bad-response', reason };
}

/** A refusal: a sub_code, or a gateway code other than 10000 (a success of oauth.token carries no code). */
function isRefusal(content: Record<string, unknown>): boolean {
  if (typeof content.sub_code === 'string' && content.sub_code !== '') return true;
  return content.code !== undefined && scalarText(content.code) !== '10000';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Alipay's `code` as text: a string or number as it is, anything else (absent, an object) as ''. */
function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
