import { isUnderPrefix, mountedPaths, pathOf } from '../../src/http/route-paths';

describe('isUnderPrefix (which paths get the envelope for parser and routing errors)', () => {
  it.each([
    ['/unipay/assist/getWxAccessToken', 'unipay/assist'],
    ['/unipay/assist', 'unipay/assist'],
    ['/unipay/assist/', '/unipay/assist/'],
    ['/api/unipay/assist/getWxAuthUrl', 'api/unipay/assist'],
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
    // A host route that merely contains the prefix is the host's.
    ['/api/v1/unipay/assist/getWxAuthUrl', 'unipay/assist'],
    ['/x/unipay/assist/y', 'unipay/assist'],
  ])('%s is not under %s', (path, prefix) => {
    expect(isUnderPrefix(path, prefix)).toBe(false);
  });

  it('knows the one mount: under the host global prefix unless the host excluded the routes from it', () => {
    expect(mountedPaths('unipay/assist')).toEqual(['/unipay/assist']);
    expect(mountedPaths('/unipay/assist/', '/api/')).toEqual(['/api/unipay/assist']);
    const excluded = (path: string): boolean => /^\/unipay\/assist\//.test(path);
    expect(mountedPaths('unipay/assist', 'api', excluded)).toEqual(['/unipay/assist']);
  });

  it('takes the path without the query, preferring Express originalUrl', () => {
    expect(pathOf({ url: '/a?x=1' })).toBe('/a');
    expect(pathOf({ originalUrl: '/p/a?x', url: '/a' })).toBe('/p/a');
    expect(pathOf({})).toBe('');
  });
});
