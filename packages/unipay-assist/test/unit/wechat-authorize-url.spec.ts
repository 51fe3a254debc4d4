import { buildAuthorizeUrl } from '../../src/wechat/wechat-authorize-url';

describe('buildAuthorizeUrl', () => {
  it("keeps WeChat's parameter order and the #wechat_redirect fragment", () => {
    const url = buildAuthorizeUrl('https://open.weixin.qq.com', {
      appId: 'wx520c15f417810387',
      redirectUri: 'https://chong.qq.com/pay?order=1&x=2',
      scope: 'snsapi_userinfo',
      state: '123',
    });
    expect(url).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387' +
        '&redirect_uri=https%3A%2F%2Fchong.qq.com%2Fpay%3Forder%3D1%26x%3D2' +
        '&response_type=code&scope=snsapi_userinfo&state=123#wechat_redirect',
    );
    const names = [...new URL(url).searchParams.keys()];
    expect(names).toEqual(['appid', 'redirect_uri', 'response_type', 'scope', 'state']);
  });

  it("a third-party platform's URL adds component_appid after state, before the fragment", () => {
    const url = buildAuthorizeUrl('https://open.weixin.qq.com', {
      appId: 'wxaccount',
      redirectUri: 'https://a.example/cb',
      state: 's',
      componentAppId: 'wxplatform',
    });
    expect(url).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxaccount&redirect_uri=https%3A%2F%2Fa.example%2Fcb' +
        '&response_type=code&scope=snsapi_base&state=s&component_appid=wxplatform#wechat_redirect',
    );
  });

  it('defaults scope to snsapi_base and state to empty', () => {
    expect(buildAuthorizeUrl('https://open.weixin.qq.com', { appId: 'wx1', redirectUri: 'http://a.example/' })).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1&redirect_uri=http%3A%2F%2Fa.example%2F' +
        '&response_type=code&scope=snsapi_base&state=#wechat_redirect',
    );
  });

  it('encodes state, including characters that would break the query or the fragment', () => {
    const url = buildAuthorizeUrl('http://127.0.0.1:9100/', {
      appId: 'wx1',
      redirectUri: 'http://a.example/',
      state: 'a&b=c#d "q" \\ 中',
    });
    expect(url.startsWith('http://127.0.0.1:9100/connect/oauth2/authorize?')).toBe(true);
    expect(new URL(url).searchParams.get('state')).toBe('a&b=c#d "q" \\ 中');
    expect(url.endsWith('#wechat_redirect')).toBe(true);
    expect(url.split('#')).toHaveLength(2);
  });

  it('drops trailing slashes of the base', () => {
    expect(buildAuthorizeUrl('http://sim.local:1///', { appId: 'wx1', redirectUri: 'http://a/' })).toMatch(
      /^http:\/\/sim\.local:1\/connect\//,
    );
  });
});
