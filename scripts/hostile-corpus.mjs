#!/usr/bin/env node
// Sends a hostile-input corpus someone else wrote to a running gateway and
// counts the answers. Every answer must be HTTP 200 with the envelope, a
// non-zero code unless the body was legitimately valid, never 10001, and the
// server must still serve a normal request at the end.
//
//   node scripts/hostile-corpus.mjs <corpus.json> [more.json ...]
//     env: GATEWAY_URL (default http://127.0.0.1:9000), SIGN_SECRET (default 123456),
//          MCH_NO (default M1000000001); a *.base64.json corpus is decoded to raw bytes.
//
// e.g. with the Big List of Naughty Strings (blns.json, blns.base64.json):
//   RATE_LIMIT_IP=0 npm start &   node scripts/hostile-corpus.mjs blns.json blns.base64.json
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

const base = process.env.GATEWAY_URL ?? 'http://127.0.0.1:9000';
const secret = process.env.SIGN_SECRET ?? '123456';
const mchNo = process.env.MCH_NO ?? 'M1000000001';
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/hostile-corpus.mjs <corpus.json> [...]');
  process.exit(2);
}

// DaxPay's HMAC_SHA256 sign (SPEC), over the contract fields given.
function sign(fields) {
  const s = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== null && fields[k] !== undefined)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&')
    .replace(/["\\]/g, '');
  return createHmac('sha256', secret).update(`${s}&key=${secret}`).digest('hex');
}
const signed = (fields) => {
  const f = { mchNo, reqTime: Math.floor(Date.now() / 1000), nonceStr: randomBytes(6).toString('hex'), ...fields };
  return JSON.stringify({ ...f, sign: sign(f) });
};

function send(route, body, contentType = 'application/json') {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve) => {
    const req = request(
      `${base}/unipay/assist/${route}`,
      { method: 'POST', headers: { 'content-type': contentType, 'content-length': buf.length }, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, text: `connection error: ${e.code ?? e.message}` }));
    req.end(buf);
  });
}

const counts = {};
const problems = [];
let total = 0;
async function check(kind, route, body, contentType, allowSuccess) {
  const a = await send(route, body, contentType);
  total++;
  let j;
  try {
    j = JSON.parse(a.text);
  } catch {
    j = undefined;
  }
  let problem = '';
  if (a.status !== 200) problem = `HTTP ${a.status}`;
  else if (
    !j ||
    typeof j.code !== 'number' ||
    typeof j.msg !== 'string' ||
    !('data' in j) ||
    !/^[A-Za-z0-9]{12}$/.test(j.traceId ?? '')
  )
    problem = 'not an envelope';
  else if (j.code === 10001) problem = 'internal error';
  else if (j.code === 0 && !allowSuccess) problem = 'accepted';
  else if (j.code !== 0 && (j.msg.trim() === '' || j.data !== null)) problem = 'unclear failure';
  else if (/\bat .+:\d+:\d+\)|<html|node_modules/i.test(a.text)) problem = 'stack trace or page';
  const key = problem ? `PROBLEM ${problem}` : `${j.code}`;
  counts[kind] ??= {};
  counts[kind][key] = (counts[kind][key] ?? 0) + 1;
  if (problem && problems.length < 20)
    problems.push({ kind, problem, body: String(body).slice(0, 120), answer: a.text.slice(0, 200) });
}

for (const file of files) {
  const list = JSON.parse(readFileSync(file, 'utf8'));
  const raw = file.endsWith('.base64.json');
  for (const item of list) {
    const s = raw ? Buffer.from(item, 'base64') : item;
    const str = raw ? s.toString('utf8') : s;
    // 1. The string itself as the body.
    await check('raw body', 'getWxAccessToken', s, 'application/json', false);
    // 2. As the OAuth code, validly signed (WeChat, here the simulator, refuses it: a business failure is fine).
    await check('signed code', 'getWxAccessToken', signed({ code: str }), 'application/json', true);
    // 3. As the redirect URL, validly signed (anything not an allowed http(s) URL is refused).
    await check('signed url', 'getWxAuthUrl', signed({ url: str }), 'application/json', true);
    // 4. As state and nonceStr on a valid request.
    await check(
      'signed state',
      'getWxAuthUrl',
      signed({ url: 'http://localhost:3000/cb', state: str.slice(0, 128) }),
      'application/json',
      true,
    );
    // 5. As a field name, and as every value of an unsigned body.
    await check(
      'as key',
      'getWxAccessToken',
      JSON.stringify({ [str]: str, code: str, reqTime: str, sign: str, mchNo: str }),
      'application/json',
      false,
    );
    // 6. Under a wrong content type.
    await check('text/plain', 'getWxAuthUrl', s, 'text/plain', false);
  }
}

// Still serving?
const last = await send('getWxAuthUrl', signed({ url: 'http://localhost:3000/after' }));
const stillServes = JSON.parse(last.text).code === 0;

console.log(JSON.stringify({ base, files, requests: total, byKind: counts, problems, stillServes }, null, 1));
process.exit(problems.length === 0 && stillServes ? 0 : 1);
