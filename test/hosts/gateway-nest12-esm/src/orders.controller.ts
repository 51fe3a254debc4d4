import { Body, ConflictException, Controller, Get, HttpCode, Param, Post, VERSION_NEUTRAL } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Public, SkipWrap } from './host-kit.js';

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

/**
 * The load balancer's probe: POST /health, outside the global prefix (the
 * gateway excludes it, app.ts) and outside versioning. Only POST: a GET there
 * is a method miss at an excluded path, which NestJS 12 on Express answers
 * through its not-found handler mounted on that path.
 */
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  @Post()
  @HttpCode(200)
  probe(): { healthy: true } {
    return { healthy: true };
  }
}
