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
