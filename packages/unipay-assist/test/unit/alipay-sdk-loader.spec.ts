import { AssistConfigError } from '../../src/kernel/assist-config.error';

// The optional peer as a WeChat-only host has it: not installed.
jest.mock('alipay-sdk', () => {
  throw Object.assign(new Error("Cannot find module 'alipay-sdk'"), { code: 'MODULE_NOT_FOUND' });
});

describe('loadAlipaySdk without the optional peer installed', () => {
  it('fails with a configuration error that names the setting and says how to install it', async () => {
    const { loadAlipaySdk } = await import('../../src/alipay/alipay-sdk.loader');
    const failure = loadAlipaySdk('merchant M1 alipay');
    await expect(failure).rejects.toBeInstanceOf(AssistConfigError);
    await expect(loadAlipaySdk('merchant M1 alipay')).rejects.toThrow(
      'unipay-assist merchant M1 alipay needs the optional peer alipay-sdk, which is not installed: npm install alipay-sdk',
    );
  });
});
