import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ChannelAuthRequestDto } from './channel-auth-request.dto';

/**
 * DaxPay 3.0's GenerateAuthUrlParam (`C/param/assist/GenerateAuthUrlParam.java`,
 * tag 3.0.0): its declared fields are the ones the sign covers.
 */
export class GenerateAuthUrlDto extends ChannelAuthRequestDto {
  /** A path on the gateway's web front (`/auth/...`), or an absolute URL on the merchant's allow-list; absent: the gateway's own callback. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  authPath?: string;
}
