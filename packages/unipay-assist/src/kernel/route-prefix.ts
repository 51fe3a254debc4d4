/** The module's route prefix as mounted (a static extra): for the error hooks and the hosted flows' own URLs. */
export const ASSIST_ROUTE_PREFIX = Symbol('UnipayAssistRoutePrefix');
