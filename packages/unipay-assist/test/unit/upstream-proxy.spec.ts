import { upstreamProxyOption } from '../../src/wechat/upstream-proxy';

describe('upstreamProxyOption (axios proxy for calls to WeChat)', () => {
  it('is false when no proxy variable is set: axios skips its per-request environment lookups', () => {
    expect(upstreamProxyOption({})).toBe(false);
    expect(upstreamProxyOption({ NO_PROXY: 'localhost', http_proxy: '' })).toBe(false);
  });

  it.each([
    ['HTTPS_PROXY'],
    ['https_proxy'],
    ['HTTP_PROXY'],
    ['http_proxy'],
    ['ALL_PROXY'],
    ['all_proxy'],
    ['NODE_USE_ENV_PROXY'],
  ])('leaves the proxy to axios (undefined) when %s is set', (name) => {
    expect(upstreamProxyOption({ [name]: 'http://127.0.0.1:3128' })).toBeUndefined();
  });
});
