import { IsDefined, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ALIPAY_STATE_MAX_LENGTH, AlipayScope } from '../../alipay/alipay-authorize-url';
import { AssistRequestDto } from './assist-request.dto';
import { IsHttpUrl } from './validators';

/** `getAlipayAuthUrl`: where Alipay sends the payer back (with `auth_code`), the state and the scope. */
export class AlipayAuthUrlDto extends AssistRequestDto {
  @IsDefined({ message: 'url is required' })
  @IsString()
  @MaxLength(200)
  @IsHttpUrl()
  url!: string;

  // Alipay's own limits on state: refused there, so refused here first with a clear message.
  @IsOptional()
  @IsString()
  @MaxLength(ALIPAY_STATE_MAX_LENGTH, {
    message: `state must be at most ${ALIPAY_STATE_MAX_LENGTH} characters for Alipay`,
  })
  @Matches(/^[\x21-\x7e]*$/, { message: 'state must be printable ASCII without spaces for Alipay' })
  state?: string;

  @IsOptional()
  @IsIn(['auth_base', 'auth_user'], { message: 'scope must be auth_base or auth_user' })
  scope?: AlipayScope;
}
