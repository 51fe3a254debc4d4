import { applyDecorators, Get, HttpCode, Post, Type } from '@nestjs/common';
import { SignedRoute } from './assist-route.decorator';

/** The channel-auth routes sit below `channel/auth/` under the module's prefix, as in DaxPay 3.0. */
export const CHANNEL_AUTH_PATH = 'channel/auth';

/** A signed POST channel-auth route, named for metrics and logs by its last segment (`generateAuthUrl`). */
export const ChannelAuthPost = (name: string, dto: Type<unknown>): MethodDecorator =>
  applyDecorators(Post(`${CHANNEL_AUTH_PATH}/${name}`), HttpCode(200), SignedRoute(name, dto));

/** A signed GET channel-auth route: the sign travels in the query. */
export const ChannelAuthSignedGet = (name: string, dto: Type<unknown>): MethodDecorator =>
  applyDecorators(Get(`${CHANNEL_AUTH_PATH}/${name}`), SignedRoute(name, dto));
