import { randomBytes } from 'node:crypto';
import { ServerResponse } from 'node:http';

/** WeChat's JSON, labelled text/plain as WeChat does (relays must parse it anyway). */
export function sendWechatJson(res: ServerResponse, body: object): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** WeChat's refusal body, with a request id in errmsg as WeChat's have. */
export function wechatError(res: ServerResponse, errcode: number, errmsg: string): void {
  sendWechatJson(res, { errcode, errmsg: `${errmsg}, rid: ${randomBytes(12).toString('hex')}` });
}

/** Answers WeChat's busy (-1) or an injected errcode, for the shared `busy` / `errcode` faults. */
export function wechatFaultAnswer(res: ServerResponse, answer: { kind: 'busy' | 'errcode'; errcode?: number }): void {
  if (answer.kind === 'busy') wechatError(res, -1, 'system error');
  else wechatError(res, answer.errcode ?? -1, 'injected by the simulator');
}

/**
 * The checks WeChat makes before it looks at a code, in its order: appid,
 * secret, the code parameter (`code` on the web flow, `js_code` for mini
 * programs), grant_type. The app and the code, or undefined once refused.
 */
export function checkWechatAppRequest<A extends { appSecret: string }>(
  q: URLSearchParams,
  apps: ReadonlyMap<string, A>,
  codeParam: 'code' | 'js_code',
  res: ServerResponse,
): { appId: string; app: A; code: string } | undefined {
  const appId = q.get('appid');
  const secret = q.get('secret');
  const code = q.get(codeParam);
  if (!appId) return void wechatError(res, 41002, 'appid missing');
  const app = apps.get(appId);
  if (!app) return void wechatError(res, 40013, 'invalid appid');
  if (!secret) return void wechatError(res, 41004, 'appsecret missing');
  if (secret !== app.appSecret) return void wechatError(res, 40125, 'invalid appsecret');
  if (!code) return void wechatError(res, 41008, 'missing code');
  if (q.get('grant_type') !== 'authorization_code') return void wechatError(res, 40002, 'invalid grant_type');
  return { appId, app, code };
}
