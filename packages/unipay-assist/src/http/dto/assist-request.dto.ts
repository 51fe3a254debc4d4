import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsClientIp, IsReqTime } from './validators';

/**
 * The fields the SignatureGuard needs before it can trust anything: who
 * signed (mchNo, appId), when (reqTime) and the sign. The guard validates
 * the body against this class; the route's DTO inherits it, so each rule is
 * written once and the pipe checks it again with the rest.
 */
export class SignedRequestHead {
  @IsOptional()
  @IsString({ message: 'sign: must be a string of at most 64 characters' })
  @MaxLength(64, { message: 'sign: must be a string of at most 64 characters' })
  sign?: string;

  @IsDefined({ message: 'reqTime: is required (Unix time in seconds)' })
  @IsReqTime()
  reqTime!: number | string;

  @IsOptional()
  @IsString({ message: 'mchNo: must be a string of at most 32 characters' })
  @MaxLength(32, { message: 'mchNo: must be a string of at most 32 characters' })
  mchNo?: string;

  @IsOptional()
  @IsString({ message: 'appId: must be a string of at most 32 characters' })
  @MaxLength(32, { message: 'appId: must be a string of at most 32 characters' })
  appId?: string;
}

/** Fields common to both routes (DaxPay's PaymentCommonParam). */
export class AssistRequestDto extends SignedRequestHead {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsClientIp()
  clientIp?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  nonceStr?: string;
}
