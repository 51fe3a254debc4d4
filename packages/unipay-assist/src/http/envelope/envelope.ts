import { AssistErrorCode } from '@unipay-assist/wire';

/** The outer envelope every answer carries, always with HTTP 200. */
export interface Envelope<T = unknown> {
  code: number;
  msg: string;
  data: T | null;
  traceId: string;
}

/** `data` of a success or a business failure; signed over all its fields. */
export interface SignedData {
  code: number;
  msg?: string;
  resTime: number;
  sign?: string;
  [field: string]: unknown;
}

export function successEnvelope<T>(data: T, traceId: string): Envelope<T> {
  return { code: AssistErrorCode.SUCCESS, msg: 'success', data, traceId };
}

export function failureEnvelope(code: number, msg: string, traceId: string): Envelope<never> {
  return { code, msg, data: null, traceId };
}
