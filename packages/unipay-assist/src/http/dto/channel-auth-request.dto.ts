import { IsDefined, IsIn, IsOptional, IsString } from 'class-validator';
import { AUTH_CHANNELS, AUTH_TYPES } from '../../channel-auth/auth-channel';
import { AssistRequestDto } from './assist-request.dto';
import { IsNotBlank } from './validators';

/** The fields every DaxPay 3.0 channel-auth param declares: which channel, and which of its auth types. */
export class ChannelAuthRequestDto extends AssistRequestDto {
  @IsDefined({ message: 'channel is required (wechat_pay, ali_pay or douyin)' })
  @IsString()
  @IsNotBlank()
  @IsIn(AUTH_CHANNELS, { message: `channel must be one of ${AUTH_CHANNELS.join(', ')}` })
  channel!: string;

  @IsOptional()
  @IsString()
  @IsIn(['', ...AUTH_TYPES], { message: `authType must be one of ${AUTH_TYPES.join(', ')}` })
  authType?: string;
}
