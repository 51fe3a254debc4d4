import { IsDefined, IsString, MaxLength } from 'class-validator';
import { AssistRequestDto } from './assist-request.dto';
import { IsNotBlank } from './validators';

/** `getWxMiniOpenId`: the code the mini program got from `wx.login`. */
export class WxMiniOpenIdDto extends AssistRequestDto {
  @IsDefined({ message: 'code is required' })
  @IsString()
  @IsNotBlank()
  @MaxLength(64)
  code!: string;
}
