import { resolve } from 'node:path';
import { Browser, BrowserContextOptions, chromium, Page } from 'playwright-core';
import { AlipaySimulator } from '../../../../packages/simulator/src/alipay-simulator';
import { WechatSimulator } from '../../../../packages/simulator/src/wechat-simulator';
import { DEMO_ALIPAY_APP_ID, DEMO_MINI_PROGRAM, useChannelsGateway } from '../../../../test/support/channels-gateway';
import { ADAPTERS, DEMO_SECRET, DEMO_WECHAT_APP, post, useDemoGateway } from '../../../../test/support/gateway';

// Debian's chromium package (.ci/run installs it when missing).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// DEMO_SCREENSHOT=1 npx jest test/e2e/demo-page.e2e-spec.ts rewrites it.
const SCREENSHOT = resolve(__dirname, '..', '..', '..', '..', 'docs', 'demo-page.png');

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);
afterAll(() => browser?.close());

/** A new page and what it reports as errors (console.error, uncaught exceptions), for a test to assert empty. */
async function watchedPage(options?: BrowserContextOptions): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await browser.newPage(options);
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return { page, consoleErrors };
}

describe.each(ADAPTERS)('demo page over %s', (adapter) => {
  const demo = useDemoGateway(adapter);

  it('walks the flow in a browser: auth URL, consent at the simulator, back with the code, openId shown', async () => {
    const { page, consoleErrors } = await watchedPage({ viewport: { width: 1100, height: 1000 } });
    page.on('response', (r) => r.status() >= 400 && consoleErrors.push(`${r.status()} ${r.url()}`));
    try {
      const res = await page.goto(`${demo.gw.baseUrl}/`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'sha256-");

      await page.click('#get-url');
      await page.waitForSelector('#step1.done');
      const signedRequest = JSON.parse((await page.textContent('#auth-request'))!);
      expect(signedRequest).toMatchObject({
        mchNo: 'M1000000001',
        url: `${demo.gw.baseUrl}/`,
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(await page.textContent('#auth-signed-string')).toMatch(
        /^mchNo=M1000000001&nonceStr=[0-9a-f]{32}&reqTime=\d+&scope=snsapi_base&state=[0-9a-f]{24}&url=http.*&key=\*{6}$/,
      );

      // To the simulator's consent screen, Allow, and back to the page.
      await page.click('#go-wechat');
      await page.waitForSelector('#sim-allow');
      expect(await page.textContent('#sim-app')).toBe(DEMO_WECHAT_APP.appId);
      await Promise.all([page.waitForURL(`${demo.gw.baseUrl}/**`), page.click('#sim-allow')]);

      await page.waitForSelector('#step3.done');
      // Step 1 is still in view after the trip to WeChat.
      expect(JSON.parse((await page.textContent('#auth-request'))!).sign).toBe(signedRequest.sign);
      expect(await page.getAttribute('#step2', 'class')).toContain('done');
      expect(await page.isVisible('#go-wechat')).toBe(false);
      const openId = WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'demo-user');
      expect(await page.textContent('#openid')).toBe(openId);
      const answer = JSON.parse((await page.textContent('#token-response'))!);
      expect(answer).toMatchObject({
        openId,
        signVerified: true,
        signType: 'HMAC_SHA256',
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(answer.accessToken).toMatch(/^SIM_….{4}$/);
      // The code is out of the address bar; neither the secret nor the code is on the page.
      expect(page.url()).toBe(`${demo.gw.baseUrl}/`);
      const html = await page.content();
      expect(html).not.toContain(`key=${DEMO_SECRET}`);
      expect(html).not.toMatch(/SIM_AT_[A-Za-z0-9_-]{8}/);
      expect(JSON.parse((await page.textContent('#token-request'))!).code).toMatch(/^.{4}….{4}$/);
      expect(consoleErrors).toEqual([]);

      // The README's screenshot is rewritten only on request, so a test run leaves the tree clean.
      const png = await page.screenshot({
        fullPage: true,
        path: adapter === 'express' && process.env.DEMO_SCREENSHOT === '1' ? SCREENSHOT : undefined,
      });
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    } finally {
      await page.close();
    }
  });

  it('shows the error when the user denies, and when WeChat refuses the code', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${demo.gw.baseUrl}/`);
      await page.selectOption('#scope', 'snsapi_userinfo');
      await page.click('#get-url');
      await page.waitForSelector('#step1.done');
      expect(await page.textContent('#auth-response')).toContain('scope=snsapi_userinfo');
      await page.click('#go-wechat');
      await Promise.all([page.waitForURL(`${demo.gw.baseUrl}/**`), page.click('#sim-deny')]);
      await page.waitForSelector('#step3.failed');
      expect(await page.textContent('#error')).toContain('denied');

      // A code WeChat does not know, coming back with the state this page sent.
      await page.evaluate("sessionStorage.setItem('unipay-demo-state', 'st-x')");
      await page.goto(`${demo.gw.baseUrl}/?code=not-a-real-code&state=st-x`);
      await page.waitForSelector('#step3.failed');
      expect(await page.textContent('#error')).toMatch(
        /^WeChat refused 40029: .*\(WeChat errcode 40029\) \(traceId [A-Za-z0-9]{12}\)$/,
      );

      // A state this page did not send: the code is not exchanged.
      const before = demo.sim.simulator.exchanges;
      await page.goto(`${demo.gw.baseUrl}/?code=whatever&state=forged`);
      await page.waitForSelector('#step3.failed');
      expect(await page.textContent('#error')).toContain('state');
      expect(demo.sim.simulator.exchanges).toBe(before);
    } finally {
      await page.close();
    }
  });

  it('the demo endpoints refuse bad input clearly and the page is not part of the relay prefix', async () => {
    const bad = await fetch(`${demo.gw.baseUrl}/demo/access-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 42 }),
    });
    expect(bad.status).toBe(200);
    expect(await bad.json()).toEqual({
      ok: false,
      error: { kind: 'input', message: 'code must be a string of 1 to 64 characters' },
    });
    // The relay itself still answers with its envelope.
    expect((await post(demo.gw.baseUrl, 'getWxAuthUrl', {})).json).toMatchObject({ data: null });
  });
});

// The other two channels on the same page: both simulators, as `npm start` embeds them.
describe.each(ADAPTERS)('demo page, Alipay and mini program, over %s', (adapter) => {
  const demo = useChannelsGateway(adapter);

  it('Alipay: auth URL, consent at the simulator, back with auth_code, the payer id shown with the verified sign', async () => {
    const { page, consoleErrors } = await watchedPage();
    try {
      await page.goto(`${demo.gw.baseUrl}/`);
      await page.click('#ali-get-url');
      await page.waitForSelector('#go-alipay:not(.hidden)');
      expect(JSON.parse((await page.textContent('#ali-auth-request'))!)).toMatchObject({
        mchNo: 'M1000000001',
        url: `${demo.gw.baseUrl}/`,
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(await page.getAttribute('#go-alipay', 'href')).toContain(`${demo.alipay.openAuthBase}`);
      // auth_base is silent at Alipay (no consent screen): the simulator redirects straight back with auth_code.
      await page.click('#go-alipay');
      await page.waitForSelector('#ali.done');
      const openId = AlipaySimulator.openIdFor(DEMO_ALIPAY_APP_ID, 'demo-user');
      expect(await page.textContent('#ali-id')).toBe(openId);
      const answer = JSON.parse((await page.textContent('#ali-token-response'))!);
      expect(answer).toMatchObject({
        openId,
        signVerified: true,
        signType: 'HMAC_SHA256',
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      // The auth_code is masked on the page and gone from the address bar.
      expect(JSON.parse((await page.textContent('#ali-token-request'))!).authCode).toMatch(/^.{4}….{4}$/);
      expect(page.url()).toBe(`${demo.gw.baseUrl}/`);
      expect(await page.content()).not.toContain(`key=${DEMO_SECRET}`);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an auth_code Alipay refuses is labelled "Alipay refused" with the sub_code, not as WeChat\'s refusal', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${demo.gw.baseUrl}/`);
      // A code Alipay does not know, coming back with the state this page sent.
      await page.evaluate("sessionStorage.setItem('unipay-demo-ali-state', 'ali-x')");
      await page.goto(`${demo.gw.baseUrl}/?auth_code=not-a-real-code&state=ali-x`);
      await page.waitForSelector('#ali.failed');
      expect(await page.textContent('#ali-error')).toMatch(
        /^Alipay refused: the Alipay auth code is invalid, expired or already used \(Alipay isv\.code-invalid, code 40002\) \(traceId [A-Za-z0-9]{12}\)$/,
      );
    } finally {
      await page.close();
    }
  });

  it('mini program: the server gets a wx.login code from the simulator, the relay exchanges it, the openId is shown', async () => {
    const { page, consoleErrors } = await watchedPage();
    try {
      await page.goto(`${demo.gw.baseUrl}/`);
      await page.click('#mini-login');
      await page.waitForSelector('#mini.done');
      const openId = WechatSimulator.openIdFor(DEMO_MINI_PROGRAM.appId, 'demo-user');
      expect(await page.textContent('#mini-openid')).toBe(openId);
      expect(JSON.parse((await page.textContent('#mini-response'))!)).toMatchObject({
        openId,
        signVerified: true,
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const sent = JSON.parse((await page.textContent('#mini-request'))!);
      expect(sent).toMatchObject({ mchNo: 'M1000000001', sign: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(sent.code).toMatch(/^.{4}….{4}$/);
      expect(consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
