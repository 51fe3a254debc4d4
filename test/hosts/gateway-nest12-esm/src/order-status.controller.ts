import { Controller, HttpCode, Post, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import {
  AssistBody,
  AssistRequestDto,
  EnvelopeExceptionFilter,
  EnvelopeInterceptor,
  SignatureGuard,
  SignedRoute,
} from 'unipay-assist';
import { Public, SkipWrap } from './host-kit.js';

export class OrderStatusDto extends AssistRequestDto {
  @IsString({ message: 'orderNo must be a string' })
  @MaxLength(32)
  orderNo!: string;
}

/** A DaxPay-wire route of the gateway's own: signed by the merchant, answered with the signed envelope. */
@Public()
@SkipWrap()
@UseGuards(SignatureGuard)
@UseInterceptors(EnvelopeInterceptor)
@UseFilters(EnvelopeExceptionFilter)
@Controller('payments')
export class OrderStatusController {
  @Post('order-status')
  @HttpCode(200)
  @SignedRoute('orderStatus', OrderStatusDto)
  status(@AssistBody() dto: OrderStatusDto): { code: number; orderNo: string; state: string; sawUnknown: boolean } {
    return { code: 0, orderNo: dto.orderNo, state: 'PAID', sawUnknown: 'coupon' in dto };
  }
}
