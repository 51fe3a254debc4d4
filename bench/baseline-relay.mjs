// The baseline: the same relay written bare on node:http, no framework.
// Per request: read and parse the JSON body, find the merchant, check the
// reqTime window, verify the DaxPay sign, claim (merchant, sign) once
// (in-memory Map, or Redis SET NX PX when REDIS_URL is set), validate the
// route's fields, make one keep-alive call to WeChat (the simulator) for
// getWxAccessToken, and answer the signed envelope.
// The signing and traceId code is the relay's own pure modules (the bench's build of src):
// both sides pay exactly the same for the crypto, so the ratio measures the framework.
//
//   PORT=9200 WECHAT_API_BASE=http://127.0.0.1:9100 [REDIS_URL=redis://...] node bench/baseline-relay.mjs
import { createServer, Agent, get as httpGet } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { dist, demoMerchant } from './lib/common.mjs';

const { verify, sign } = dist('signing/signature.js');
const { newTraceId } = dist('kernel/trace-id.js');

const PORT = Number(process.env.PORT ?? 9200);
const HOST = process.env.HOST ?? '127.0.0.1';
const API_BASE = (process.env.WECHAT_API_BASE ?? 'http://127.0.0.1:9100').replace(/\/+$/, '');
const OPEN_BASE = (process.env.WECHAT_OPEN_BASE ?? API_BASE).replace(/\/+$/, '');
const BODY_LIMIT = 16 * 1024;
const PREFIX = '/unipay/assist/';

const { merchant: m } = demoMerchant();
const merchant = {
  mchNo: m.mchNo,
  appId: m.appId,
  wechat: m.wechat,
  signType: m.signType,
  signSecrets: Array.isArray(m.signSecret) ? m.signSecret : [m.signSecret],
  reqTimeout: m.reqTimeout ?? 300,
};
const redirectHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

// Keep-alive to WeChat, as the module's HttpModule agent.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

// Replay memory: Redis when configured, else an insertion-ordered Map swept from the front.
let claim;
if (process.env.REDIS_URL) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  const prefix = process.env.REDIS_PREFIX ?? `unipay-bench:baseline:${randomBytes(4).toString('hex')}:`;
  claim = async (key, ttlMs) => (await redis.set(prefix + key, '1', 'PX', ttlMs, 'NX')) === 'OK';
} else {
  const seen = new Map();
  claim = async (key, ttlMs) => {
    const now = Date.now();
    let budget = 64;
    for (const [k, exp] of seen) {
      if (exp > now || budget-- === 0) break;
      seen.delete(k);
    }
    const exp = seen.get(key);
    if (exp !== undefined && exp > now) return false;
    seen.set(key, now + ttlMs);
    return true;
  };
}

class Fail extends Error {
  constructor(code, msg) {
    super(msg);
    this.code = code;
  }
}

function reply(res, envelope) {
  const text = JSON.stringify(envelope);
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function signed(data) {
  const d = { ...data, resTime: Math.floor(Date.now() / 1000) };
  d.sign = sign(d, merchant.signType, merchant.signSecrets[0]);
  return d;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > BODY_LIMIT) reject(new Fail(29007, 'body is larger than the allowed limit'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function str(body, field, max, required) {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw new Fail(10006, `${field} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length > max)
    throw new Fail(10006, `${field} must be a string of at most ${max} characters`);
  return v;
}

async function guard(body) {
  for (const f of ['mchNo', 'appId']) {
    const v = str(body, f, 32, false);
    if (v && v !== merchant[f]) throw new Fail(20023, 'unknown merchant: no merchant matches mchNo/appId');
  }
  const rt = body.reqTime;
  let reqTime;
  if (typeof rt === 'number') reqTime = rt;
  else if (typeof rt === 'string' && /^\d{1,16}$/.test(rt)) reqTime = Number(rt);
  else throw new Fail(10006, 'reqTime must be an integer Unix time in seconds');
  if (!Number.isSafeInteger(reqTime) || reqTime < 0)
    throw new Fail(10006, 'reqTime must be an integer Unix time in seconds');
  const now = Math.floor(Date.now() / 1000);
  if (reqTime > now + 60 || reqTime < now - merchant.reqTimeout)
    throw new Fail(10006, 'reqTime is outside the allowed window');
  const s = str(body, 'sign', 64, true);
  if (verify(body, merchant.signType, merchant.signSecrets) < 0) throw new Fail(20052, 'signature verification failed');
  const key = createHash('sha256')
    .update(`${merchant.mchNo}\u0000${merchant.appId ?? ''}\u0000${s.toLowerCase()}`)
    .digest('base64url');
  if (!(await claim(key, (reqTime + merchant.reqTimeout - now + 1) * 1000))) {
    throw new Fail(10007, 'replayed request: this signed request was already accepted');
  }
  // The DTO rules common to both routes.
  str(body, 'nonceStr', 32, false);
  const ip = str(body, 'clientIp', 64, false);
  if (ip && isIP(ip) === 0) throw new Fail(10006, 'clientIp must be an IPv4 or IPv6 address');
}

function exchange(code) {
  const url =
    `${API_BASE}/sns/oauth2/access_token?appid=${encodeURIComponent(merchant.wechat.appId)}` +
    `&secret=${encodeURIComponent(merchant.wechat.appSecret)}&code=${encodeURIComponent(code)}&grant_type=authorization_code`;
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        if (res.statusCode >= 300) return reject(new Fail(29304, `WeChat answered HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Fail(29303, 'WeChat answered a body that is not JSON'));
        }
      });
    });
    req.setTimeout(5000, () => req.destroy(new Fail(29302, 'WeChat did not answer in time')));
    req.on('error', (e) => reject(e instanceof Fail ? e : new Fail(29301, 'WeChat is unreachable')));
  });
}

async function getWxAccessToken(body) {
  const code = str(body, 'code', 64, true);
  if (code.trim() === '') throw new Fail(10006, 'code must not be blank');
  const wx = await exchange(code);
  if (wx.errcode !== undefined && wx.errcode !== 0) {
    return { code: 1, msg: `WeChat refused the request (WeChat errcode ${wx.errcode})`, wxErrcode: Number(wx.errcode) };
  }
  if (typeof wx.openid !== 'string' || typeof wx.access_token !== 'string') {
    throw new Fail(29303, 'WeChat answered without openid or access_token');
  }
  return { code: 0, openId: wx.openid, accessToken: wx.access_token };
}

function getWxAuthUrl(body) {
  const url = str(body, 'url', 200, true);
  let u;
  try {
    u = new URL(url);
  } catch {
    throw new Fail(10006, 'url must be an absolute http(s) URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Fail(10006, 'url must be an absolute http(s) URL');
  if (!redirectHosts.has(u.hostname)) throw new Fail(29062, 'redirect URL host is not allowed');
  const state = str(body, 'state', 128, false) ?? '';
  const scope = body.scope ?? 'snsapi_base';
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')
    throw new Fail(10006, 'scope must be snsapi_base or snsapi_userinfo');
  return {
    code: 0,
    url:
      `${OPEN_BASE}/connect/oauth2/authorize?appid=${encodeURIComponent(merchant.wechat.appId)}` +
      `&redirect_uri=${encodeURIComponent(url)}&response_type=code&scope=${scope}&state=${encodeURIComponent(state)}#wechat_redirect`,
  };
}

const routes = { getWxAccessToken, getWxAuthUrl };

const server = createServer(async (req, res) => {
  const traceId = newTraceId();
  try {
    const path = (req.url ?? '').split('?')[0];
    const route = path.startsWith(PREFIX) ? routes[path.slice(PREFIX.length)] : undefined;
    if (req.method !== 'POST' || !route)
      throw new Fail(29009, 'no such route: use POST getWxAccessToken or getWxAuthUrl');
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(req.headers['content-type'] ?? '')) {
      throw new Fail(29008, 'content type must be application/json');
    }
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      throw e instanceof Fail ? e : new Fail(10005, 'body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new Fail(10005, 'body must be a JSON object');
    await guard(body);
    const data = await route(body);
    reply(res, { code: 0, msg: 'success', data: signed(data), traceId });
  } catch (e) {
    const fail = e instanceof Fail ? e : new Fail(10001, 'internal error');
    reply(res, { code: fail.code, msg: fail.message, data: null, traceId });
  }
});
server.keepAliveTimeout = 65_000;
server.listen(PORT, HOST, () => console.log(`baseline relay on http://${HOST}:${PORT}${PREFIX}`));
const stop = () => server.close(() => process.exit(0)) && server.closeAllConnections();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
