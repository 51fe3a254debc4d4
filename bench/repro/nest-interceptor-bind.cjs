// Minimal reproduction (issue 16): what one do-nothing NestJS interceptor costs
// per request on Node 20, and how much of it is AsyncResource.bind.
// NestJS (packages/core/interceptors/interceptors-consumer.ts, since
// nestjs/nest#11926) wraps each interceptor's next() in
// defer(AsyncResource.bind(...)) twice per request; on Node 20 every static
// AsyncResource.bind defines the deprecated `asyncResource` accessors
// (DEP0172) through util.deprecate. Same route, in-process (Fastify inject,
// no sockets), 16 requests in flight:
//   node bench/repro/nest-interceptor-bind.cjs
//   node -r ./bench/lib/async-bind-without-dep0172.cjs bench/repro/nest-interceptor-bind.cjs
// The second line is the same bind without the deprecated accessors (what
// `new AsyncResource(name)` + `runInAsyncScope` gives, the change
// stream-utils/raw-body#173 made for the same reason).
'use strict';
require('reflect-metadata');
const { Controller, HttpCode, Injectable, Module, Post, UseInterceptors } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { map } = require('rxjs');

class PassThrough {
  intercept(_context, next) {
    return next.handle().pipe(map((data) => data));
  }
}
Injectable()(PassThrough);

class Routes {
  bare() {
    return { ok: true };
  }
  intercepted() {
    return { ok: true };
  }
}
for (const name of ['bare', 'intercepted']) {
  const d = Object.getOwnPropertyDescriptor(Routes.prototype, name);
  Post(name)(Routes.prototype, name, d);
  HttpCode(200)(Routes.prototype, name, d);
}
UseInterceptors(PassThrough)(
  Routes.prototype,
  'intercepted',
  Object.getOwnPropertyDescriptor(Routes.prototype, 'intercepted'),
);
Controller()(Routes);
class ReproModule {}
Module({ controllers: [Routes] })(ReproModule);

async function cpuPerRequest(fastify, url, count) {
  const c0 = process.cpuUsage();
  let i = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (i++ < count) {
        const r = await fastify.inject({
          method: 'POST',
          url,
          payload: '{}',
          headers: { 'content-type': 'application/json' },
        });
        if (r.statusCode !== 200) throw new Error(`${url}: HTTP ${r.statusCode}`);
      }
    }),
  );
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / count;
}

(async () => {
  const app = await NestFactory.create(ReproModule, new FastifyAdapter(), { logger: false });
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const results = { bare: [], intercepted: [] };
  for (let round = 0; round < 7; round++) {
    for (const name of ['bare', 'intercepted'])
      results[name].push(await cpuPerRequest(fastify, `/${name}`, round === 0 ? 3000 : 10000));
  }
  const median = (xs) => xs.slice(1).sort((a, b) => a - b)[3];
  const bare = median(results.bare);
  const intercepted = median(results.intercepted);
  console.log(
    `Node ${process.version}, NestJS ${require('@nestjs/core/package.json').version}, Fastify inject, c=16, µs CPU/request (median of 6): ` +
      `no interceptor ${bare.toFixed(1)}, one pass-through interceptor ${intercepted.toFixed(1)} (+${(intercepted - bare).toFixed(1)})`,
  );
  await app.close();
})();
