import { Inject, Injectable } from '@nestjs/common';
import { AssistErrorCode } from '@unipay-assist/wire';
import { InjectHostedAuthOptions, ResolvedHostedAuthOptions } from '../../channel-auth/hosted-auth.options';
import { normalizePrefix } from '../../http/route-paths';
import { AssistException } from '../../kernel/assist.exception';
import { ASSIST_ROUTE_PREFIX } from '../../kernel/route-prefix';

/**
 * The module's browser routes as payers' browsers reach them: the gateway's
 * public base URL (hostedAuth.publicBaseUrl), then the module's route
 * prefix. Without a public base URL hosted authorization is off, and what
 * needs one is refused (HOSTED_AUTH_OFF).
 */
@Injectable()
export class HostedRoutes {
  constructor(
    @InjectHostedAuthOptions() private readonly hosted: ResolvedHostedAuthOptions | null,
    @Inject(ASSIST_ROUTE_PREFIX) private readonly routePrefix: string,
  ) {}

  /** A route of the module (`channel/auth/jump`) at the gateway's public base URL, or null when hosted authorization is off. */
  url(path: string): string | null {
    return this.hosted ? `${this.hosted.publicBaseUrl}${normalizePrefix(this.routePrefix)}/${path}` : null;
  }

  /** A route's public URL where one is needed (a flow's redirect_uri, the binding cookie's Path); refused when hosted authorization is off. */
  requireUrl(path: string): string {
    const url = this.url(path);
    if (!url) throw hostedOff('the gateway-hosted callback');
    return url;
  }

  /** The gateway's public base URL, for `what`; refused, naming `what`, when hosted authorization is off. */
  publicBaseUrl(what: string): string {
    if (!this.hosted) throw hostedOff(what);
    return this.hosted.publicBaseUrl;
  }
}

function hostedOff(what: string): AssistException {
  return new AssistException(
    AssistErrorCode.HOSTED_AUTH_OFF,
    `hosted authorization is off: ${what} needs hostedAuth.publicBaseUrl (ASSIST_PUBLIC_BASE_URL) on the gateway`,
  );
}
