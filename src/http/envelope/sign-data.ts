import { SignType } from '../../signing/sign-type';
import { SignableFields } from '../../signing/sign-string';
import { sign } from '../../signing/signature';
import { nowSeconds } from '../../kernel/clock';
import { SignedData } from './envelope';

/** Adds `resTime` and signs every field of `data` with the given secret. */
export function signData(
  data: Record<string, unknown>,
  signType: SignType,
  secret: string,
  resTime: number = nowSeconds(),
): SignedData {
  const withTime = { ...data, resTime } as SignedData;
  delete withTime.sign;
  withTime.sign = sign(withTime as SignableFields, signType, secret);
  return withTime;
}
