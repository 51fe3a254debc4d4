import { isUnderPrefix } from '../../src/http/filters/route-errors.filter';

describe('isUnderPrefix (which paths get the envelope for parser and routing errors)', () => {
  it.each([
    ['/unipay/assist/getWxAccessToken', 'unipay/assist'],
    ['/unipay/assist', 'unipay/assist'],
    ['/unipay/assist/', '/unipay/assist/'],
    ['/api/v1/unipay/assist/getWxAuthUrl', 'unipay/assist'],
    ['/pay/wx/getWxAuthUrl', 'pay/wx'],
  ])('%s is under %s', (path, prefix) => {
    expect(isUnderPrefix(path, prefix)).toBe(true);
  });

  it.each([
    ['/unipay/assistant/x', 'unipay/assist'],
    ['/unipay/getWxAuthUrl', 'unipay/assist'],
    ['/host/echo', 'unipay/assist'],
    ['/', 'unipay/assist'],
    ['/pay/wxx/getWxAuthUrl', 'pay/wx'],
  ])('%s is not under %s', (path, prefix) => {
    expect(isUnderPrefix(path, prefix)).toBe(false);
  });
});
