import { registerDecorator, ValidationOptions } from 'class-validator';
import { openReqTime } from '@unipay-assist/wire';

/** reqTime: the Beijing `yyyy-MM-dd HH:mm:ss` literal, or an ISO instant with an offset (openReqTime). */
export function IsOpenReqTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isOpenReqTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)}: must be yyyy-MM-dd HH:mm:ss (Beijing time)`, ...options },
      validator: { validate: (value: unknown) => openReqTime(value) !== undefined },
    });
}
