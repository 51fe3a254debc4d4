// `unipay-assist/openapi`: OpenAPI description of the module's routes (needs @nestjs/swagger).
export { documentAssistRoutes, ASSIST_ROUTE_ERROR_CODES, CHANNEL_AUTH_ROUTE_ERROR_CODES } from './assist-openapi';
export {
  WxAccessTokenDataSchema,
  WxAccessTokenEnvelopeSchema,
  WxAuthUrlDataSchema,
  WxAuthUrlEnvelopeSchema,
} from './assist-openapi.schemas';
