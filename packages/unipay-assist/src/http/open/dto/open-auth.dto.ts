import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsHttpUrl, IsNotBlank } from '../../dto/validators';
import { OpenCommonDto } from './open-common.dto';

/** OpenAuthParam, the get-openid link's query: which channel, the merchant's WeChat app, where to come back. */
export class OpenAuthDto extends OpenCommonDto {
  @IsDefined({ message: 'authType: is required (wechat, alipay or douyin)' })
  @IsString()
  @IsNotBlank({ message: 'authType: is required (wechat, alipay or douyin)' })
  @MaxLength(32)
  authType!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  wxAppId?: string;

  @IsDefined({ message: 'redirectUrl: is required' })
  @IsString()
  @MaxLength(500, { message: 'redirectUrl: must be at most 500 characters' })
  @IsHttpUrl({ message: 'redirectUrl: must be an absolute http(s) URL' })
  redirectUrl!: string;
}
