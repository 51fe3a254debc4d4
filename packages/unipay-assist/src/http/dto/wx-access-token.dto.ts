import { IsDefined, IsString, MaxLength } from 'class-validator';
import { AssistRequestDto } from './assist-request.dto';
import { IsNotBlank } from './validators';

export class WxAccessTokenDto extends AssistRequestDto {
  @IsDefined({ message: 'code is required' })
  @IsString()
  @IsNotBlank()
  @MaxLength(64)
  code!: string;
}
