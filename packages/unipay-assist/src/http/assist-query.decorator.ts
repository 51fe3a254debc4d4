import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { createAssistValidationPipe } from './assist-validation.pipe';
import { readQuery } from './request-query';

/**
 * The query of a signed GET route (the jump link), validated by the module's
 * own pipe against the parameter's DTO, as AssistBody does for a body.
 */
const RawAssistQuery = createParamDecorator((_data: unknown, ctx: ExecutionContext): unknown => {
  return readQuery(ctx.switchToHttp().getRequest<{ url?: string; originalUrl?: string }>());
});

export const AssistQuery = (): ParameterDecorator => RawAssistQuery(createAssistValidationPipe());
