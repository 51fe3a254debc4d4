import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EnvelopeSchema } from './assist-openapi.schemas';

/*
 * The channel-auth answers (DaxPay 3.0's AuthUrlResult, AuthResult). Where the
 * signature sits follows the merchant's dialect: 2.0.x inside data (data.sign,
 * data.resTime), 3.0 on the DaxResult itself (top-level sign and resTime); both
 * are listed here as optional for that reason.
 */

const SIGN_NOTE =
  'Signature (2.0.x dialects: in data, over every other field of data; DaxPay 3.0: on the envelope, over code, msg, data, resTime, traceId)';

/** `data` of generateAuthUrl (AuthUrlResult). */
export class AuthUrlDataSchema {
  @ApiPropertyOptional({ enum: [0], description: '0: success (2.0.x dialects)' })
  code?: number;

  @ApiProperty({
    description: "WeChat's authorize URL: the PC page draws it as a QR code, or a WeChat browser opens it",
  })
  authUrl!: string;

  @ApiProperty({
    description: 'Unguessable, single-merchant handle the result is stored under for 5 minutes; read it with auth',
  })
  queryCode!: string;

  @ApiPropertyOptional({ description: 'Server time (2.0.x dialects: in data)' })
  resTime?: number;

  @ApiPropertyOptional({ description: SIGN_NOTE })
  sign?: string;
}

/** `data` of auth (AuthResult). */
export class AuthDataSchema {
  @ApiPropertyOptional({
    enum: [0, 1],
    description: '0: answered (see status); 1: WeChat refused the code (msg says why; 2.0.x dialects)',
  })
  code?: number;

  @ApiPropertyOptional({
    enum: ['waiting', 'success', 'not_exist'],
    description:
      'waiting: the payer has not authorised yet; success: openId set; not_exist: unknown or expired queryCode',
  })
  status?: string;

  @ApiPropertyOptional({
    description:
      "The payer's openId for the merchant's WeChat app (status success), or Douyin's open_id (channel douyin)",
    example: 'oOPENID123',
  })
  openId?: string;

  @ApiPropertyOptional({ description: 'Alipay user_id (DaxPay 3.0 field; empty for WeChat)' })
  userId?: string;

  @ApiPropertyOptional({
    description: 'The web access token, where the dialect carries it. The refresh_token is never returned.',
  })
  accessToken?: string;

  @ApiPropertyOptional({
    description:
      "The WeChat app the openId belongs to (the merchant's own, or the gateway's service-provider app: docs/channels.md), only for dialects that allow fields beyond DaxPay's",
    example: 'wx1234567890abcdef',
  })
  wxAppId?: string;

  @ApiPropertyOptional({ description: "WeChat's unionid, only for dialects that allow fields beyond DaxPay's" })
  unionId?: string;

  @ApiPropertyOptional({
    description:
      'A snapshot-page user (virtual openId, cannot pay), only when the merchant chose to receive it flagged and its dialect allows extra fields',
  })
  snapshotUser?: boolean;

  @ApiPropertyOptional({
    description:
      "The payer's WeChat nickname (sns/userinfo): merchants with wechatProfile, snsapi_userinfo flows, dialects that allow extra fields",
  })
  nickname?: string;

  @ApiPropertyOptional({
    description: "The payer's WeChat avatar URL (sns/userinfo), under the same conditions as nickname",
  })
  headImgUrl?: string;

  @ApiPropertyOptional({ description: 'Why WeChat refused (code 1)' })
  msg?: string;

  @ApiPropertyOptional({ description: 'Server time (2.0.x dialects: in data)' })
  resTime?: number;

  @ApiPropertyOptional({ description: SIGN_NOTE })
  sign?: string;
}

/** `data` of authAndSet: nothing beyond the outcome. */
export class AuthAndSetDataSchema {
  @ApiPropertyOptional({
    enum: [0, 1],
    description: '0: the code was exchanged and the result stored under queryCode; 1: WeChat refused (msg says why)',
  })
  code?: number;

  @ApiPropertyOptional({ description: 'Why WeChat refused (code 1)' })
  msg?: string;

  @ApiPropertyOptional({ description: 'Server time (2.0.x dialects: in data)' })
  resTime?: number;

  @ApiPropertyOptional({ description: SIGN_NOTE })
  sign?: string;
}

abstract class SignedEnvelopeSchema extends EnvelopeSchema {
  @ApiPropertyOptional({ description: 'Server time, DaxPay 3.0 dialect (yyyy-MM-dd HH:mm:ss, China time)' })
  resTime?: string;

  @ApiPropertyOptional({ description: SIGN_NOTE })
  sign?: string;
}

export class AuthUrlEnvelopeSchema extends SignedEnvelopeSchema {
  @ApiProperty({ type: AuthUrlDataSchema, nullable: true })
  data!: AuthUrlDataSchema | null;
}

export class AuthEnvelopeSchema extends SignedEnvelopeSchema {
  @ApiProperty({ type: AuthDataSchema, nullable: true })
  data!: AuthDataSchema | null;
}

export class AuthAndSetEnvelopeSchema extends SignedEnvelopeSchema {
  @ApiProperty({ type: AuthAndSetDataSchema, nullable: true })
  data!: AuthAndSetDataSchema | null;
}
