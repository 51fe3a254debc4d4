import { applyDecorators, Get, HttpCode, Post, Type } from '@nestjs/common';
import { SignedRoute } from '../assist-route.decorator';

/** A signed DaxPay Open POST route at its DaxPay Open path; named for metrics and logs by its last segment. */
export const OpenPost = (path: string, dto: Type<unknown>): MethodDecorator =>
  applyDecorators(Post(path), HttpCode(200), SignedRoute(path.slice(path.lastIndexOf('/') + 1), dto));

/** A signed DaxPay Open link (GET): the sign travels in the query. */
export const OpenSignedGet = (path: string, dto: Type<unknown>): MethodDecorator =>
  applyDecorators(Get(path), SignedRoute(path.slice(path.lastIndexOf('/') + 1), dto));

/** Routes whose server object has a default the sign string covers (DaxPay Open signs its typed param). */
export const OPEN_DEFAULTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'generate-auth-url': { authType: 'wechat' },
};

/** The signed browser link: DaxPay Open checks its sign only (no nonce, no reqTime window), so a reload works. */
export const OPEN_LINK_ROUTE = 'get-openid';
