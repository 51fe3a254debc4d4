import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ChannelAuthRequestDto } from './channel-auth-request.dto';

/**
 * DaxPay 3.0's AuthCodeParam (`C/param/assist/AuthCodeParam.java`, tag 3.0.0),
 * for auth and authAndSet. `authCode` is optional here (3.0.0: @NotBlank):
 * `auth` with only a queryCode reads the stored result, as 3.0's admin-side
 * queryAuthResult does. `unionIdentifier` (UnionPay's app id) is declared
 * because 3.0 clients sign it when set; it is not used.
 */
export class AuthCodeDto extends ChannelAuthRequestDto {
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
