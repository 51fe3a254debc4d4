import { registerDecorator, ValidationOptions } from 'class-validator';
import { isIP } from 'node:net';
import { reqTimeSeconds } from './req-time-value';

/** An absolute http(s) URL with a host, as WeChat will redirect to it. */
export function IsHttpUrl(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isHttpUrl',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an absolute http(s) URL`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || /\s/.test(value)) return false;
          try {
            const u = new URL(value);
            return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
          } catch {
            return false;
          }
        },
      },
    });
}

/** Empty, or a valid IPv4 or IPv6 address (node's own parser, no zone ids in the wild). */
export function IsClientIp(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isClientIp',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an IPv4 or IPv6 address`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && (value === '' || isIP(value) !== 0),
      },
    });
}

/** reqTime: a non-negative integer, as a JSON number or a decimal string. */
export function IsReqTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isReqTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)}: must be an integer Unix time in seconds (number or decimal string) or yyyy-MM-dd HH:mm:ss (China time)`,
        ...options,
      },
      validator: { validate: (value: unknown) => reqTimeSeconds(value) !== undefined },
    });
}

/** A string with at least one non-space character. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotBlank',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must not be blank`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && value.trim() !== '' },
    });
}
