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
import type { Type } from '@nestjs/common';
import { ASSIST_ERROR_DESCRIPTIONS, AssistErrorCode, AssistErrorCodeValue } from '@unipay-assist/wire';
import { AssistController } from '../http/assist.controller';
import { ChannelAuthController } from '../http/channel-auth.controller';
import { AuthCodeDto } from '../http/dto/auth-code.dto';
import { GenerateAuthUrlDto } from '../http/dto/generate-auth-url.dto';
import { WxAccessTokenDto } from '../http/dto/wx-access-token.dto';
import { WxAuthUrlDto } from '../http/dto/wx-auth-url.dto';
import { AlipayAuthUrlDto } from '../http/dto/alipay-auth-url.dto';
import { AlipayUserIdDto } from '../http/dto/alipay-user-id.dto';
import { WxMiniOpenIdDto } from '../http/dto/wx-mini-open-id.dto';
import { deriveDtoProperties } from './dto-schema';
import {
  AlipayAuthUrlEnvelopeSchema,
  AlipayUserIdEnvelopeSchema,
  WxAccessTokenEnvelopeSchema,
  WxAuthUrlEnvelopeSchema,
  WxMiniOpenIdEnvelopeSchema,
} from './assist-openapi.schemas';
import { AuthAndSetEnvelopeSchema, AuthEnvelopeSchema, AuthUrlEnvelopeSchema } from './channel-auth-openapi.schemas';

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
  E.REPLAY_IN_PROGRESS,
  E.RATE_LIMITED,
  E.STORE_UNAVAILABLE,
];

/** An exchange with the channel (WeChat, Alipay): 293xx name the channel in msg. */
const UPSTREAM: AssistErrorCodeValue[] = [
  E.UPSTREAM_UNREACHABLE,
  E.UPSTREAM_TIMEOUT,
  E.UPSTREAM_BAD_RESPONSE,
  E.UPSTREAM_HTTP_ERROR,
  E.UPSTREAM_CIRCUIT_OPEN,
  E.EXCHANGE_IN_PROGRESS,
];

export type AssistRouteName =
  'getWxAccessToken' | 'getWxAuthUrl' | 'getAlipayAuthUrl' | 'getAlipayUserId' | 'getWxMiniOpenId';

/** The envelope codes (other than 0) each route can answer with. */
export const ASSIST_ROUTE_ERROR_CODES: Readonly<Record<AssistRouteName, readonly AssistErrorCodeValue[]>> = {
  getWxAccessToken: [...COMMON, ...UPSTREAM],
  getWxAuthUrl: [...COMMON, E.REDIRECT_NOT_ALLOWED],
  getAlipayAuthUrl: [...COMMON, E.REDIRECT_NOT_ALLOWED],
  getAlipayUserId: [...COMMON, ...UPSTREAM],
  getWxMiniOpenId: [...COMMON, ...UPSTREAM],
};

export type ChannelAuthRouteName = 'generateAuthUrl' | 'auth' | 'authAndSet';

/** The channel-auth POST routes' envelope codes (other than 0). */
export const CHANNEL_AUTH_ROUTE_ERROR_CODES: Readonly<Record<ChannelAuthRouteName, readonly AssistErrorCodeValue[]>> = {
  generateAuthUrl: [...COMMON, E.CHANNEL_AUTH_UNSUPPORTED, E.HOSTED_AUTH_OFF, E.REDIRECT_NOT_ALLOWED],
  auth: [...COMMON, ...UPSTREAM, E.CHANNEL_AUTH_UNSUPPORTED, E.QUERY_CODE_UNKNOWN, E.QUERY_CODE_TAKEN],
  authAndSet: [...COMMON, ...UPSTREAM, E.CHANNEL_AUTH_UNSUPPORTED, E.QUERY_CODE_UNKNOWN, E.QUERY_CODE_TAKEN],
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
  for (const dto of [
    WxAccessTokenDto,
    WxAuthUrlDto,
    AlipayAuthUrlDto,
    AlipayUserIdDto,
    WxMiniOpenIdDto,
    GenerateAuthUrlDto,
    AuthCodeDto,
  ]) {
    documentDto(dto);
  }

  ApiTags('unipay assist')(AssistController);
  ApiConsumes('application/json')(AssistController);
  const assist = AssistController.prototype as unknown as Record<string, unknown>;
  route(
    assist,
    'getWxAccessToken',
    ASSIST_ROUTE_ERROR_CODES.getWxAccessToken,
    WxAccessTokenDto,
    WxAccessTokenEnvelopeSchema,
    {
      summary: 'Exchange a WeChat OAuth code for the openId',
      description:
        "Exchanges the code for the user's openId and web access token on the merchant's behalf (the AppSecret stays here). " +
        'The same code from the same merchant gives the same answer again. A WeChat refusal is envelope code 0 with data.code 1.',
    },
  );
  route(assist, 'getWxAuthUrl', ASSIST_ROUTE_ERROR_CODES.getWxAuthUrl, WxAuthUrlDto, WxAuthUrlEnvelopeSchema, {
    summary: 'Build the WeChat authorize URL',
    description: "Builds the authorize URL the merchant's page redirects the user to, which yields the code.",
  });
  route(
    assist,
    'getAlipayAuthUrl',
    ASSIST_ROUTE_ERROR_CODES.getAlipayAuthUrl,
    AlipayAuthUrlDto,
    AlipayAuthUrlEnvelopeSchema,
    {
      summary: "Build Alipay's authorize URL",
      description:
        "Builds Alipay's publicAppAuthorize.htm URL for the merchant's Alipay app (scope auth_base unless asked otherwise); " +
        'Alipay sends the payer back to url with auth_code and state.',
    },
  );
  route(
    assist,
    'getAlipayUserId',
    ASSIST_ROUTE_ERROR_CODES.getAlipayUserId,
    AlipayUserIdDto,
    AlipayUserIdEnvelopeSchema,
    {
      summary: "Exchange an Alipay auth_code for the payer's user_id / open_id",
      description:
        'Calls alipay.system.oauth.token (RSA2-signed, answer sign verified) and answers the ids the app has: userId, openId or both. ' +
        'The access token is never returned. The same auth code gives the same answer again. An Alipay refusal is envelope code 0 with data.code 1.',
    },
  );
  route(
    assist,
    'getWxMiniOpenId',
    ASSIST_ROUTE_ERROR_CODES.getWxMiniOpenId,
    WxMiniOpenIdDto,
    WxMiniOpenIdEnvelopeSchema,
    {
      summary: "Exchange a mini program's wx.login code for the openId",
      description:
        "Calls sns/jscode2session with the merchant's mini program and answers the openId; session_key is never read or returned. " +
        'The same code gives the same answer again. A WeChat refusal is envelope code 0 with data.code 1.',
    },
  );

  // DaxPay 3.0's channel auth. The hosted flow's browser GET routes (WeChat's callback, the signed jump link)
  // answer HTML pages and redirects, not the envelope, and stay out of the document.
  ApiTags('unipay assist')(ChannelAuthController);
  ApiConsumes('application/json')(ChannelAuthController);
  const channelAuth = ChannelAuthController.prototype as unknown as Record<string, unknown>;
  const channelAuthCodes = CHANNEL_AUTH_ROUTE_ERROR_CODES;
  route(channelAuth, 'generateAuthUrl', channelAuthCodes.generateAuthUrl, GenerateAuthUrlDto, AuthUrlEnvelopeSchema, {
    summary: 'Start a gateway-hosted WeChat authorization (DaxPay 3.0 channel auth)',
    description:
      "Mints a queryCode and builds WeChat's authorize URL whose callback is the gateway (or authPath: a gateway front path, " +
      "or a URL on the merchant's allow-list). The PC page shows it as a QR code and polls auth with the queryCode. Signed both ways.",
  });
  route(channelAuth, 'auth', channelAuthCodes.auth, AuthCodeDto, AuthEnvelopeSchema, {
    summary: 'Read a hosted authorization result, or exchange an authCode (DaxPay 3.0 channel auth)',
    description:
      'With a queryCode only: the result stored under it (waiting, success with the openId, or not_exist when unknown or expired). ' +
      'With an authCode: exchanges it, as 3.0 does, and stores the result under queryCode when given. Signed both ways.',
  });
  route(channelAuth, 'authAndSet', channelAuthCodes.authAndSet, AuthCodeDto, AuthAndSetEnvelopeSchema, {
    summary: 'Exchange an authCode and store the result under a queryCode (DaxPay 3.0 channel auth)',
    description:
      "Exchanges the authCode and stores the result under the queryCode, which the merchant's PC page then reads with auth. Signed both ways.",
  });
}

/** What a reader needs beyond the rules: meaning and an example, per field name. */
const FIELD_PROSE: Readonly<Record<string, { description: string; example?: unknown }>> = {
  clientIp: { description: "The payer's IPv4 or IPv6 address", example: '127.0.0.1' },
  nonceStr: { description: 'Random string (signed like any field)', example: 'a1b2c3d4' },
  reqTime: {
    description:
      "Unix time in seconds (a JSON number or a decimal string), or yyyy-MM-dd HH:mm:ss in China time. Outside the merchant's window: 10006",
    example: 1718000000,
  },
  sign: {
    description: 'DaxPay signature over every other present, non-null field (required unless the merchant opts out)',
  },
  mchNo: { description: 'Merchant number; the default merchant when absent' },
  appId: { description: 'Merchant application id (DaxPay 3.x)' },
  code: {
    description:
      "The code WeChat sent to the merchant's redirect URL, or a mini program's wx.login code (single use, 5 minutes)",
  },
  authCode: {
    description: "The code the channel sent back: Alipay's auth_code, or in channel auth WeChat's code (single use)",
  },
  channel: { description: 'Channel auth: wechat_pay, ali_pay or douyin (hosted flows only)', example: 'wechat_pay' },
  authType: {
    description:
      "Channel auth: the channel's auth type (wechat for wechat_pay, alipay for ali_pay, douyin for douyin); empty or absent: the channel's own",
  },
  authPath: {
    description:
      "generateAuthUrl: a gateway front path (/auth/...) or an absolute URL on the merchant's allow-list; absent: the gateway's own callback",
  },
  queryCode: { description: 'The handle generateAuthUrl minted; auth reads the result stored under it (5 minutes)' },
  unionIdentifier: { description: "UnionPay's app id (DaxPay 3.0 declares it, so it is signed when set; not used)" },
  url: { description: "Absolute http(s) URL on the merchant's allow-list" },
  state: { description: 'Returned unchanged by WeChat with the code' },
  scope: { description: 'WeChat: snsapi_base (default) or snsapi_userinfo; Alipay: auth_base (default) or auth_user' },
};

function documentDto(dto: Type<unknown>): void {
  for (const [name, property] of deriveDtoProperties(dto)) {
    const doc = { ...property.schema, ...(FIELD_PROSE[name] ?? {}) };
    (property.required ? ApiProperty : ApiPropertyOptional)(doc)(dto.prototype as object, name);
  }
}

function route(
  proto: Record<string, unknown>,
  name: string,
  errorCodes: readonly AssistErrorCodeValue[],
  body: Type<unknown>,
  answer: Type<unknown>,
  op: { summary: string; description: string },
): void {
  const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
  const codes = errorCodes.map((code) => ({ code, description: ASSIST_ERROR_DESCRIPTIONS[code] }));
  const table = codes.map((c) => `| ${c.code} | ${c.description} |`).join('\n');
  const decorators: MethodDecorator[] = [
    ApiOperation({
      operationId: name,
      summary: op.summary,
      description: `${op.description}\n\nAlways HTTP 200. Envelope codes other than 0 (data is null):\n\n| code | meaning |\n|---|---|\n${table}`,
    }),
    ApiBody({ type: body }),
    ApiOkResponse({
      type: answer,
      description: 'The envelope: code 0 with signed data, or an error code with data null',
    }),
    ApiExtension('x-error-codes', codes),
  ];
  for (const decorate of decorators) decorate(proto, name, descriptor);
}
