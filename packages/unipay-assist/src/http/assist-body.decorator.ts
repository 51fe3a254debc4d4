import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { createAssistValidationPipe } from './assist-validation.pipe';

/**
 * The request body, validated by the module's own pipe against the
 * parameter's DTO. A custom parameter decorator rather than `@Body()`:
 * Nest's ValidationPipe skips custom decorators unless told otherwise, so a
 * host's global `ValidationPipe({ whitelist, forbidNonWhitelisted })` cannot
 * refuse the unknown fields the DaxPay wire says to ignore.
 */
const RawAssistBody = createParamDecorator((_data: unknown, ctx: ExecutionContext): unknown => {
  return ctx.switchToHttp().getRequest<{ body?: unknown }>().body;
});

export const AssistBody = (): ParameterDecorator => RawAssistBody(createAssistValidationPipe());
