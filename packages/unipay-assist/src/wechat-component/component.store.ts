/**
 * Where the platform's component_verify_ticket and its sealed
 * component_access_token live, shared by every instance: the module's Redis
 * (keys `<prefix>wechat-component:{…}`), or memory for one instance. The
 * same four operations as the channel-auth store, so the module backs it
 * with the same implementations. The interface and its injection token
 * share a name, as ThrottlerStorage does.
 */
export interface ComponentStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Atomic set-if-absent; answers what the key holds afterwards. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<string>;
  /** Deletes the key only if it still holds `value`. */
  deleteIf(key: string, value: string): Promise<void>;
}

export const ComponentStore = Symbol('WechatComponentStore');

/** Keys, per platform appid (one store may serve two gateways with two platforms). */
export const componentKeys = {
  ticket: (componentAppId: string): string => `ticket:${componentAppId}`,
  token: (componentAppId: string): string => `token:${componentAppId}`,
  /** Held by the one instance refreshing the token. */
  refresh: (componentAppId: string): string => `refresh:${componentAppId}`,
  /** An authorizer appid that pushed `unauthorized`: its merchant gets a clear error until it authorizes again. */
  revoked: (componentAppId: string, authorizerAppId: string): string => `revoked:${componentAppId}:${authorizerAppId}`,
};

/** WeChat pushes a ticket every 10 minutes; one lives 12 hours. */
export const COMPONENT_TICKET_TTL_MS = 12 * 60 * 60_000;
