// @unipay-assist/client: a Node merchant imports this without pulling NestJS.
export { UnipayAssistClient, DEFAULT_CLIENT_TIMEOUT_MS } from './unipay-assist.client';
export type {
  UnipayAssistClientOptions,
  CallOptions,
  WxScope,
  WxAuthUrlParams,
  WxAccessTokenParams,
  WxAuthUrlResult,
  WxAccessTokenResult,
  VerifiedAnswer,
  AlipayScope,
  AlipayAuthUrlParams,
  AlipayAuthUrlResult,
  AlipayUserIdParams,
  AlipayUserIdResult,
  WxMiniOpenIdParams,
  WxMiniOpenIdResult,
} from './unipay-assist-client.options';
export { DaxPayOpenClient } from './daxpay-open.client';
export type { OpenAnswerMetaOnly } from './daxpay-open.client';
export type {
  DaxPayOpenClientOptions,
  OpenAnswerMeta,
  OpenPingResult,
  OpenAuthUrlParams,
  OpenAuthUrlResult,
  OpenAuthParams,
  OpenAuthResult,
  OpenIdLinkParams,
} from './daxpay-open-client.options';
export { openSignString, openSign, openVerify, openSignStringOfRaw, openReturnSignString } from '@unipay-assist/wire';
export { AssistClientError } from './assist-client.error';
export { AssistEnvelopeError } from './assist-envelope.error';
export { AssistBusinessError } from './assist-business.error';
export type { RefusingChannel } from './assist-business.error';
export { AssistSignatureError } from './assist-signature.error';
export type { SignatureFailure } from './assist-signature.error';
export { AssistNetworkError } from './assist-network.error';
export type { NetworkFailure } from './assist-network.error';
export { mask as maskToken } from '@unipay-assist/wire';
// The signing module the client shares with the server.
export { SIGN_TYPES, isSignType, parseSignType } from '@unipay-assist/wire';
export type { SignType } from '@unipay-assist/wire';
export { canonicalString, signString } from '@unipay-assist/wire';
export { sign, verify, signEquals, withSign } from '@unipay-assist/wire';
