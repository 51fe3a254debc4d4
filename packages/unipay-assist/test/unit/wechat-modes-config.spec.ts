import { AssistConfigError } from '../../src/kernel/assist-config.error';
import { MerchantConfigError } from '../../src/merchants/merchant-config.error';
import { wechatAppMode } from '../../src/merchants/merchant';
import { merchantsFromEnv } from '../../src/merchants/merchants-from-env';
import { normalizeMerchant } from '../../src/merchants/normalize-merchant';
import { merchantProviderFor } from '../../src/module/assist.providers';
import { AssistModuleOptions } from '../../src/module/assist.options';
import {
  resolveWechatServiceProvider,
  wechatServiceProviderFromEnv,
} from '../../src/wechat/wechat-service-provider.options';
import { resolveWechatComponent, wechatComponentFromEnv } from '../../src/wechat-component/wechat-component.options';

const SIGN_SECRET = 'SIGNSECRET-fedcba9876543210';
const SP_SECRET = 'SP-SECRET-0123456789';
const COMPONENT = {
  appId: 'wxcomponent0001',
  appSecret: 'COMPONENT-SECRET-0001',
  token: 'Token42abc',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

const merchant = (wechat: unknown): Record<string, unknown> => ({ mchNo: 'M100', wechat, signSecret: SIGN_SECRET });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    const e = err as Error;
    for (const secret of [SIGN_SECRET, SP_SECRET, COMPONENT.appSecret, COMPONENT.token, COMPONENT.encodingAesKey])
      expect(e.message).not.toContain(secret);
    return e;
  }
  throw new Error('did not throw');
}

describe('a merchant names one of three WeChat modes', () => {
  it('own app: appId and appSecret, as before', () => {
    const m = normalizeMerchant(merchant({ appId: 'wxown', appSecret: 'own-secret' }), 0);
    expect(m.wechat).toEqual({ appId: 'wxown', appSecret: 'own-secret' });
    expect(wechatAppMode(m.wechat)).toBe('own');
  });

  it("the service provider's app: serviceProvider: true and nothing else", () => {
    const m = normalizeMerchant(merchant({ serviceProvider: true }), 0);
    expect(m.wechat).toEqual({ serviceProvider: true });
    expect(wechatAppMode(m.wechat)).toBe('service-provider');
  });

  it('through the third-party platform: appId and viaComponent, never an AppSecret', () => {
    const m = normalizeMerchant(merchant({ appId: 'wxviaplat', viaComponent: true }), 0);
    expect(m.wechat).toEqual({ appId: 'wxviaplat', viaComponent: true });
    expect(wechatAppMode(m.wechat)).toBe('component');
  });

  it.each([
    [{ serviceProvider: true, appId: 'wx1' }, 'wechat', 'give no appId or appSecret'],
    [{ serviceProvider: true, viaComponent: true }, 'wechat', 'exclude each other'],
    [
      { appId: 'wx1', viaComponent: true, appSecret: 'leaked?' },
      'wechat.appSecret',
      'must not be set with viaComponent',
    ],
    [{ viaComponent: true }, 'wechat.appId', 'WeChat app id'],
    [{ serviceProvider: 'yes' }, 'wechat.serviceProvider', 'true or false'],
    [{ appId: 'wx1' }, 'wechat.appSecret', 'missing'],
  ])('refuses %j naming %s', (wechat, field, reason) => {
    const e = thrown(() => normalizeMerchant(merchant(wechat), 0));
    expect(e).toBeInstanceOf(MerchantConfigError);
    expect((e as MerchantConfigError).field).toBe(field);
    expect(e.message).toContain(reason);
  });

  it('from the environment: ASSIST_WX_SERVICE_PROVIDER and ASSIST_WX_VIA_COMPONENT', () => {
    const base = { ASSIST_MCH_NO: 'M1', ASSIST_SIGN_SECRET: SIGN_SECRET };
    const [sp] = merchantsFromEnv({ ...base, ASSIST_WX_SERVICE_PROVIDER: 'true' });
    expect(normalizeMerchant(sp, 0).wechat).toEqual({ serviceProvider: true });
    const [viaPlatform] = merchantsFromEnv({ ...base, ASSIST_WX_VIA_COMPONENT: '1', ASSIST_WX_APP_ID: 'wxviaplat' });
    expect(normalizeMerchant(viaPlatform, 0).wechat).toEqual({ appId: 'wxviaplat', viaComponent: true });
    const [both] = merchantsFromEnv({ ...base, ASSIST_WX_VIA_COMPONENT: 'true', ASSIST_WX_SERVICE_PROVIDER: 'true' });
    expect(thrown(() => normalizeMerchant(both, 0)).message).toContain('exclude each other');
  });
});

describe("the gateway's service-provider app", () => {
  it('is optional, and checked when given', () => {
    expect(resolveWechatServiceProvider(undefined)).toBeNull();
    expect(resolveWechatServiceProvider({ appId: 'wxsp', appSecret: SP_SECRET })).toEqual({
      appId: 'wxsp',
      appSecret: SP_SECRET,
    });
    expect(
      (thrown(() => resolveWechatServiceProvider({ appId: 'wx sp', appSecret: SP_SECRET })) as AssistConfigError)
        .setting,
    ).toBe('wechatServiceProvider.appId');
    expect(
      (thrown(() => resolveWechatServiceProvider({ appId: 'wxsp', appSecret: ' ' })) as AssistConfigError).setting,
    ).toBe('wechatServiceProvider.appSecret');
  });

  it('from ASSIST_WX_SP_APP_ID / ASSIST_WX_SP_APP_SECRET: both or neither', () => {
    expect(wechatServiceProviderFromEnv({})).toBeUndefined();
    expect(wechatServiceProviderFromEnv({ ASSIST_WX_SP_APP_ID: 'wxsp', ASSIST_WX_SP_APP_SECRET: SP_SECRET })).toEqual({
      appId: 'wxsp',
      appSecret: SP_SECRET,
    });
    expect(
      (thrown(() => wechatServiceProviderFromEnv({ ASSIST_WX_SP_APP_SECRET: SP_SECRET })) as AssistConfigError).setting,
    ).toBe('ASSIST_WX_SP_APP_ID');
  });
});

describe("the gateway's third-party platform", () => {
  it('is optional; defaults its token margin (10 min) and push window (5 min)', () => {
    expect(resolveWechatComponent(undefined)).toBeNull();
    expect(resolveWechatComponent(COMPONENT)).toEqual({ ...COMPONENT, tokenMarginMs: 600_000, pushWindowMs: 300_000 });
  });

  it.each([
    [{ token: 'a b' }, 'wechatComponent.token'],
    [{ encodingAesKey: 'short' }, 'wechatComponent.encodingAesKey'],
    [{ encodingAesKey: `${COMPONENT.encodingAesKey}=` }, 'wechatComponent.encodingAesKey'],
    [{ appSecret: '' }, 'wechatComponent.appSecret'],
    [{ tokenMarginMs: -1 }, 'wechatComponent.tokenMarginMs'],
  ])('refuses %j naming %s, never echoing a secret', (change, setting) => {
    expect((thrown(() => resolveWechatComponent({ ...COMPONENT, ...change })) as AssistConfigError).setting).toBe(
      setting,
    );
  });

  it('from the four ASSIST_WX_COMPONENT_* variables: all or none', () => {
    const env = {
      ASSIST_WX_COMPONENT_APP_ID: COMPONENT.appId,
      ASSIST_WX_COMPONENT_APP_SECRET: COMPONENT.appSecret,
      ASSIST_WX_COMPONENT_TOKEN: COMPONENT.token,
      ASSIST_WX_COMPONENT_ENCODING_AES_KEY: COMPONENT.encodingAesKey,
    };
    expect(wechatComponentFromEnv({})).toBeUndefined();
    expect(wechatComponentFromEnv(env)).toEqual(COMPONENT);
    const { ASSIST_WX_COMPONENT_TOKEN: _t, ...missing } = env;
    expect((thrown(() => wechatComponentFromEnv(missing)) as AssistConfigError).setting).toBe(
      'ASSIST_WX_COMPONENT_TOKEN',
    );
  });
});

describe('configured merchants whose mode the gateway lacks fail at start', () => {
  const build = (o: Partial<AssistModuleOptions>): unknown => {
    const provider = merchantProviderFor({}) as { useFactory: (o: AssistModuleOptions) => unknown };
    return provider.useFactory(o);
  };

  it('a service-provider merchant without wechatServiceProvider, a platform merchant without wechatComponent', () => {
    expect(thrown(() => build({ merchants: [merchant({ serviceProvider: true })] })).message).toContain(
      'wechatServiceProvider',
    );
    expect(
      thrown(() => build({ merchants: [merchant({ appId: 'wxviaplat', viaComponent: true })] })).message,
    ).toContain('wechatComponent');
    expect(
      build({
        merchants: [merchant({ serviceProvider: true })],
        wechatServiceProvider: { appId: 'wxsp', appSecret: SP_SECRET },
      }),
    ).toBeDefined();
  });
});
