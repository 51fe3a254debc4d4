import { IsDefined, IsString, MaxLength } from 'class-validator';
import { AssistRequestDto } from './assist-request.dto';
import { IsNotBlank } from './validators';

/** `getAlipayUserId`: the `auth_code` Alipay appended to the redirect URL. */
export class AlipayUserIdDto extends AssistRequestDto {
  @IsDefined({ message: 'authCode is required' })
  @IsString()
  @IsNotBlank()
  @MaxLength(64)
  authCode!: string;
}
