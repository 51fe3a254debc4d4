import { Inject, Injectable } from '@nestjs/common';
import { componentKeys, ComponentStore } from '../wechat-component/component.store';

/** How long an `unauthorized` push is remembered (an account that authorizes again clears it at once). */
export const REVOKED_TTL_MS = 30 * 24 * 60 * 60_000;

const REVOKED = '1';

/**
 * Which official accounts withdrew their authorization of the platform
 * (`unauthorized` pushes), so their merchants get 29324 instead of a code
 * exchange WeChat would refuse with a less telling errcode. `authorized`
 * and `updateauthorized` clear the mark.
 */
@Injectable()
export class ComponentAuthorizersService {
  constructor(@Inject(ComponentStore) private readonly store: ComponentStore) {}

  async revoke(componentAppId: string, authorizerAppId: string): Promise<void> {
    await this.store.set(componentKeys.revoked(componentAppId, authorizerAppId), REVOKED, REVOKED_TTL_MS);
  }

  async restore(componentAppId: string, authorizerAppId: string): Promise<void> {
    await this.store.deleteIf(componentKeys.revoked(componentAppId, authorizerAppId), REVOKED);
  }

  async isRevoked(componentAppId: string, authorizerAppId: string): Promise<boolean> {
    return (await this.store.get(componentKeys.revoked(componentAppId, authorizerAppId))) === REVOKED;
  }
}
