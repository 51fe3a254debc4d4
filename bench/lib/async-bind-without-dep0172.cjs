// Experiment only (never loaded by `npm run bench`): a preload that makes
// Node 20's AsyncResource#bind and AsyncResource.bind skip the deprecated
// `asyncResource` / `length` properties they define on every bound function
// (DEP0172; util.deprecate re-prototypes two fresh functions per call). The
// bound function still runs in the resource's async scope, so
// AsyncLocalStorage sees the same context: this is what an upstream change
// (NestJS's interceptors-consumer and Fastify's content-type parser calling
// `new AsyncResource(...)` + `runInAsyncScope`, or a Node release without the
// accessors) would give, measured without touching either package.
//   node -r ./bench/lib/async-bind-without-dep0172.cjs bench/nest-floor-card.cjs
'use strict';
const { AsyncResource } = require('node:async_hooks');

AsyncResource.prototype.bind = function bind(fn, thisArg) {
  if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
  if (thisArg !== undefined) return this.runInAsyncScope.bind(this, fn, thisArg);
  const resource = this;
  return function bound(...args) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
};

AsyncResource.bind = function bind(fn, type, thisArg) {
  const name = type || fn.name || 'bound-anonymous-fn';
  return new AsyncResource(name).bind(fn, thisArg);
};
