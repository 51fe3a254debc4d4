import { IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { AUTH_CHANNELS, AUTH_TYPES } from '../../channel-auth/auth-channel';
import { AssistRequestDto } from './assist-request.dto';
import { IsNotBlank } from './validators';

/**
 * DaxPay 3.0's AuthCodeParam (`C/param/assist/AuthCodeParam.java`, tag 3.0.0),
 * for auth and authAndSet. `authCode` is optional here (3.0.0: @NotBlank):
 * `auth` with only a queryCode reads the stored result, as 3.0's admin-side
 * queryAuthResult does. `unionIdentifier` (UnionPay's app id) is declared
 * because 3.0 clients sign it when set; it is not used.
 */
export class AuthCodeDto extends AssistRequestDto {
  @IsDefined({ message: 'channel is required (wechat_pay or ali_pay)' })
  @IsString()
  @IsNotBlank()
  @IsIn(AUTH_CHANNELS, { message: `channel must be one of ${AUTH_CHANNELS.join(', ')}` })
  channel!: string;

  @IsOptional()
  @IsString()
  @IsIn(['', ...AUTH_TYPES], { message: `authType must be one of ${AUTH_TYPES.join(', ')}` })
  authType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  authCode?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  unionIdentifier?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  queryCode?: string;
}
