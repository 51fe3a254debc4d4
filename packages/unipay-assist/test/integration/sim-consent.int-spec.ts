import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';

describe('simulator consent screen', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
  });
  afterAll(() => sim.close());

  const authorize = (extra = ''): string =>
    `${sim.baseUrl}/connect/oauth2/authorize?appid=${DEMO_WECHAT_APP.appId}` +
    `&redirect_uri=${encodeURIComponent('http://127.0.0.1:9000/?x=1')}&response_type=code&scope=snsapi_base&state=s%22t${extra}#wechat_redirect`;

  it('a script (Accept */*) still gets the plain 302 with code and state', async () => {
    const res = await fetch(authorize(), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(to.searchParams.get('state')).toBe('s"t');
    expect(to.searchParams.get('x')).toBe('1');
  });

  it('a browser gets the consent page first and no code is issued until Allow', async () => {
    const before = sim.simulator.authorizations;
    const res = await fetch(authorize('&sim_user=<b>'), {
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('id="sim-allow"');
    expect(html).toContain(DEMO_WECHAT_APP.appId);
    expect(html).toContain('127.0.0.1:9000');
    // Every echoed value is escaped.
    expect(html).toContain('value="s&#34;t"');
    expect(html).toContain('value="&#60;b&#62;"');
    expect(html).not.toContain('<b>"');
    expect(sim.simulator.authorizations).toBe(before);
  });

  it('sim_consent=1 shows it to a script too; allow issues the code for the chosen user; deny returns state only', async () => {
    expect((await fetch(authorize('&sim_consent=1'), { redirect: 'manual' })).status).toBe(200);

    const allowed = await fetch(authorize('&sim_consent=allow&sim_user=alice'), {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    expect(allowed.status).toBe(302);
    const code = new URL(allowed.headers.get('location')!).searchParams.get('code')!;
    const token = await fetch(
      `${sim.baseUrl}/sns/oauth2/access_token?appid=${DEMO_WECHAT_APP.appId}&secret=${DEMO_WECHAT_APP.appSecret}&code=${code}&grant_type=authorization_code`,
    ).then((r) => r.json() as Promise<{ openid: string }>);
    expect(token.openid).toBe(WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'alice'));

    const denied = await fetch(authorize('&sim_consent=deny'), {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    expect(denied.status).toBe(302);
    const back = new URL(denied.headers.get('location')!);
    expect(back.searchParams.has('code')).toBe(false);
    expect(back.searchParams.get('state')).toBe('s"t');
  });
});
