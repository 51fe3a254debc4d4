import { IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { AUTH_CHANNELS, AUTH_TYPES, AUTO_CHANNEL } from '../../channel-auth/auth-channel';
import { AssistRequestDto } from './assist-request.dto';
import { IsHttpUrl } from './validators';

/**
 * The signed jump link's query (redirect-back flow). Not a DaxPay 3.0 route:
 * signed the merchant's dialect's way over these declared fields.
 */
export class ChannelAuthJumpDto extends AssistRequestDto {
  @IsOptional()
  @IsString()
  // AUTO: WeChat or Alipay by the payer's browser.
  @IsIn([...AUTH_CHANNELS, AUTO_CHANNEL], {
    message: `channel must be one of ${[...AUTH_CHANNELS, AUTO_CHANNEL].join(', ')}`,
  })
  channel?: string;

  @IsOptional()
  @IsString()
  @IsIn(['', ...AUTH_TYPES, AUTO_CHANNEL], {
    message: `authType must be one of ${[...AUTH_TYPES, AUTO_CHANNEL].join(', ')}`,
  })
  authType?: string;

  /** Where the payer lands afterwards, with `queryCode` and `extParam` added: on the merchant's allow-list. */
  @IsDefined({ message: 'redirectUrl is required' })
  @IsString()
  @MaxLength(512)
  @IsHttpUrl()
  redirectUrl!: string;

  /** Passed back unchanged on the redirect (an order number, say); never an identity. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  extParam?: string;
}
