#!/usr/bin/env node
// Golden wire vectors for every DaxPay client generation of the unipay assist routes
// (getWxAuthUrl, getWxAccessToken): the exact JSON body each SDK sends, the string it signs,
// and the answer each generation's server produces (or, where DaxPay never served the route,
// what the generation's own SDK model can read and verify).
//
// Facts and source paths: docs/daxpay-dialects.md. This script imports nothing from src/ on
// purpose: the fixture must stay an independent reference for the relay's own signing code.
//
//   node scripts/daxpay-dialect-vectors.mjs           writes docs/vectors/daxpay-dialects.json
//   node scripts/daxpay-dialect-vectors.mjs --check   exits 1 when the committed fixture differs

import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECRET = '123456';
const REQ_TIME = 1718000000; // 2024-06-10T06:13:20Z
const RES_TIME = 1718000001;
const TRACE_ID = 'sNiSFTXDufTR';
const WX_APP_ID = 'wx1234567890abcdef';
const MCH_NO = 'M1723635576766';
const APP_ID = 'M8207639754663343';
const RETURN_URL = 'https://merchant.example.com/pay/return?order=A1';
const STATE = 'order123';
const CLIENT_IP = '127.0.0.1';
const WX_CODE = '061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX';
const ACCESS_TOKEN = 'ACCESS_TOKEN_X';
const OPEN_ID = 'oOPENID123';
const FAIL_MSG = 'WeChat refused the code: invalid code (errcode 40029)';
// Non-ASCII, a quote and a backslash: pins UTF-8 hashing and the quote/backslash removal.
const FAIL_MSG_EDGE = '微信拒绝了授权码 "40163" code been used \\ retry';
const STATE_EDGE = 'a"b\\c';

// DaxPay's reqTime/resTime datetime strings are zone-less LocalDateTime values; DaxPay's images
// run with TZ=Asia/Shanghai, so the wire carries China time (UTC+8, no DST).
function chinaTime(epochSeconds) {
  const d = new Date((epochSeconds + 8 * 3600) * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

// The relay's authorize URL (SPEC.md order). DaxPay's own servers use WxJava, which appends
// &connect_redirect=1 before the fragment; the URL is data the relay produces, not a wire rule.
function authorizeUrl(redirect, state) {
  return (
    'https://open.weixin.qq.com/connect/oauth2/authorize?appid=' +
    WX_APP_ID +
    '&redirect_uri=' +
    encodeURIComponent(redirect) +
    '&response_type=code&scope=snsapi_base&state=' +
    encodeURIComponent(state) +
    '#wechat_redirect'
  );
}

// PaySignUtil (every generation): take the non-null fields, sort the names with String's natural
// order (UTF-16 code units, which is what JS sort does), join name=value with &, drop every
// backslash and double quote, append &key=secret. No URL-encoding, no upper-casing before 3.0.
function signString(fields) {
  const names = Object.keys(fields).filter((k) => fields[k] !== null && fields[k] !== undefined && k !== 'sign');
  names.sort();
  const link = names
    .map((k) => `${k}=${String(fields[k])}`)
    .join('&')
    .replaceAll('\\', '')
    .replaceAll('"', '');
  return `${link}&key=${SECRET}`;
}

// hutool SecureUtil.md5 / HMac.digestHex / SmUtil.sm3: UTF-8 input, lower-case hex; the HMAC is
// keyed with the secret exactly as configured.
const ALGORITHMS = {
  MD5: (s) => createHash('md5').update(s, 'utf8').digest('hex'),
  HMAC_SHA256: (s) => createHmac('sha256', SECRET).update(s, 'utf8').digest('hex'),
  SM3: (s) => createHash('sm3').update(s, 'utf8').digest('hex'),
};

function signAll(str, signTypes) {
  return Object.fromEntries(signTypes.map((t) => [t, ALGORITHMS[t](str)]));
}

// Serializes like hutool JSONUtil.toJsonStr / Jackson here: declared order, compact, nulls as
// given (hutool drops nulls: callers leave them out), no escaping of '/' or non-ASCII.
const json = (o) => JSON.stringify(o);

// ---------------------------------------------------------------- request side

const ROUTES = {
  getWxAuthUrl: {
    path: '/unipay/assist/getWxAuthUrl',
    own: (v) => ({ url: v.url ?? RETURN_URL, state: v.state ?? STATE }),
  },
  getWxAccessToken: {
    path: '/unipay/assist/getWxAccessToken',
    own: () => ({ code: WX_CODE }),
  },
};

// Field order = the SDK class's own fields, then DaxPayRequest's (hutool BeanDesc walks the
// class before its superclasses). `sign` sits where DaxPayRequest declares it.
const REQUEST_DIALECTS = {
  '2.0.0': {
    base: (v) => ({ clientIp: CLIENT_IP, sign: null, version: '1.0', reqTime: REQ_TIME, ...v.extraBase }),
    signTypes: ['MD5', 'HMAC_SHA256'],
  },
  '2.0.1-2.0.5': {
    base: (v) => ({ clientIp: CLIENT_IP, sign: null, reqTime: REQ_TIME, ...v.extraBase }),
    signTypes: ['MD5', 'HMAC_SHA256'],
  },
  '2.0.6-2.0.8': {
    // nonceStr exists only in the 2.0.8 SDK (DaxPayRequest) and is null unless the caller sets it.
    base: (v) => ({ clientIp: CLIENT_IP, sign: null, reqTime: REQ_TIME, nonceStr: v.nonceStr ?? null }),
    signTypes: ['MD5', 'HMAC_SHA256'],
  },
  multi: {
    base: (v) => ({
      mchNo: MCH_NO,
      appId: APP_ID,
      clientIp: CLIENT_IP,
      sign: null,
      reqTime: chinaTime(REQ_TIME),
      nonceStr: v.nonceStr ?? null,
    }),
    signTypes: ['MD5', 'HMAC_SHA256'],
  },
  'multi-late': {
    base: (v) => ({
      mchNo: MCH_NO,
      appId: APP_ID,
      clientIp: CLIENT_IP,
      sign: null,
      reqTime: chinaTime(REQ_TIME),
      nonceStr: v.nonceStr ?? null,
    }),
    signTypes: ['MD5', 'HMAC_SHA256', 'SM3'],
  },
};

function request(dialect, route, variant = {}) {
  const d = REQUEST_DIALECTS[dialect];
  const r = ROUTES[route];
  const fields = { ...r.own(variant), ...d.base(variant) };
  // multi (eef7ccb9 DaxPayKit) signs first and fills mchNo/appId from the config afterwards, so
  // when the caller left them unset they are on the wire but not in the signature.
  const signed = { ...fields };
  if (variant.signedWithoutMchApp) {
    delete signed.mchNo;
    delete signed.appId;
  }
  const str = signString(signed);
  const signs = signAll(str, d.signTypes);
  const bodies = {};
  for (const t of d.signTypes) {
    const wire = {};
    for (const [k, v] of Object.entries(fields)) {
      const value = k === 'sign' ? signs[t] : v;
      if (value !== null) wire[k] = value; // hutool JSONConfig ignoreNullValue defaults to true
    }
    bodies[t] = json(wire);
  }
  return {
    name: variant.name ?? `${route}`,
    route,
    path: r.path,
    note: variant.note,
    signedFields: Object.keys(signed)
      .filter((k) => signed[k] !== null && k !== 'sign')
      .sort(),
    signString: str,
    sign: signs,
    bodies,
  };
}

// ---------------------------------------------------------------- answer side

const PAYLOAD = {
  getWxAuthUrl: (v) => ({ url: authorizeUrl(RETURN_URL, v.state ?? STATE) }),
  getWxAccessToken: () => ({ accessToken: ACCESS_TOKEN, openId: OPEN_ID }),
};

// 2.0.0 - 2.0.5: nothing in an answer is signed. getWxAuthUrl answers DaxResult
// {msg, code, data, sign:null, traceId}; getWxAccessToken answers ResResult {msg, code, data}.
// A failure is outer-only: PayFailureException -> ErrorResult {msg, code:20000, data:null, traceId}.
function unsignedAnswers(signTypes) {
  const same = (s) => Object.fromEntries(signTypes.map((t) => [t, s]));
  return [
    {
      name: 'getWxAuthUrl success',
      route: 'getWxAuthUrl',
      kind: 'success',
      signed: false,
      bodies: same(json({ msg: 'success', code: 0, data: PAYLOAD.getWxAuthUrl({}), sign: null, traceId: TRACE_ID })),
    },
    {
      name: 'getWxAccessToken success',
      route: 'getWxAccessToken',
      kind: 'success',
      signed: false,
      bodies: same(json({ msg: 'success', code: 0, data: PAYLOAD.getWxAccessToken() })),
    },
    ...['getWxAuthUrl', 'getWxAccessToken'].map((route) => ({
      name: `${route} business failure`,
      route,
      kind: 'failure',
      signed: false,
      note: 'DaxPay 2.0.0-2.0.5 had no failure object inside data; a PayFailureException went to RestExceptionHandler (outer code 20000 PAY_FAILURE). A WxErrorException from WxJava went there too, as 10001 SYSTEM_ERROR "系统错误".',
      bodies: same(json({ msg: FAIL_MSG, code: 20000, data: null, traceId: TRACE_ID })),
    })),
  ];
}

// 2.0.6 - 2.0.8: the sign lives in data (PaymentCommonResult: code, msg, resTime, sign) and covers
// the result object's non-null fields; resTime is epoch seconds. Jackson writes the superclass's
// fields first and keeps nulls ("msg":null on success).
function dataSignedAnswers() {
  const out = [];
  const types = REQUEST_DIALECTS['2.0.6-2.0.8'].signTypes;
  const build = (name, route, kind, dataFields, outer, note) => {
    const str = signString(dataFields);
    const signs = signAll(str, types);
    const bodies = {};
    for (const t of types) {
      const data = { code: dataFields.code, msg: dataFields.msg ?? null, resTime: dataFields.resTime, sign: signs[t] };
      for (const [k, v] of Object.entries(dataFields)) if (!(k in data)) data[k] = v;
      bodies[t] = json(outer(data));
    }
    out.push({
      name,
      route,
      kind,
      signed: true,
      signedIn: 'data',
      note,
      dataFields,
      signString: str,
      sign: signs,
      bodies,
    });
  };
  const daxResult = (data) => ({ msg: 'success', code: 0, data, traceId: TRACE_ID });
  const resResult = (data) => ({ msg: 'success', code: 0, data });
  build(
    'getWxAuthUrl success',
    'getWxAuthUrl',
    'success',
    { code: 0, resTime: RES_TIME, ...PAYLOAD.getWxAuthUrl({}) },
    daxResult,
  );
  build(
    'getWxAccessToken success',
    'getWxAccessToken',
    'success',
    { code: 0, resTime: RES_TIME, ...PAYLOAD.getWxAccessToken() },
    resResult,
    'DaxPay 2.0.6-2.0.8 return Res.ok(...) here: a ResResult, so no traceId in the envelope.',
  );
  for (const route of ['getWxAuthUrl', 'getWxAccessToken']) {
    build(
      `${route} business failure`,
      route,
      'failure',
      { code: 1, msg: FAIL_MSG, resTime: RES_TIME },
      daxResult,
      'PaymentVerifyAop wraps a PayFailureException as DaxRes.ok(PaymentCommonResult{code:1,msg}), signed; the payload fields are absent.',
    );
  }
  build(
    'getWxAccessToken business failure, non-ASCII msg with quote and backslash',
    'getWxAccessToken',
    'failure',
    { code: 1, msg: FAIL_MSG_EDGE, resTime: RES_TIME },
    daxResult,
    'Pins UTF-8 hashing and that quote/backslash are removed from values before hashing (the wire keeps them, JSON-escaped).',
  );
  return out;
}

// multi (eef7ccb9): DaxPay's multi server never had these two routes; the SDK model is the only
// contract. Models extend DaxPayResponseModel {resTime: Long, sign}: no code, no msg. The outer
// DaxPayResult is {msg, code, data, traceId} with no sign. A failure can only travel outside data.
function multiAnswers() {
  const out = [];
  const types = REQUEST_DIALECTS.multi.signTypes;
  for (const route of ['getWxAuthUrl', 'getWxAccessToken']) {
    const dataFields = { ...PAYLOAD[route]({}), resTime: RES_TIME };
    const str = signString(dataFields);
    const signs = signAll(str, types);
    const bodies = Object.fromEntries(
      types.map((t) => [
        t,
        json({ msg: 'success', code: 0, data: { ...dataFields, sign: signs[t] }, traceId: TRACE_ID }),
      ]),
    );
    out.push({
      name: `${route} success`,
      route,
      kind: 'success',
      signed: true,
      signedIn: 'data',
      dataFields,
      signString: str,
      sign: signs,
      bodies,
    });
  }
  for (const route of ['getWxAuthUrl', 'getWxAccessToken']) {
    const body = json({ msg: FAIL_MSG, code: 20000, data: null, traceId: TRACE_ID });
    out.push({
      name: `${route} business failure`,
      route,
      kind: 'failure',
      signed: false,
      note: 'The multi SDK model cannot carry code/msg in data; 20000 is what the multi server answers for a PayFailureException (UNCLASSIFIED_ERROR). The relay may choose another DaxPay-compatible number.',
      bodies: Object.fromEntries(types.map((t) => [t, body])),
    });
  }
  return out;
}

// multi-late (daxpay-multi-sdk up to 3.0.1.beta1): the 3.0-like envelope without upper-casing.
// The sign covers the outer DaxPayResult {code, msg, data, resTime, traceId}; data is rendered as
// hutool JSON of the SDK model (declared order, nulls left out) and resTime as yyyy-MM-dd HH:mm:ss.
function multiLateAnswers() {
  const out = [];
  const types = REQUEST_DIALECTS['multi-late'].signTypes;
  const build = (name, route, kind, outerFields, note) => {
    const forSign = { ...outerFields, data: outerFields.data === null ? null : json(outerFields.data) };
    const str = signString(forSign);
    const signs = signAll(str, types);
    const bodies = Object.fromEntries(
      types.map((t) => [
        t,
        json({
          code: outerFields.code,
          msg: outerFields.msg,
          data: outerFields.data,
          sign: signs[t],
          resTime: outerFields.resTime,
          traceId: TRACE_ID,
        }),
      ]),
    );
    out.push({ name, route, kind, signed: true, signedIn: 'outer', note, signString: str, sign: signs, bodies });
  };
  for (const route of ['getWxAuthUrl', 'getWxAccessToken']) {
    build(`${route} success`, route, 'success', {
      code: 0,
      msg: 'success',
      data: PAYLOAD[route]({}),
      resTime: chinaTime(RES_TIME),
      traceId: TRACE_ID,
    });
  }
  for (const route of ['getWxAuthUrl', 'getWxAccessToken']) {
    build(
      `${route} business failure`,
      route,
      'failure',
      { code: 20000, msg: FAIL_MSG, data: null, resTime: chinaTime(RES_TIME), traceId: TRACE_ID },
      'Shape of the multi server PaymentVerifyAop catch: new DaxResult<>(ex.getCode(), ex.getMessage()), signed; 20000 = UNCLASSIFIED_ERROR.',
    );
  }
  return out;
}

// ---------------------------------------------------------------- assemble

function generation(dialect, extraRequests, answers, summary) {
  return {
    summary,
    signTypes: REQUEST_DIALECTS[dialect].signTypes,
    requests: [request(dialect, 'getWxAuthUrl'), request(dialect, 'getWxAccessToken'), ...extraRequests],
    answers,
  };
}

const fixture = {
  $comment:
    'Generated by scripts/daxpay-dialect-vectors.mjs from the facts in docs/daxpay-dialects.md. Do not edit by hand. bodies are exact JSON texts as each generation serializes them, one per sign type (the sign differs).',
  secret: SECRET,
  reqTime: REQ_TIME,
  reqTimeChina: chinaTime(REQ_TIME),
  resTime: RES_TIME,
  resTimeChina: chinaTime(RES_TIME),
  traceId: TRACE_ID,
  wechatAppId: WX_APP_ID,
  generations: {
    '2.0.0': generation('2.0.0', [], unsignedAnswers(REQUEST_DIALECTS['2.0.0'].signTypes), {
      sdk: 'cn.bootx.platform.daxpay.sdk (daxpay-single-sdk) @ tag 2.0.0',
      request: 'version "1.0" sent and signed; reqTime epoch seconds (JSON number); no nonceStr; lower-case hex',
      answer: 'unsigned; SDK models have no code/msg/resTime/sign; failure only in the outer code',
    }),
    '2.0.1-2.0.5': generation('2.0.1-2.0.5', [], unsignedAnswers(REQUEST_DIALECTS['2.0.1-2.0.5'].signTypes), {
      sdk: 'cn.bootx.platform.daxpay.sdk @ tags 2.0.1..2.0.5 (identical for these routes)',
      request: 'as 2.0.0 without version',
      answer: 'as 2.0.0',
    }),
    '2.0.6-2.0.8': generation(
      '2.0.6-2.0.8',
      [
        request('2.0.6-2.0.8', 'getWxAuthUrl', {
          name: 'getWxAuthUrl, 2.0.8 SDK with nonceStr set to "" and a state holding a quote and a backslash',
          nonceStr: '',
          state: STATE_EDGE,
          note: 'Only the 2.0.8 SDK has nonceStr; an empty string is non-null, so it is signed as "nonceStr=".',
        }),
      ],
      dataSignedAnswers(),
      {
        sdk: 'cn.daxpay.single.sdk @ tags 2.0.6..2.0.8',
        request: 'as 2.0.1-2.0.5; the 2.0.8 SDK may add nonceStr (null by default)',
        answer: 'data carries code (int), msg, resTime (epoch seconds), sign over the model fields',
      },
    ),
    multi: generation(
      'multi',
      [
        request('multi', 'getWxAuthUrl', {
          name: 'getWxAuthUrl, mchNo/appId left to DaxPayConfig (signed before they are filled)',
          signedWithoutMchApp: true,
          note: 'eef7ccb9 DaxPayKit.execute signs, then copies mchNo/appId from the config into the request: the wire has them, the signature does not.',
        }),
        request('multi', 'getWxAccessToken', {
          name: 'getWxAccessToken, mchNo/appId left to DaxPayConfig (signed before they are filled)',
          signedWithoutMchApp: true,
          note: 'As above.',
        }),
      ],
      multiAnswers(),
      {
        sdk: 'cn.daxpay.multi.sdk (daxpay-multi-sdk 0.0.1-SNAPSHOT) @ stored commit eef7ccb92727f7f8ae344b3d767138a975e5932f',
        request:
          'mchNo, appId added; reqTime "yyyy-MM-dd HH:mm:ss" China time (string); nonceStr optional; lower-case hex; mchNo/appId unsigned when taken from the config',
        answer: 'data carries resTime (epoch seconds) and sign, no code/msg; failure only in the outer code',
      },
    ),
    'multi-late': generation('multi-late', [], multiLateAnswers(), {
      sdk: 'cn.daxpay.multi.sdk, later stored commits (e5181d51, 23067708; pom 3.0.1.beta1)',
      request: 'as multi, but mchNo/appId are filled before signing; SM3 added',
      answer:
        'outer envelope signed (code, msg, data JSON, resTime yyyy-MM-dd HH:mm:ss, traceId), not upper-cased; data is a plain bean',
    }),
  },
};

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, '..', 'docs', 'vectors', 'daxpay-dialects.json');
const text = JSON.stringify(fixture, null, 2) + '\n';
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== text) {
    console.error('docs/vectors/daxpay-dialects.json is stale: run node scripts/daxpay-dialect-vectors.mjs');
    process.exit(1);
  }
  console.log('fixture up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
