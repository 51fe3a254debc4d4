import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLI_EXIT, describeError, runCli } from '../../src/cli.program';
import {
  AssistBusinessError,
  AssistEnvelopeError,
  AssistNetworkError,
  AssistSignatureError,
} from '../../../client/src';

function capture(): { io: { out(t: string): void; err(t: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

describe('cli program', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8'));
    const c = capture();
    await expect(runCli(['--version'], c.io)).resolves.toBe(0);
    expect(c.out.join('')).toBe(`${version}\n`);
  });

  it('an unknown command is a usage error on stderr', async () => {
    const c = capture();
    await expect(runCli(['get-token'], c.io)).resolves.toBe(CLI_EXIT.USAGE);
    expect(c.err.join('')).toContain("unknown command 'get-token'");
    expect(c.out).toEqual([]);
  });

  it('a non-numeric --timeout is refused before any request', async () => {
    const c = capture();
    await expect(
      runCli(
        ['auth-url', '--server', 'http://127.0.0.1:9', '--secret', 's', '--url', 'http://a/', '--timeout', 'soon'],
        c.io,
      ),
    ).resolves.toBe(1);
    expect(c.err.join('')).toContain('must be a positive integer');
  });

  it.each([
    [
      new AssistEnvelopeError(20052, 'signature verification failed (MD5)', 'T1'),
      /^error 20052: the server rejected the signature: check the sign secret and sign type: signature verification failed \(MD5\) \(traceId T1\)$/,
    ],
    [
      new AssistBusinessError('the OAuth code has expired (WeChat errcode 42003)', 42003, 'T2'),
      /^error WeChat 42003: WeChat refused: the OAuth code has expired \(WeChat errcode 42003\) \(traceId T2\)$/,
    ],
    [
      new AssistBusinessError(
        'the Alipay auth code is invalid, expired or already used (Alipay isv.code-invalid, code 40002)',
        undefined,
        'T4',
        'Alipay',
      ),
      /^error business: Alipay refused: the Alipay auth code is invalid, expired or already used \(Alipay isv\.code-invalid, code 40002\) \(traceId T4\)$/,
    ],
    [new AssistSignatureError('mismatch', 'T3'), /^error response-sign: the server answer sign does not verify/],
    [
      new AssistNetworkError('timeout', 'no answer from http://x within 5 ms'),
      /^error timeout: no answer from http:\/\/x within 5 ms$/,
    ],
  ])('describes %p in one line with its code', (err, pattern) => {
    expect(describeError(err)).toMatch(pattern);
  });
});
