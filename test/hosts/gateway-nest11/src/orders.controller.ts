import { Body, ConflictException, Controller, Get, Param, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Public, SkipWrap } from './host-kit';

export class CreateOrderDto {
  @IsString()
  @MaxLength(32)
  item!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  qty!: number;
}

/** The gateway's own API: a DTO-validated POST, a GET with a transformed param, a route that throws. */
@Public()
@Controller('orders')
export class OrdersController {
  @Post()
  create(@Body() dto: CreateOrderDto): { item: string; qty: number; isDto: boolean } {
    return { item: dto.item, qty: dto.qty, isDto: dto instanceof CreateOrderDto };
  }

  @Get(':id')
  find(@Param('id') id: number): { id: number; type: string } {
    return { id, type: typeof id };
  }

  @Post(':id/cancel')
  cancel(): never {
    throw new ConflictException('order is locked');
  }
}

/** Behind the gateway's login (no @Public()). */
@Controller('account')
export class AccountController {
  @Get()
  me(): { user: string } {
    return { user: 'nobody' };
  }
}

/** Public and unwrapped, by the gateway's own markers. */
@Public()
@SkipWrap()
@Controller('status')
export class StatusController {
  @Get()
  status(): { up: true } {
    return { up: true };
  }
}
