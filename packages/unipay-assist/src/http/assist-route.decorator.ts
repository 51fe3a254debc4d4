import { applyDecorators, HttpCode, Post, SetMetadata, Type } from '@nestjs/common';

/** Metadata of a signed route: its name (metrics, logs) and its DTO (signed fields, validation). */
export interface AssistRouteMetadata {
  name: string;
  dto?: Type<unknown>;
}

export const ASSIST_ROUTE = Symbol('UnipayAssistRoute');

/**
 * Marks a handler as a signed relay route. The SignatureGuard reads the DTO
 * from here (not from `design:paramtypes`), so the fields it signs are the
 * DTO's, whatever the handler's parameters look like. A host's own route
 * behind the SignatureGuard uses it too: `@SignedRoute('myRoute', MyDto)`.
 */
export const SignedRoute = (name: string, dto?: Type<unknown>): MethodDecorator =>
  SetMetadata(ASSIST_ROUTE, { name, dto } satisfies AssistRouteMetadata);

/** A POST relay route: DaxPay's wire answers HTTP 200 whatever happened. */
export const AssistPost = (name: string, dto: Type<unknown>): MethodDecorator =>
  applyDecorators(Post(name), HttpCode(200), SignedRoute(name, dto));
