import { checkRedirectUrl, parseRedirectHostPattern } from '../../src/merchants/redirect-hosts';

const DEMO = ['localhost:*', '127.0.0.1:*', '[::1]:*'];
const SHOP = ['shop.example.com', '*.pay.example.com', 'api.example.com:8443', 'bücher.example'];
const allowed = (url: string, list: readonly string[] = SHOP) => checkRedirectUrl(url, list).ok;

describe('redirect allow-list', () => {
  it('allows the demo hosts on any port', () => {
    for (const url of [
      'http://localhost:3000/a',
      'http://localhost/a',
      'http://127.0.0.1:9/a',
      'http://[::1]:8080/x',
      'https://LOCALHOST./cb',
    ]) {
      expect([url, allowed(url, DEMO)]).toEqual([url, true]);
    }
  });

  it('matches exact hosts on the default port only, unless a port is named', () => {
    expect(allowed('https://shop.example.com/cb?x=1')).toBe(true);
    expect(allowed('http://shop.example.com/cb')).toBe(true);
    expect(allowed('https://shop.example.com:443/cb')).toBe(true); // 443 is the default: URL drops it
    expect(allowed('https://shop.example.com:8443/cb')).toBe(false);
    expect(allowed('https://api.example.com:8443/cb')).toBe(true);
    expect(allowed('https://api.example.com/cb')).toBe(false);
    expect(allowed('https://api.example.com:9443/cb')).toBe(false);
  });

  it('wildcards match subdomains at any depth but not the apex or look-alikes', () => {
    expect(allowed('https://a.pay.example.com/')).toBe(true);
    expect(allowed('https://a.b.pay.example.com/')).toBe(true);
    expect(allowed('https://pay.example.com/')).toBe(false);
    expect(allowed('https://evilpay.example.com/')).toBe(false);
    expect(allowed('https://pay.example.com.evil.com/')).toBe(false);
    expect(allowed('https://x.pay.example.com.evil.com/')).toBe(false);
  });

  it('compares case-insensitively, ignores one trailing dot, and handles IDN as punycode', () => {
    expect(allowed('https://SHOP.Example.COM/')).toBe(true);
    expect(allowed('https://shop.example.com./')).toBe(true);
    expect(allowed('https://bücher.example/')).toBe(true);
    expect(allowed('https://xn--bcher-kva.example/')).toBe(true);
    expect(allowed('https://shop.exаmple.com/')).toBe(false); // Cyrillic "а"
  });

  it('refuses userinfo, backslash and other parser-confusion tricks', () => {
    const tricks = [
      'http://localhost@evil.com/',
      'http://localhost:3000@evil.com/',
      'http://evil.com@localhost/',
      'http://user:pass@localhost/',
      'http://evil.com\\@localhost/',
      'http://localhost\\.evil.com/',
      'http://evil.com\\localhost/',
      'http://evil.com#@localhost/',
      'http://evil.com?@localhost/',
      'http://localhost%2eevil.com/',
      'http://localhost.evil.com/',
      'http://evil.com/localhost',
      'http://127.0.0.1.evil.com/',
      'http://0x7f.0.0.1.evil.com/',
      'http://[::1].evil.com/',
      'javascript://localhost/%0aalert(1)',
      'ftp://localhost/',
      'http://local\thost/',
      ' http://evil.com/',
      'http://evil.com:80:localhost/',
      '//localhost/',
      'localhost:3000',
    ];
    for (const url of tricks) {
      const r = checkRedirectUrl(url, DEMO);
      expect([url, r.ok]).toEqual([url, false]);
    }
  });

  it('rejects everything for a merchant with no list, saying so', () => {
    for (const list of [undefined, []]) {
      const r = checkRedirectUrl('http://localhost:3000/', list);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toMatch(/no redirectHosts/);
    }
  });

  it('names the rejected host', () => {
    const r = checkRedirectUrl('https://evil.com:444/x', DEMO);
    expect(!r.ok && r.reason).toBe("host evil.com:444 is not on the merchant's redirect allow-list");
  });

  it('parses patterns and ignores malformed ones', () => {
    expect(parseRedirectHostPattern('Shop.Example.com:0443')).toEqual({
      host: 'shop.example.com',
      wildcard: false,
      port: '443',
    });
    expect(parseRedirectHostPattern('*.Example.com')).toEqual({ host: 'example.com', wildcard: true, port: '' });
    expect(parseRedirectHostPattern('[::1]:*')).toEqual({ host: '[::1]', wildcard: false, port: '*' });
    for (const bad of [
      '',
      '*',
      '*.',
      'a*.com',
      'http://x.com',
      'x.com/path',
      'u@x.com',
      'x.com:abc',
      '[::1',
      '[::1]x',
    ]) {
      expect([bad, parseRedirectHostPattern(bad)]).toEqual([bad, undefined]);
    }
    expect(checkRedirectUrl('http://x.com/', ['*', 'a*.com'])).toMatchObject({ ok: false });
  });
});
