import { SetMetadata, Type } from '@nestjs/common';
import { mountOpenController, OpenController } from './open.controller';
import { OpenPagesController } from './open-pages.controller';

/** DaxPay Open's own paths start at the gateway root. */
export const DEFAULT_OPEN_ROUTE_PREFIX = '';

/**
 * The Open controllers bound to one prefix, a subclass per mount as for the
 * other routes (nothing in global metadata); `false` mounts none.
 */
export function createOpenControllers(prefix: string | false, decorators: readonly ClassDecorator[] = []): Type<unknown>[] {
  if (prefix === false) return [];
  class MountedOpenController extends OpenController {}
  Object.defineProperty(MountedOpenController, 'name', { value: 'OpenController' });
  class MountedOpenPagesController extends OpenPagesController {}
  Object.defineProperty(MountedOpenPagesController, 'name', { value: 'OpenPagesController' });
  // The browser and text routes are not JSON: out of a host's OpenAPI document, as the other page routes.
  SetMetadata('swagger/apiExcludeController', [true])(MountedOpenPagesController);
  return [mountOpenController(MountedOpenController, prefix, decorators), mountOpenController(MountedOpenPagesController, prefix, decorators)];
}
