import { AssistException } from '../../packages/unipay-assist/src/kernel/assist.exception';

/** The AssistException `fn` throws; the test fails if it throws anything else or nothing. */
export function thrown(fn: () => unknown): AssistException {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AssistException);
    return err as AssistException;
  }
  throw new Error('did not throw');
}
