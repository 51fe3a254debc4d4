import {
  ApiBody,
  ApiConsumes,
  ApiExtension,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ASSIST_ERROR_DESCRIPTIONS, AssistErrorCode, AssistErrorCodeValue } from '../kernel/error-codes';
import { AssistController } from '../http/assist.controller';
import { WxAccessTokenDto } from '../http/dto/wx-access-token.dto';
import { WxAuthUrlDto } from '../http/dto/wx-auth-url.dto';
import { deriveDtoProperties } from './dto-schema';
import { WxAccessTokenEnvelopeSchema, WxAuthUrlEnvelopeSchema } from './assist-openapi.schemas';

const E = AssistErrorCode;
const COMMON: AssistErrorCodeValue[] = [
  E.INTERNAL,
  E.BAD_JSON,
  E.INVALID_FIELD,
  E.BODY_TOO_LARGE,
  E.UNSUPPORTED_MEDIA_TYPE,
  E.BAD_SIGN,
  E.UNKNOWN_MERCHANT,
  E.REPLAYED,
  E.RATE_LIMITED,
  E.STORE_UNAVAILABLE,
];

/** The envelope codes (other than 0) each route can answer with. */
export const ASSIST_ROUTE_ERROR_CODES: Readonly<Record<'getWxAccessToken' | 'getWxAuthUrl', readonly AssistErrorCodeValue[]>> = {
  getWxAccessToken: [
    ...COMMON,
    E.WECHAT_UNREACHABLE,
    E.WECHAT_TIMEOUT,
    E.WECHAT_BAD_RESPONSE,
    E.WECHAT_HTTP_ERROR,
    E.WECHAT_CIRCUIT_OPEN,
    E.EXCHANGE_IN_PROGRESS,
  ],
  getWxAuthUrl: [...COMMON, E.REDIRECT_NOT_ALLOWED],
};

let documented = false;

/**
 * Adds @nestjs/swagger metadata to the module's DTOs and routes, so that
 * `SwaggerModule.createDocument(app, config)` (the host's own document)
 * describes both routes, their bodies, the envelope and every error code
 * (also as `x-error-codes`). Call it once before createDocument; calling it
 * again does nothing. Kept out of the main entry so @nestjs/swagger stays an
 * optional peer: a host without docs never loads it.
 */
export function documentAssistRoutes(): void {
  if (documented) return;
  documented = true;

  // Types, lengths, enums and required-ness come from the DTOs' own rules; only the prose is written here.
  for (const dto of [WxAccessTokenDto, WxAuthUrlDto]) documentDto(dto);

  ApiTags('unipay assist')(AssistController);
  ApiConsumes('application/json')(AssistController);
  route('getWxAccessToken', WxAccessTokenDto, WxAccessTokenEnvelopeSchema, {
    summary: 'Exchange a WeChat OAuth code for the openId',
    description:
      "Exchanges the code for the user's openId and web access token on the merchant's behalf (the AppSecret stays here). " +
      'The same code from the same merchant gives the same answer again. A WeChat refusal is envelope code 0 with data.code 1.',
  });
  route('getWxAuthUrl', WxAuthUrlDto, WxAuthUrlEnvelopeSchema, {
    summary: 'Build the WeChat authorize URL',
    description: "Builds the authorize URL the merchant's page redirects the user to, which yields the code.",
  });
}

/** What a reader needs beyond the rules: meaning and an example, per field name. */
const FIELD_PROSE: Readonly<Record<string, { description: string; example?: unknown }>> = {
  clientIp: { description: "The payer's IPv4 or IPv6 address", example: '127.0.0.1' },
  nonceStr: { description: 'Random string (signed like any field)', example: 'a1b2c3d4' },
  reqTime: {
    description: "Unix time in seconds (a JSON number or a decimal string), or yyyy-MM-dd HH:mm:ss in China time. Outside the merchant's window: 10006",
    example: 1718000000,
  },
  sign: { description: "DaxPay signature over every other present, non-null field (required unless the merchant opts out)" },
  mchNo: { description: 'Merchant number; the default merchant when absent' },
  appId: { description: 'Merchant application id (DaxPay 3.x)' },
  code: { description: "The code WeChat sent to the merchant's redirect URL (single use, 5 minutes)" },
  url: { description: "Absolute http(s) URL on the merchant's allow-list" },
  state: { description: 'Returned unchanged by WeChat with the code' },
  scope: { description: 'snsapi_base (default) or snsapi_userinfo' },
};

function documentDto(dto: Function & { prototype: object }): void {
  for (const [name, property] of deriveDtoProperties(dto as never)) {
    const doc = { ...property.schema, ...(FIELD_PROSE[name] ?? {}) };
    (property.required ? ApiProperty : ApiPropertyOptional)(doc)(dto.prototype, name);
  }
}

function route(
  name: keyof typeof ASSIST_ROUTE_ERROR_CODES,
  body: Function,
  answer: Function,
  op: { summary: string; description: string },
): void {
  const proto = AssistController.prototype as unknown as Record<string, unknown>;
  const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
  const codes = ASSIST_ROUTE_ERROR_CODES[name].map((code) => ({ code, description: ASSIST_ERROR_DESCRIPTIONS[code] }));
  const table = codes.map((c) => `| ${c.code} | ${c.description} |`).join('\n');
  const decorators: MethodDecorator[] = [
    ApiOperation({
      operationId: name,
      summary: op.summary,
      description: `${op.description}\n\nAlways HTTP 200. Envelope codes other than 0 (data is null):\n\n| code | meaning |\n|---|---|\n${table}`,
    }),
    ApiBody({ type: body }),
    ApiOkResponse({ type: answer, description: 'The envelope: code 0 with signed data, or an error code with data null' }),
    ApiExtension('x-error-codes', codes),
  ];
  for (const decorate of decorators) decorate(proto, name, descriptor);
}
