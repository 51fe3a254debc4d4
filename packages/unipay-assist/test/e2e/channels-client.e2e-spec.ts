import { runCli, CLI_EXIT } from '../../../cli/src/cli.program';
import { AssistBusinessError } from '../../../client/src/assist-business.error';
import { UnipayAssistClient } from '../../../client/src/unipay-assist.client';
import { AlipaySimulator } from '../../../simulator/src/alipay-simulator';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import {
  authCodeFrom,
  DEMO_ALIPAY_APP_ID,
  DEMO_MINI_PROGRAM,
  useChannelsGateway,
} from '../../../../test/support/channels-gateway';
import { ADAPTERS, DEMO_SECRET } from '../../../../test/support/gateway';

describe.each(ADAPTERS)('client SDK and CLI on the Alipay and mini program routes over %s', (adapter) => {
  const f = useChannelsGateway(adapter, { alipayIds: 'user_id' });
  const client = () => new UnipayAssistClient({ baseUrl: f.gw.baseUrl, signSecret: DEMO_SECRET });

  it('getAlipayAuthUrl, then getAlipayUserId with the answer verified', async () => {
    const { url } = await client().getAlipayAuthUrl({
      url: 'http://localhost:3000/pay',
      state: 'cli-1',
      scope: 'auth_user',
    });
    expect(url).toContain('scope=auth_user');
    const result = await client().getAlipayUserId({ authCode: await authCodeFrom(`${url}&sim_consent=allow`) });
    expect(result).toEqual({
      userId: AlipaySimulator.userIdFor('demo-user'),
      traceId: expect.any(String),
      resTime: expect.any(Number),
      sign: expect.any(String),
    });
  });

  it('an Alipay refusal is an AssistBusinessError naming the sub_code', async () => {
    const err = await client()
      .getAlipayUserId({ authCode: 'never-issued' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssistBusinessError);
    expect((err as Error).message).toContain('isv.code-invalid');
    // Named as Alipay's refusal, not WeChat's.
    expect(err).toMatchObject({ channel: 'Alipay', wxErrcode: undefined });
    expect((err as Error).message).toMatch(/^Alipay refused: /);
  });

  it('getWxMiniOpenId', async () => {
    const code = f.wechat.miniProgram.issueLoginCode(DEMO_MINI_PROGRAM.appId, 'sdk-payer');
    expect((await client().getWxMiniOpenId({ code })).openId).toBe(
      WechatSimulator.openIdFor(DEMO_MINI_PROGRAM.appId, 'sdk-payer'),
    );
  });

  it('the CLI: alipay-auth-url, alipay-user-id, mini-open-id (JSON out, exit codes)', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };
    const common = ['--server', f.gw.baseUrl, '--secret', DEMO_SECRET];
    expect(await runCli(['alipay-auth-url', '--url', 'http://localhost:3000/pay', ...common], io)).toBe(CLI_EXIT.OK);
    const { url } = JSON.parse(out.pop()!) as { url: string };
    expect(url).toContain(`app_id=${DEMO_ALIPAY_APP_ID}`);
    expect(await runCli(['alipay-user-id', '--auth-code', await authCodeFrom(url), ...common], io)).toBe(CLI_EXIT.OK);
    expect(JSON.parse(out.pop()!)).toEqual({ userId: AlipaySimulator.userIdFor('demo-user') });
    const code = f.wechat.miniProgram.issueLoginCode(DEMO_MINI_PROGRAM.appId, 'cli-payer');
    expect(await runCli(['mini-open-id', '--code', code, ...common], io)).toBe(CLI_EXIT.OK);
    expect(JSON.parse(out.pop()!)).toEqual({ openId: WechatSimulator.openIdFor(DEMO_MINI_PROGRAM.appId, 'cli-payer') });
    expect(await runCli(['mini-open-id', '--code', 'never-issued', ...common], io)).toBe(CLI_EXIT.WECHAT);
    expect(out.pop()).toContain('40029');
    // Alipay's refusal is exit 3 too (CHANNEL_REFUSED, the same number as WECHAT), named as Alipay's.
    expect(CLI_EXIT.CHANNEL_REFUSED).toBe(3);
    expect(await runCli(['alipay-user-id', '--auth-code', 'never-issued-auth-code', ...common], io)).toBe(
      CLI_EXIT.CHANNEL_REFUSED,
    );
    expect(out.pop()).toMatch(
      /^error business: Alipay refused: .*\(Alipay isv\.code-invalid, code 40002\) \(traceId [A-Za-z0-9]{12}\)\n?$/,
    );
  });
});
