import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OpenCommonDto } from './open-common.dto';
import { OPEN_AUTH_TYPES } from './open-generate-auth-url.dto';

/**
 * AuthCodeParam, for auth and auth-and-set. `channel` is declared beyond
 * DaxPay Open's param (its SDKs send it, and the relay needs it for an
 * exchange without a session); `accessToken` is declared because clients sign
 * it when set, and not used.
 */
export class OpenAuthCodeDto extends OpenCommonDto {
  @IsOptional()
  @IsString()
  @MaxLength(32)
  channel?: string;

  @IsOptional()
  @IsString()
  @IsIn(['', ...OPEN_AUTH_TYPES], { message: `authType: must be one of ${OPEN_AUTH_TYPES.join(', ')}` })
  authType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  authCode?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  accessToken?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  unionIdentifier?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  queryCode?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'authToken: must be a string of at most 64 characters' })
  authToken?: string;
}
