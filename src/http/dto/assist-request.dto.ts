import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsClientIp, IsReqTime } from './validators';

/** Fields common to both routes (DaxPay's PaymentCommonParam). */
export class AssistRequestDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsClientIp()
  clientIp?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  nonceStr?: string;

  @IsDefined({ message: 'reqTime is required' })
  @IsReqTime()
  reqTime!: number | string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  sign?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  mchNo?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  appId?: string;
}
