import { Injectable } from '@nestjs/common';
import { AuthFlow } from '../../channel-auth/auth-flow';
import { bindingCookie, bindingDigest, readBindingCookie } from '../../channel-auth/browser-binding';
import { mintFlowToken } from '../../channel-auth/flow-token';
import { CHANNEL_AUTH_ROUTES } from './callback-paths';
import { HostedRoutes } from './hosted-routes';

/**
 * A redirect-back flow (jump, DaxPay Open's get-openid) completes only in
 * the browser that opened its link: the link sets the binding cookie, the
 * flow keeps its digest, the callback needs the cookie. Login CSRF (someone
 * else's code landing in this browser) and a forwarded link get no
 * exchange and no queryCode.
 */
@Injectable()
export class FlowBrowserBinding {
  constructor(private readonly routes: HostedRoutes) {}

  /** The binding token the request's Cookie header carries, or undefined. */
  held(cookieHeader: unknown): string | undefined {
    return readBindingCookie(cookieHeader);
  }

  /** The browser's token for a new flow: the one it already holds (several flows may share it), or a new one. */
  tokenFor(cookieHeader: unknown): string {
    return this.held(cookieHeader) ?? mintFlowToken();
  }

  /** What the flow keeps of the token (its `browser`): a digest, so a store dump yields no cookie. */
  digest(token: string): string {
    return bindingDigest(token);
  }

  /** The Set-Cookie for `token`, scoped to the public path of the module's channel-auth routes; Secure on https. */
  cookie(token: string): string {
    const routes = new URL(this.routes.requireUrl(CHANNEL_AUTH_ROUTES));
    return bindingCookie(token, routes.pathname, routes.protocol === 'https:');
  }

  /** True when `token` is the binding of the browser that opened this redirect-back flow. */
  holds(flow: AuthFlow, token: string | undefined): boolean {
    return flow.browser !== undefined && token !== undefined && bindingDigest(token) === flow.browser;
  }
}
