// The framework floor: NestJS on the same adapter with one POST route that
// parses the JSON body and answers a fixed envelope. No guard, pipe, crypto,
// store or upstream. Its CPU per request is what Nest + the adapter cost
// before the relay does anything; the baseline relay does all the work for less.
//   PORT=9300 HTTP_ADAPTER=fastify node bench/nest-floor.cjs
'use strict';
require('reflect-metadata');
const { Body, Controller, HttpCode, Module, Post } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

const ANSWER = {
  code: 0,
  msg: 'success',
  data: { code: 0, url: 'u', openId: 'o', resTime: 0, sign: 's' },
  traceId: 't',
};

class FloorController {}
for (const name of ['getWxAuthUrl', 'getWxAccessToken']) {
  // One function per route: Nest keeps route metadata on the function.
  FloorController.prototype[name] = function (body) {
    return body && typeof body === 'object' ? ANSWER : null;
  };
  const desc = Object.getOwnPropertyDescriptor(FloorController.prototype, name);
  Post(name)(FloorController.prototype, name, desc);
  HttpCode(200)(FloorController.prototype, name, desc);
  Body()(FloorController.prototype, name, 0);
  Reflect.defineMetadata('design:paramtypes', [Object], FloorController.prototype, name);
}
Controller('unipay/assist')(FloorController);
class FloorModule {}
Module({ controllers: [FloorController] })(FloorModule);

async function main() {
  const port = Number(process.env.PORT ?? 9300);
  let app;
  if (process.env.HTTP_ADAPTER === 'fastify') {
    const { FastifyAdapter } = require('@nestjs/platform-fastify');
    app = await NestFactory.create(FloorModule, new FastifyAdapter({ bodyLimit: 16 * 1024 }), { logger: ['error'] });
  } else {
    app = await NestFactory.create(FloorModule, { logger: ['error'] });
  }
  await app.listen(port, '127.0.0.1');
  console.log(`nest floor (${process.env.HTTP_ADAPTER ?? 'express'}) on ${port}`);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
