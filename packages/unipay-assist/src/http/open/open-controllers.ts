import { SetMetadata, Type } from '@nestjs/common';
import { mountOpenController, OpenAuthController, OpenController } from './open.controller';
import { normalizePrefix } from '../route-paths';
import { OPEN_AUTH_PATH } from './open-auth.handler';
import { OpenPagesController } from './open-pages.controller';

/** DaxPay Open's own paths start at the gateway root. */
export const DEFAULT_OPEN_ROUTE_PREFIX = '';

/**
 * The Open controllers bound to one prefix, a subclass per mount as for the
 * other routes (nothing in global metadata); `false` mounts none.
 */
export function createOpenControllers(
  prefix: string | false,
  routePrefix: string,
  decorators: readonly ClassDecorator[] = [],
): Type<unknown>[] {
  if (prefix === false) return [];
  // Under the default prefixes DaxPay 3.0's `auth` route has this path and serves Open merchants too; a second route would clash (Fastify refuses one).
  const authShared =
    `${normalizePrefix(routePrefix)}/channel/auth/auth` === `${normalizePrefix(prefix)}/${OPEN_AUTH_PATH}`;
  class MountedOpenAuthController extends OpenAuthController {}
  Object.defineProperty(MountedOpenAuthController, 'name', { value: 'OpenAuthController' });
  class MountedOpenController extends OpenController {}
  Object.defineProperty(MountedOpenController, 'name', { value: 'OpenController' });
  class MountedOpenPagesController extends OpenPagesController {}
  Object.defineProperty(MountedOpenPagesController, 'name', { value: 'OpenPagesController' });
  // Out of a host's OpenAPI document: the browser and text routes are not JSON, and the JSON ones are
  // DaxPay Open's wire (docs/daxpay-open.md), described by its SDKs rather than by the relay's schemas.
  for (const target of [MountedOpenController, MountedOpenAuthController, MountedOpenPagesController]) {
    SetMetadata('swagger/apiExcludeController', [true])(target);
  }
  return [
    mountOpenController(MountedOpenController, prefix, decorators),
    ...(authShared ? [] : [mountOpenController(MountedOpenAuthController, prefix, decorators)]),
    mountOpenController(MountedOpenPagesController, prefix, decorators),
  ];
}
