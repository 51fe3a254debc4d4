import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsClientIp, IsNotBlank } from '../../dto/validators';
import { IsOpenReqTime } from './open-req-time';

/**
 * DaxPay Open's PaymentCommonParam + MerchantPaymentCommonParam: the fields
 * every signed Open request declares, so the ones its sign string covers
 * (with the route's own).
 */
export class OpenCommonDto {
  @IsDefined({ message: 'mchNo: is required' })
  @IsString({ message: 'mchNo: must be a string of at most 32 characters' })
  @IsNotBlank({ message: 'mchNo: is required' })
  @MaxLength(32, { message: 'mchNo: must be a string of at most 32 characters' })
  mchNo!: string;

  @IsOptional()
  @IsString({ message: 'appId: must be a string of at most 32 characters' })
  @MaxLength(32, { message: 'appId: must be a string of at most 32 characters' })
  appId?: string;

  @IsOptional()
  @IsString({ message: 'channelMchNo: must be a string of at most 32 characters' })
  @MaxLength(32, { message: 'channelMchNo: must be a string of at most 32 characters' })
  channelMchNo?: string;

  @IsDefined({ message: 'reqId: is required (at most 64 characters)' })
  @IsString({ message: 'reqId: must be a string of at most 64 characters' })
  @IsNotBlank({ message: 'reqId: is required (at most 64 characters)' })
  @MaxLength(64, { message: 'reqId: must be a string of at most 64 characters' })
  reqId!: string;

  @IsDefined({ message: 'reqTime: is required (yyyy-MM-dd HH:mm:ss, Beijing time)' })
  @IsOpenReqTime()
  reqTime!: string;

  @IsOptional()
  @IsString({ message: 'nonceStr: must be a string of at most 32 characters' })
  @MaxLength(32, { message: 'nonceStr: must be a string of at most 32 characters' })
  nonceStr?: string;

  @IsOptional()
  @IsString({ message: 'clientIp: must be an IPv4 or IPv6 address' })
  @MaxLength(64, { message: 'clientIp: must be an IPv4 or IPv6 address' })
  @IsClientIp({ message: 'clientIp: must be an IPv4 or IPv6 address' })
  clientIp?: string;

  @IsDefined({ message: 'sign: is required' })
  @IsString({ message: 'sign: must be a base64 string of at most 1024 characters' })
  @IsNotBlank({ message: 'sign: is required' })
  @MaxLength(1024, { message: 'sign: must be a base64 string of at most 1024 characters' })
  sign!: string;
}
