import { AssistConfigError } from '../kernel/assist-config.error';

/** What the relay uses of `alipay-sdk`: its client class and its request error. */
export type AlipaySdkModule = Pick<typeof import('alipay-sdk'), 'AlipaySdk' | 'AlipayRequestError'>;

const MISSING = 'needs the optional peer alipay-sdk, which is not installed: npm install alipay-sdk';

let loading: Promise<AlipaySdkModule> | undefined;

/**
 * `alipay-sdk` (34 packages) is an optional peer: a WeChat-only gateway never
 * installs it, and the module loads it the first time a merchant with an
 * Alipay app needs it (at start for configured merchants, so a missing peer
 * fails there and names the merchant). One load per process; a failed load is
 * tried again next time, so installing the peer needs no other change.
 */
export function loadAlipaySdk(setting: string): Promise<AlipaySdkModule> {
  loading ??= import('alipay-sdk').then(
    (mod) => mod,
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading.catch((err: unknown) => {
    throw isModuleMissing(err) ? new AssistConfigError(setting, MISSING) : err;
  });
}

function isModuleMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}
