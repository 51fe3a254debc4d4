import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSIST_ERROR_DESCRIPTIONS } from '@unipay-assist/wire';

const ENVELOPE_CODES = Object.keys(ASSIST_ERROR_DESCRIPTIONS).map(Number);

/** `data` of getWxAccessToken: success (code 0) or a WeChat refusal (code 1), always signed. */
export class WxAccessTokenDataSchema {
  @ApiProperty({ enum: [0, 1], description: '0: success; 1: WeChat refused (msg says why, WeChat errcode included)' })
  code!: number;

  @ApiPropertyOptional({
    description: "The user's openId for the merchant's WeChat app (code 0)",
    example: 'oOPENID123',
  })
  openId?: string;

  @ApiPropertyOptional({ description: 'The web access token (code 0). The refresh_token is never returned.' })
  accessToken?: string;

  @ApiPropertyOptional({ description: 'Why WeChat refused (code 1), e.g. `invalid code (40029)`' })
  msg?: string;

  @ApiProperty({ description: 'Server time, Unix seconds' })
  resTime!: number;

  @ApiProperty({ description: "Signature over every other field of data, with the merchant's sign type and secret" })
  sign!: string;
}

/** `data` of getWxAuthUrl. */
export class WxAuthUrlDataSchema {
  @ApiProperty({ enum: [0], description: '0: success' })
  code!: number;

  @ApiProperty({
    description: "WeChat's authorize URL to redirect the user to",
    example:
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1234567890abcdef&redirect_uri=https%3A%2F%2Fshop.example.com%2Fpay&response_type=code&scope=snsapi_base&state=s1#wechat_redirect',
  })
  url!: string;

  @ApiProperty({ description: 'Server time, Unix seconds' })
  resTime!: number;

  @ApiProperty({ description: 'Signature over every other field of data' })
  sign!: string;
}

const envelopeCodeDescription =
  'Envelope code: 0 when the request was handled (data carries the answer), otherwise why it was refused ' +
  '(data is null). ' +
  ENVELOPE_CODES.map((c) => `${c}: ${ASSIST_ERROR_DESCRIPTIONS[c as keyof typeof ASSIST_ERROR_DESCRIPTIONS]}`).join(
    '; ',
  );

export abstract class EnvelopeSchema {
  @ApiProperty({ enum: ENVELOPE_CODES, description: envelopeCodeDescription, example: 0 })
  code!: number;

  @ApiProperty({ description: '`success`, or a clear reason naming the field or cause', example: 'success' })
  msg!: string;

  @ApiProperty({
    description: 'A fresh 12-character id, also on every log line of the request',
    example: 'sNiSFTXDufTR',
  })
  traceId!: string;
}

export class WxAccessTokenEnvelopeSchema extends EnvelopeSchema {
  @ApiProperty({ type: WxAccessTokenDataSchema, nullable: true })
  data!: WxAccessTokenDataSchema | null;

  @ApiPropertyOptional({
    description:
      "WeChat's errcode of a refusal (data.code 1). Outside data and unsigned: no DaxPay SDK model has it, so signing it would fail the client's own check",
    example: 40029,
  })
  wxErrcode?: number;
}

export class WxAuthUrlEnvelopeSchema extends EnvelopeSchema {
  @ApiProperty({ type: WxAuthUrlDataSchema, nullable: true })
  data!: WxAuthUrlDataSchema | null;
}

/** `data` of getAlipayAuthUrl. */
export class AlipayAuthUrlDataSchema {
  @ApiProperty({ enum: [0, 1], description: '0: success; 1: the merchant has no Alipay app configured (msg says so)' })
  code!: number;

  @ApiPropertyOptional({
    description: "Alipay's authorize page URL to send the payer to; Alipay sends them back with auth_code (code 0)",
    example:
      'https://openauth.alipay.com/oauth2/publicAppAuthorize.htm?app_id=2021000000000001&scope=auth_base&redirect_uri=https%3A%2F%2Fshop.example.com%2Fpay&state=s1',
  })
  url?: string;

  @ApiPropertyOptional({ description: 'Why there is no URL (code 1)' })
  msg?: string;

  @ApiProperty({ description: 'Server time, Unix seconds' })
  resTime!: number;

  @ApiProperty({ description: 'Signature over every other field of data' })
  sign!: string;
}

/** `data` of getAlipayUserId: the ids the Alipay app has, or an Alipay refusal. */
export class AlipayUserIdDataSchema {
  @ApiProperty({
    enum: [0, 1],
    description: '0: success; 1: Alipay refused (msg names the sub_code) or no Alipay app is configured',
  })
  code!: number;

  @ApiPropertyOptional({
    description: "The payer's Alipay user_id (apps still on user_id), code 0",
    example: '2088000000000001',
  })
  userId?: string;

  @ApiPropertyOptional({ description: "The payer's open_id in this Alipay app (apps moved to open_id), code 0" })
  openId?: string;

  @ApiPropertyOptional({ description: 'Why Alipay refused (code 1), e.g. `… (Alipay isv.code-invalid, code 40002)`' })
  msg?: string;

  @ApiProperty({ description: 'Server time, Unix seconds' })
  resTime!: number;

  @ApiProperty({ description: 'Signature over every other field of data' })
  sign!: string;
}

/** `data` of getWxMiniOpenId. */
export class WxMiniOpenIdDataSchema {
  @ApiProperty({
    enum: [0, 1],
    description: '0: success; 1: WeChat refused (msg says why) or no mini program is configured',
  })
  code!: number;

  @ApiPropertyOptional({
    description: "The payer's openId in the merchant's mini program (code 0). session_key is never returned",
    example: 'oOPENID123',
  })
  openId?: string;

  @ApiPropertyOptional({ description: 'Why WeChat refused (code 1), e.g. `… (WeChat errcode 40029)`' })
  msg?: string;

  @ApiProperty({ description: 'Server time, Unix seconds' })
  resTime!: number;

  @ApiProperty({ description: 'Signature over every other field of data' })
  sign!: string;
}

export class AlipayAuthUrlEnvelopeSchema extends EnvelopeSchema {
  @ApiProperty({ type: AlipayAuthUrlDataSchema, nullable: true })
  data!: AlipayAuthUrlDataSchema | null;
}

export class AlipayUserIdEnvelopeSchema extends EnvelopeSchema {
  @ApiProperty({ type: AlipayUserIdDataSchema, nullable: true })
  data!: AlipayUserIdDataSchema | null;
}

export class WxMiniOpenIdEnvelopeSchema extends EnvelopeSchema {
  @ApiProperty({ type: WxMiniOpenIdDataSchema, nullable: true })
  data!: WxMiniOpenIdDataSchema | null;

  @ApiPropertyOptional({
    description: "WeChat's errcode of a refusal (data.code 1), outside data and unsigned as for getWxAccessToken",
    example: 40029,
  })
  wxErrcode?: number;
}
