import {
  Controller,
  HttpCode,
  Post,
  Req,
  Res,
  SetMetadata,
  Type,
  UseFilters,
  UseGuards,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { requestContext } from '../kernel/request-context';
import { AssistIpThrottlerGuard } from '../rate-limit/assist-throttler.guard';
import { ComponentEventsService } from '../relay/component-events.service';
import { EnvelopeExceptionFilter } from './filters/envelope-exception.filter';
import { readRawTextBody } from './raw-text-body';
import { readQuery } from './request-query';

/** Below the module's prefix: where the third-party platform's "authorization event URL" points. */
export const COMPONENT_EVENTS_PATH = 'wechat/component/events';

/**
 * WeChat's pushes to the gateway's third-party platform. WeChat reads the
 * answer `success` (text); a refused push gets the failure envelope (29323,
 * 29321 without a platform configured), which WeChat takes as a failure and
 * repeats. Unsigned in DaxPay's sense: msg_signature is the check.
 */
@UseFilters(EnvelopeExceptionFilter)
export class ComponentEventsController {
  constructor(
    protected readonly events: ComponentEventsService,
    protected readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post(COMPONENT_EVENTS_PATH)
  @HttpCode(200)
  @UseGuards(AssistIpThrottlerGuard)
  async receive(
    @Req() req: { headers: Record<string, unknown>; url?: string; originalUrl?: string },
    @Res() res: object,
  ): Promise<void> {
    const ctx = requestContext(req);
    const body = await readRawTextBody(req, 64 * 1024);
    const q = readQuery(req);
    await this.events.handle(
      { msg_signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypt_type: q.encrypt_type },
      body,
      ctx.traceId,
    );
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(res, 'Content-Type', 'text/plain; charset=utf-8');
    adapter.reply(res, 'success', 200);
  }
}

/** The events controller bound to one prefix, as createAssistController does. */
export function createComponentEventsController(
  routePrefix: string,
  decorators: readonly ClassDecorator[] = [],
): Type<ComponentEventsController> {
  class MountedComponentEventsController extends ComponentEventsController {}
  Object.defineProperty(MountedComponentEventsController, 'name', { value: 'ComponentEventsController' });
  Controller({ path: routePrefix, version: VERSION_NEUTRAL })(MountedComponentEventsController);
  for (const decorate of decorators) decorate(MountedComponentEventsController);
  // WeChat's push target, not a merchant's API: out of a host's OpenAPI document (@nestjs/swagger's ApiExcludeController metadata).
  SetMetadata('swagger/apiExcludeController', [true])(MountedComponentEventsController);
  return MountedComponentEventsController;
}
