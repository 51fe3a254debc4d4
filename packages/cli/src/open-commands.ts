import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DaxPayOpenClient } from '@unipay-assist/client';

interface OpenOptions {
  server: string;
  mchNo: string;
  appId?: string;
  privateKeyFile: string;
  platformPublicKeyFile: string;
  openPrefix?: string;
  timeout: number;
}

type Out = (text: string) => void;

/**
 * The DaxPay Open commands: the merchant signs with its RSA private key and
 * verifies the gateway's answers with the platform's public key (files, so no
 * key shows in ps or shell history), through the client SDK's DaxPayOpenClient.
 */
export function addOpenCommands(program: Command, out: Out): void {
  withOpenOptions(
    program
      .command('open-ping')
      .description('DaxPay Open signed ping: {"mchNo", "appId", "appFromDefault", "serverSignStr", "reqId"}'),
  ).action(async (opts: OpenOptions) => {
    out(`${JSON.stringify(await openClient(opts).ping())}\n`);
  });

  withOpenOptions(
    program
      .command('open-auth-url')
      .description('DaxPay Open generate-auth-url: {"authUrl", "queryCode", "authToken"}')
      .addOption(new Option('--channel <channel>', 'wechat or alipay').choices(['wechat', 'alipay']).default('wechat'))
      .option('--return-path <path>', 'echoed back in the auth result'),
  ).action(async (opts: OpenOptions & { channel: string; returnPath?: string }) => {
    const { authUrl, queryCode, authToken } = await openClient(opts).generateAuthUrl({
      channel: opts.channel,
      returnPath: opts.returnPath,
    });
    out(`${JSON.stringify({ authUrl, queryCode, authToken })}\n`);
  });

  withOpenOptions(
    program
      .command('open-auth')
      .description(
        'DaxPay Open auth: the status of an authorization, by --query-code or --auth-token: {"status", "openId"?}',
      )
      .addOption(new Option('--channel <channel>', 'wechat or alipay').choices(['wechat', 'alipay']).default('wechat'))
      .option('--query-code <queryCode>', 'from open-auth-url')
      .option('--auth-token <authToken>', 'from open-auth-url'),
  ).action(async (opts: OpenOptions & { channel: string; queryCode?: string; authToken?: string }) => {
    const { status, openId, userId, returnPath } = await openClient(opts).auth({
      channel: opts.channel,
      queryCode: opts.queryCode,
      authToken: opts.authToken,
    });
    out(`${JSON.stringify({ status, openId, userId, returnPath })}\n`);
  });

  withOpenOptions(
    program
      .command('open-openid-link')
      .description('DaxPay Open get-openid: print the signed link to send the payer\'s browser to: {"url"}')
      .addOption(new Option('--auth-type <type>', 'wechat or alipay').choices(['wechat', 'alipay']).default('wechat'))
      .option('--wx-app-id <appId>', "the merchant's WeChat app (required for wechat)")
      .requiredOption('--redirect-url <url>', 'where the payer comes back with code, msg, openid and sign'),
  ).action((opts: OpenOptions & { authType: string; wxAppId?: string; redirectUrl: string }) => {
    out(
      `${JSON.stringify({ url: openClient(opts).openIdLink({ authType: opts.authType, wxAppId: opts.wxAppId, redirectUrl: opts.redirectUrl }) })}\n`,
    );
  });
}

function withOpenOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--server <url>', "the gateway's base URL, e.g. http://127.0.0.1:9000")
        .env('UNIPAY_ASSIST_SERVER')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--mch-no <mchNo>', 'DaxPay Open merchant number').env('UNIPAY_ASSIST_MCH_NO').makeOptionMandatory(),
    )
    .addOption(new Option('--app-id <appId>', "the merchant's application id").env('UNIPAY_ASSIST_APP_ID'))
    .addOption(
      new Option('--private-key-file <path>', "the merchant's RSA private key (PEM)")
        .env('UNIPAY_ASSIST_PRIVATE_KEY_FILE')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--platform-public-key-file <path>', "the gateway platform's RSA public key (PEM)")
        .env('UNIPAY_ASSIST_PLATFORM_PUBLIC_KEY_FILE')
        .makeOptionMandatory(),
    )
    .option(
      '--open-prefix <prefix>',
      "the gateway's prefix before DaxPay Open's paths (its openRoutePrefix); default none",
    )
    .option('--timeout <ms>', 'per-request timeout in ms', positiveInt, 10_000);
}

function openClient(opts: OpenOptions): DaxPayOpenClient {
  return new DaxPayOpenClient({
    baseUrl: opts.server,
    mchNo: opts.mchNo,
    appId: opts.appId,
    privateKey: readKey(opts.privateKeyFile, '--private-key-file'),
    platformPublicKey: readKey(opts.platformPublicKeyFile, '--platform-public-key-file'),
    routePrefix: opts.openPrefix,
    timeoutMs: opts.timeout,
  });
}

function readKey(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(
      `${option} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'} ${path}`,
    );
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}
