import { IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '../../dto/validators';
import { OpenCommonDto } from './open-common.dto';

/** DaxPay Open's channel codes (ChannelEnum) channel auth serves here. */
export const OPEN_AUTH_CHANNELS = ['wechat', 'alipay'] as const;
/** ChannelAuthTypeEnum; `union_pay` is declared by DaxPay Open but not served here. */
export const OPEN_AUTH_TYPES = ['wechat', 'alipay', 'union_pay'] as const;

/**
 * GenerateAuthUrlParam. `authType` defaults to `wechat` on the server, and the
 * server signs its typed object, so the default is in the sign string
 * (OPEN_DEFAULTS); `authPath` is declared (signed) and ignored, as in DaxPay Open.
 */
export class OpenGenerateAuthUrlDto extends OpenCommonDto {
  @IsDefined({ message: 'channel: is required (wechat or alipay)' })
  @IsString()
  @IsNotBlank({ message: 'channel: is required (wechat or alipay)' })
  @MaxLength(32)
  channel!: string;

  @IsOptional()
  @IsString()
  @IsIn(OPEN_AUTH_TYPES, { message: `authType: must be one of ${OPEN_AUTH_TYPES.join(', ')}` })
  authType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  authPath?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  product?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  opAppId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'returnPath: must be a string of at most 200 characters' })
  returnPath?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  capability?: string;
}
