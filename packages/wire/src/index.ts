// @unipay-assist/wire: what goes over the wire between a DaxPay-generation client and the
// relay, with no NestJS and no I/O. The gateway module and the merchant client both sign
// and verify through this one package, so a sign string is written in one place.

// Sign types, sign strings, signatures
export * from './signing/sign-type';
export * from './signing/sign-string';
export * from './signing/signature';
export * from './signing/unsignable-value-error';
export * from './signing/china-time';
export * from './signing/hutool-json';
export * from './signing/java-case-insensitive';
export * from './signing/daxpay3-sign';
export * from './signing/daxpay3-result';
export * from './signing/zoned-date-time';
export * from './signing/daxpay-open-sign';
export * from './signing/daxpay-open-keys';
export * from './signing/daxpay-open-result';
export * from './signing/daxpay-open-time';

// DaxPay generations: request and answer shapes
export * from './dialects/wire-dialect';
export * from './dialects/dialects';
export * from './dialects/business-data';
export * from './dialects/outer-codes';
export * from './dialects/signed-field-pick';
export * from './dialects/generation-detection';
export * from './dialects/sign-diagnosis';
export * from './dialects/open-codes';

// Codes and helpers the wire's users share
export * from './error-codes';
export { mask } from './mask';
export { isRecord } from './is-record';
