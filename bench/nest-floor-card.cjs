// The design-card floor: what NestJS's own machinery for the design card
// costs, with none of the relay's work. NestJS on the same adapter as the
// gateway, and per relay route (getWxAuthUrl, getWxAccessToken) exactly:
//   - one POST route, HTTP 200, the JSON body parsed by the adapter's parser
//     (Express: Nest's body-parser json; Fastify: its content-type parser, 16 KiB limit);
//   - one guard on the controller that lets everything through (canActivate → true);
//   - one pipe on the body parameter that returns its input;
//   - one interceptor on the controller that wraps the handler's answer in an
//     envelope: next.handle().pipe(map((data) => ({ code: 0, msg, data, traceId })));
//   - and nothing else: no sign check or answer sign, no replay claim, no DTO
//     validation, no rate limit, no log line, no metrics.
// getWxAuthUrl answers fixed data (no URL is built). getWxAccessToken makes
// the same WeChat round trip as bench/baseline-relay.mjs: one keep-alive
// node:http GET to the simulator's /sns/oauth2/access_token (same agent
// settings, 5 s timeout, JSON.parse of the answer), so the ratio on that route
// compares like with like. A body without the route's field, or a WeChat
// refusal, throws: Nest answers 500, which the bench counts as a wrong answer.
// The answer carries openId, never WeChat's access token.
//
//   PORT=9301 HTTP_ADAPTER=fastify WECHAT_API_BASE=http://127.0.0.1:9100 node bench/nest-floor-card.cjs
// (run.mjs starts it as targets floor-card-express / floor-card-fastify; it reads
// the demo WeChat app from the bench's build of src, BENCH_DIST or bench/.build.)
'use strict';
require('reflect-metadata');
const path = require('node:path');
const fs = require('node:fs');
const { Agent, get: httpGet } = require('node:http');
const {
  Body,
  Catch,
  Controller,
  createParamDecorator,
  HttpCode,
  Injectable,
  Module,
  Post,
  UseFilters,
  UseGuards,
  UseInterceptors,
} = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { map } = require('rxjs');

const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(__dirname, '.build');
const merchantFile = ['apps/demo/src/demo-merchant.js', 'demo/demo-merchant.js']
  .map((f) => path.join(DIST, f))
  .find((f) => fs.existsSync(f));
const { DEMO_WECHAT_APP: app } = require(merchantFile);
// Read at the first call: bench/ab.mjs sets it after loading this file.
let API_BASE;
const apiBase = () => (API_BASE ??= (process.env.WECHAT_API_BASE ?? 'http://127.0.0.1:9100').replace(/\/+$/, ''));

// Keep-alive to WeChat, as the baseline's (and the module's) agent.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** The baseline relay's exchange(), minus its error codes: any failure is an error here. */
function exchange(code) {
  const url =
    `${apiBase()}/sns/oauth2/access_token?appid=${encodeURIComponent(app.appId)}` +
    `&secret=${encodeURIComponent(app.appSecret)}&code=${encodeURIComponent(code)}&grant_type=authorization_code`;
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        if (res.statusCode >= 300) return reject(new Error(`WeChat answered HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error('WeChat answered a body that is not JSON'));
        }
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('WeChat did not answer in time')));
    req.on('error', reject);
  });
}

class PassGuard {
  canActivate() {
    return true;
  }
}
Injectable()(PassGuard);

class IdentityPipe {
  transform(value) {
    return value;
  }
}
Injectable()(IdentityPipe);

class EnvelopeInterceptor {
  intercept(_context, next) {
    return next.handle().pipe(map((data) => ({ code: 0, msg: 'success', data, traceId: 't' })));
  }
}
Injectable()(EnvelopeInterceptor);

const AUTH_URL_DATA = { code: 0, url: 'u', resTime: 0, sign: 's' };

class CardFloorController {
  getWxAuthUrl(body) {
    if (!body || typeof body.url !== 'string') throw new Error('no url in the body');
    return AUTH_URL_DATA;
  }

  async getWxAccessToken(body) {
    if (!body || typeof body.code !== 'string') throw new Error('no code in the body');
    const wx = await exchange(body.code);
    if (typeof wx.openid !== 'string' || typeof wx.access_token !== 'string') {
      throw new Error(`WeChat refused the code (errcode ${wx.errcode})`);
    }
    return { code: 0, openId: wx.openid, resTime: 0, sign: 's' };
  }
}
for (const name of ['getWxAuthUrl', 'getWxAccessToken']) {
  const desc = Object.getOwnPropertyDescriptor(CardFloorController.prototype, name);
  Post(name)(CardFloorController.prototype, name, desc);
  HttpCode(200)(CardFloorController.prototype, name, desc);
  Body(IdentityPipe)(CardFloorController.prototype, name, 0);
  Reflect.defineMetadata('design:paramtypes', [Object], CardFloorController.prototype, name);
}
UseGuards(PassGuard)(CardFloorController);
UseInterceptors(EnvelopeInterceptor)(CardFloorController);
Controller('unipay/assist')(CardFloorController);

class CardFloorModule {}
Module({ controllers: [CardFloorController] })(CardFloorModule);

// The gateway's shape with none of its work (bench/ab.mjs's FLOOR-SHAPE, not a run.mjs target): what Nest's
// machinery costs for the relay route's decorators, every piece a pass-through. Three guards (the gateway's IP
// limit, sign and merchant limit), the body through a custom parameter decorator with a pipe and the request
// context through a second one (@AssistBody, @AssistContext), the interceptor (with the Cache-Control header the
// gateway sets) and an exception filter on the controller.
class PassFilter {
  catch(exception) {
    throw exception;
  }
}
Catch()(PassFilter);
const ShapeBody = createParamDecorator((_data, ctx) => ctx.switchToHttp().getRequest().body);
const ShapeContext = createParamDecorator((_data, ctx) => ctx.switchToHttp().getRequest());

class HeaderEnvelopeInterceptor {
  intercept(context, next) {
    const res = context.switchToHttp().getResponse();
    if (typeof res.header === 'function') res.header('Cache-Control', 'no-store');
    else res.setHeader('Cache-Control', 'no-store');
    return next.handle().pipe(map((data) => ({ code: 0, msg: 'success', data, traceId: 't' })));
  }
}
Injectable()(HeaderEnvelopeInterceptor);

class ShapeFloorController {
  getWxAuthUrl(body, _ctx) {
    return CardFloorController.prototype.getWxAuthUrl(body);
  }

  getWxAccessToken(body, _ctx) {
    return CardFloorController.prototype.getWxAccessToken(body);
  }
}
for (const name of ['getWxAuthUrl', 'getWxAccessToken']) {
  const desc = Object.getOwnPropertyDescriptor(ShapeFloorController.prototype, name);
  Post(name)(ShapeFloorController.prototype, name, desc);
  HttpCode(200)(ShapeFloorController.prototype, name, desc);
  ShapeBody(new IdentityPipe())(ShapeFloorController.prototype, name, 0);
  ShapeContext()(ShapeFloorController.prototype, name, 1);
  Reflect.defineMetadata('design:paramtypes', [Object, Object], ShapeFloorController.prototype, name);
}
UseGuards(PassGuard, PassGuard, PassGuard)(ShapeFloorController);
UseInterceptors(HeaderEnvelopeInterceptor)(ShapeFloorController);
UseFilters(PassFilter)(ShapeFloorController);
Controller('unipay/assist')(ShapeFloorController);

class ShapeFloorModule {}
Module({ controllers: [ShapeFloorController] })(ShapeFloorModule);

/**
 * The floor's Nest application on `adapter` ('express' | 'fastify'), not listening yet (bench/ab.mjs's FLOOR;
 * `shape: 'gateway'` is FLOOR-SHAPE).
 */
function createFloorCardApp(adapter, { shape = 'card' } = {}) {
  const root = shape === 'gateway' ? ShapeFloorModule : CardFloorModule;
  if (adapter === 'fastify') {
    const { FastifyAdapter } = require('@nestjs/platform-fastify');
    return NestFactory.create(root, new FastifyAdapter({ bodyLimit: 16 * 1024 }), { logger: ['error'] });
  }
  return NestFactory.create(root, { logger: ['error'] });
}

async function main() {
  const port = Number(process.env.PORT ?? 9301);
  const nest = await createFloorCardApp(process.env.HTTP_ADAPTER);
  await nest.listen(port, '127.0.0.1');
  console.log(`nest design-card floor (${process.env.HTTP_ADAPTER ?? 'express'}) on ${port}`);
}

module.exports = { createFloorCardApp };
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
