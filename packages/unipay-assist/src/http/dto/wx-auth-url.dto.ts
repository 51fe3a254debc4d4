import { IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { WechatScope } from '../../wechat/wechat-authorize-url';
import { AssistRequestDto } from './assist-request.dto';
import { IsHttpUrl } from './validators';

export class WxAuthUrlDto extends AssistRequestDto {
  @IsDefined({ message: 'url is required' })
  @IsString()
  @MaxLength(200)
  @IsHttpUrl()
  url!: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  state?: string;

  @IsOptional()
  @IsIn(['snsapi_base', 'snsapi_userinfo'], { message: 'scope must be snsapi_base or snsapi_userinfo' })
  scope?: WechatScope;
}
