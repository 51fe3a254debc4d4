import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import {
  authorizeAt,
  getPage,
  postChannelAuth,
  useChannelAuthGateway,
  WECHAT_UA,
} from '../../../../test/support/channel-auth-gateway';
import { ADAPTERS, signedBody } from '../../../../test/support/gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';

const openIdOf = (user: string): string => WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, user);
const RETURN = 'http://127.0.0.1:3000/pay/return?order=B1';

/** The browser's side of the binding: the cookie the jump set, as the browser sends it back. */
function cookieOf(headers: Headers): string {
  const set = headers.get('set-cookie');
  if (!set) throw new Error('no cookie set');
  return set.split(';')[0];
}

/**
 * The redirect-back flow lands with a queryCode only in the browser that
 * opened the jump: the jump sets a cookie bound to the flow's state, the
 * callback requires it, and a finished flow is never re-entered by a link.
 */
describe.each(ADAPTERS)('the redirect-back flow is bound to its browser, over %s', (adapter) => {
  describe.each([
    ['memory', {}],
    ['redis', { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix('jumpbind') }],
  ] as const)('flows in %s', (_store, override) => {
    const gw = useChannelAuthGateway(adapter, { override });
    const sim = () => gw.sim.simulator;

    function jumpUrl(extParam: string): string {
      const signed = signedBody({ authType: 'wechat', redirectUrl: RETURN, extParam });
      const q = new URLSearchParams(Object.entries(signed).map(([k, v]): [string, string] => [k, String(v)]));
      return `${gw.baseUrl}/unipay/assist/channel/auth/jump?${q.toString()}`;
    }
    const hasQueryCode = (p: { location: string | null; text: string }) =>
      (p.location ?? '').includes('queryCode') || p.text.includes('queryCode');

    it('the jump sets an HttpOnly, SameSite=Lax cookie scoped to the channel-auth routes', async () => {
      const jump = await getPage(jumpUrl('cookie'), { 'user-agent': WECHAT_UA });
      expect(jump.status).toBe(302);
      const set = jump.headers.get('set-cookie')!;
      expect(set).toMatch(/^unipay_assist_flow=[a-z2-7]{26}; /);
      expect(set).toContain('; HttpOnly');
      expect(set).toContain('; SameSite=Lax');
      expect(set).toContain('; Path=/unipay/assist/channel/auth');
      expect(set).toMatch(/; Max-Age=\d+/);
    });

    it("account takeover: the victim completes the attacker's link; the attacker re-opening it gets a page and no queryCode", async () => {
      const link = jumpUrl('attacker-session');
      const victimJump = await getPage(link, { 'user-agent': WECHAT_UA });
      const victim = cookieOf(victimJump.headers);
      const back = await getPage(await authorizeAt(victimJump.location!, { user: 'victim' }), { cookie: victim });
      expect(back.status).toBe(302);
      const queryCode = new URL(back.location!).searchParams.get('queryCode')!;
      expect(queryCode).toMatch(/^[a-z2-7]{26}$/);

      const before = sim().exchanges;
      const attacker = await getPage(link, { 'user-agent': WECHAT_UA });
      expect(attacker.status).toBeGreaterThanOrEqual(400);
      expect(attacker.headers.get('content-type')).toMatch(/^text\/html/);
      expect(hasQueryCode(attacker)).toBe(false);
      expect(attacker.text).not.toContain(queryCode);
      // The victim's own re-open of a finished flow: a clear page, no queryCode either.
      const reopened = await getPage(link, { 'user-agent': WECHAT_UA, cookie: victim });
      expect(reopened.status).toBe(200);
      expect(reopened.location).toBeNull();
      expect(reopened.text).not.toContain(queryCode);
      expect(reopened.text).toContain('already finished');
      expect(sim().exchanges).toBe(before);
      // The merchant still reads the result it was sent to.
      const read = await postChannelAuth(gw.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', queryCode }));
      expect(read.json.data).toMatchObject({ status: 'success', openId: openIdOf('victim') });
    });

    it("login CSRF: the attacker's callback (his code, the flow's state) opened in the victim's browser: a page, no queryCode, no exchange", async () => {
      const attackerJump = await getPage(jumpUrl('csrf'), { 'user-agent': WECHAT_UA });
      const attacker = cookieOf(attackerJump.headers);
      const callback = await authorizeAt(attackerJump.location!, { user: 'attacker' });
      const before = sim().exchanges;
      for (const cookie of [undefined, 'unipay_assist_flow=abcdefghijklmnopqrstuvwxyz', 'other=1']) {
        const landed = await getPage(callback, cookie ? { cookie } : {});
        expect(landed.status).toBe(403);
        expect(landed.location).toBeNull();
        expect(hasQueryCode(landed)).toBe(false);
        expect(landed.text).toContain('opened in another browser');
      }
      expect(sim().exchanges).toBe(before);
      // The browser that opened the jump still completes it.
      const own = await getPage(callback, { cookie: attacker });
      expect(own.status).toBe(302);
      expect(new URL(own.location!).searchParams.get('extParam')).toBe('csrf');
    });

    it("a second browser opening the same link gets a page, not the first browser's flow; a reload in the first resumes it", async () => {
      const link = jumpUrl('two-browsers');
      const first = await getPage(link, { 'user-agent': WECHAT_UA });
      const cookie = cookieOf(first.headers);
      const reload = await getPage(link, { 'user-agent': WECHAT_UA, cookie });
      expect(reload.location).toBe(first.location);
      const second = await getPage(link, { 'user-agent': WECHAT_UA });
      expect(second.status).toBe(403);
      expect(second.location).toBeNull();
      expect(second.text).not.toContain(new URL(first.location!.split('#')[0]).searchParams.get('state')!);
    });

    it('the QR flow still completes on another device with no cookie at all (its poll is server to server)', async () => {
      const started = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }));
      const page = await getPage(await authorizeAt(started.json.data.authUrl, { user: 'phone' }));
      expect(page.text).toContain('Authorization complete');
      expect(page.headers.get('set-cookie')).toBeNull();
      const read = await postChannelAuth(
        gw.baseUrl,
        'auth',
        signedBody({ channel: 'wechat_pay', queryCode: started.json.data.queryCode }),
      );
      expect(read.json.data).toMatchObject({ status: 'success', openId: openIdOf('phone') });
    });
  });
});
