import { IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { AUTH_CHANNELS, AUTH_TYPES } from '../../channel-auth/auth-channel';
import { AssistRequestDto } from './assist-request.dto';
import { IsNotBlank } from './validators';

/**
 * DaxPay 3.0's GenerateAuthUrlParam (`C/param/assist/GenerateAuthUrlParam.java`,
 * tag 3.0.0): its declared fields are the ones the sign covers.
 */
export class GenerateAuthUrlDto extends AssistRequestDto {
  @IsDefined({ message: 'channel is required (wechat_pay or ali_pay)' })
  @IsString()
  @IsNotBlank()
  @IsIn(AUTH_CHANNELS, { message: `channel must be one of ${AUTH_CHANNELS.join(', ')}` })
  channel!: string;

  @IsOptional()
  @IsString()
  @IsIn(['', ...AUTH_TYPES], { message: `authType must be one of ${AUTH_TYPES.join(', ')}` })
  authType?: string;

  /** A path on the gateway's web front (`/auth/...`), or an absolute URL on the merchant's allow-list; absent: the gateway's own callback. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  authPath?: string;
}
