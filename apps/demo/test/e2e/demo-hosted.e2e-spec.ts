import { resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { toDataURL } from 'qrcode';
import { DEMO_WECHAT_APP } from '../../src/demo-merchant';
import { WechatSimulator } from '../../../../packages/simulator/src/wechat-simulator';
import { useChannelAuthGateway, WECHAT_UA } from '../../../../test/support/channel-auth-gateway';
import { ADAPTERS, DEMO_SECRET } from '../../../../test/support/gateway';

// Debian's chromium package (.ci/run installs it when missing).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// DEMO_SCREENSHOT=1 npx jest test/e2e/demo-hosted.e2e-spec.ts rewrites docs/hosted-*.png (Express run).
const DOCS = resolve(__dirname, '..', '..', '..', '..', 'docs');
const OPENID = WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'demo-user');

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

/** Every URL a page went to or asked for, and every console or HTTP error it saw. */
function watch(page: Page): { urls: string[]; errors: string[] } {
  const seen = { urls: [] as string[], errors: [] as string[] };
  page.on('request', (r) => seen.urls.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && seen.errors.push(m.text()));
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('response', (r) => r.status() >= 400 && seen.errors.push(`${r.status()} ${r.url()}`));
  return seen;
}

describe.each(ADAPTERS)('hosted-authorization demo page over %s, in Chromium', (adapter) => {
  const gw = useChannelAuthGateway(adapter);
  const shot = (name: string): string | undefined =>
    adapter === 'express' && process.env.DEMO_SCREENSHOT === '1' ? resolve(DOCS, name) : undefined;
  let phone: BrowserContext;
  beforeEach(async () => {
    // The payer's phone: WeChat's in-app browser (its User-Agent), a phone screen.
    phone = await browser.newContext({ userAgent: WECHAT_UA, viewport: { width: 390, height: 760 } });
  });
  afterEach(() => phone.close());

  it('QR scan: the PC page shows the QR code of the authorize URL, the phone consents, the PC page shows the openId', async () => {
    const started = Date.now();
    const pc = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
    const pcSeen = watch(pc);
    try {
      const res = await pc.goto(`${gw.baseUrl}/hosted`);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'sha256-");
      await pc.click('#start-qr');
      await pc.waitForSelector('#qr-box:not(.hidden)');
      const authUrl = (await pc.getAttribute('#scan', 'href'))!;
      expect(new URL(authUrl.split('#')[0]).searchParams.get('redirect_uri')).toBe(
        `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat`,
      );
      // The image is the QR code of exactly that URL (drawn again here with the same library and settings).
      expect(await pc.getAttribute('#qr', 'src')).toBe(
        await toDataURL(authUrl, { errorCorrectionLevel: 'M', margin: 1, width: 232 }),
      );
      expect(await pc.$eval('#qr', (img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(232);
      expect(await pc.textContent('#status')).toBe('waiting');

      // "Scanning": the phone opens the authorize URL, WeChat's (the simulator's) consent page, Allow.
      const mobile = await phone.newPage();
      const phoneSeen = watch(mobile);
      await mobile.goto(authUrl);
      await mobile.waitForSelector('#sim-allow');
      await Promise.all([
        mobile.waitForURL(`${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?**`),
        mobile.click('#sim-allow'),
      ]);
      expect(await mobile.textContent('#auth-title')).toBe('Authorization complete');
      expect(await mobile.textContent('#auth-message')).toContain('return to the payment page on your computer');
      await mobile.screenshot({ path: shot('hosted-phone-done.png') });

      // The PC page, polling, gets the result.
      await pc.waitForSelector('#step-result.done');
      expect(await pc.textContent('#hosted-openid')).toBe(OPENID);
      const answer = JSON.parse((await pc.textContent('#result-response'))!);
      expect(answer).toMatchObject({
        code: 0,
        status: 'success',
        openId: OPENID,
        signVerified: true,
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(answer.accessToken).toMatch(/^SIM_….{4}$/);
      const html = await pc.content();
      expect(html).not.toContain(`key=${DEMO_SECRET}`);
      expect(html).not.toMatch(/SIM_AT_[A-Za-z0-9_-]{8}/);
      for (const url of [...pcSeen.urls, ...phoneSeen.urls]) expect(url).not.toContain(OPENID);
      expect([...pcSeen.errors, ...phoneSeen.errors]).toEqual([]);
      const png = await pc.screenshot({ fullPage: true, path: shot('hosted-qr.png') });
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      process.stdout.write(
        `[figures] ${adapter} QR flow: 2 pages, 4 steps (start, scan, allow, poll), ${Date.now() - started} ms\n`,
      );
    } finally {
      await pc.close();
    }
  });

  it('redirect-back: inside WeChat the signed jump link goes to WeChat and back with only queryCode and extParam; the page shows the openId', async () => {
    const started = Date.now();
    const page = await phone.newPage();
    const seen = watch(page);
    await page.goto(`${gw.baseUrl}/hosted`);
    await page.click('#start-jump');
    await page.waitForSelector('#jump-link:not(.hidden)');
    const link = (await page.getAttribute('#jump-link', 'href'))!;
    expect(link.startsWith(`${gw.baseUrl}/unipay/assist/channel/auth/jump?`)).toBe(true);
    await page.click('#jump-link');
    await page.waitForSelector('#sim-allow');
    await Promise.all([page.waitForURL(`${gw.baseUrl}/hosted?**`), page.click('#sim-allow')]);
    await page.waitForSelector('#step-result.done');
    expect(await page.textContent('#hosted-openid')).toBe(OPENID);
    expect(await page.textContent('#returned')).toMatch(
      /^Returned with queryCode [a-z2-7]{26} and extParam demo-[0-9a-f]{6} \(nothing else in the URL\)\.$/,
    );
    // Out of the address bar afterwards; and no URL on the way ever held the openId or a token.
    expect(page.url()).toBe(`${gw.baseUrl}/hosted`);
    const back = seen.urls.find((u) => u.startsWith(`${gw.baseUrl}/hosted?`))!;
    expect([...new URL(back).searchParams.keys()].sort()).toEqual(['extParam', 'queryCode']);
    for (const url of seen.urls) {
      expect(url).not.toContain(OPENID);
      expect(url).not.toContain('SIM_AT_');
    }
    expect(seen.errors).toEqual([]);
    await page.screenshot({ fullPage: true, path: shot('hosted-redirect-back.png') });
    process.stdout.write(
      `[figures] ${adapter} redirect-back flow: 1 page, 4 steps (link, jump, allow, return), ${Date.now() - started} ms\n`,
    );
  });

  it('outside WeChat the jump link shows a page saying to open it in WeChat', async () => {
    const pc = await browser.newPage({ viewport: { width: 900, height: 600 } });
    try {
      await pc.goto(`${gw.baseUrl}/hosted`);
      await pc.click('#start-jump');
      await pc.waitForSelector('#jump-link:not(.hidden)');
      const link = (await pc.getAttribute('#jump-link', 'href'))!;
      await pc.click('#jump-link');
      await pc.waitForSelector('#auth-title');
      expect(await pc.textContent('#auth-title')).toBe('Open this page in WeChat');
      expect(await pc.getAttribute('#auth-link', 'href')).toBe(link);
      await pc.screenshot({ path: shot('hosted-open-in-wechat.png') });
    } finally {
      await pc.close();
    }
  });
});
