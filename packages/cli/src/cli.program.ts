import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AssistBusinessError } from '@unipay-assist/client';
import { AssistClientError } from '@unipay-assist/client';
import { AssistEnvelopeError } from '@unipay-assist/client';
import { AssistNetworkError } from '@unipay-assist/client';
import { AssistSignatureError } from '@unipay-assist/client';
import { mask as maskToken } from '@unipay-assist/wire';
import { UnipayAssistClient } from '@unipay-assist/client';
import { AlipayScope, WxScope } from '@unipay-assist/client';
import { parseSignType, SignType } from '@unipay-assist/wire';
import { addOpenCommands } from './open-commands';

/** Exit codes, so scripts can tell failures apart. Usage errors exit 1 (commander's). */
export const CLI_EXIT = {
  OK: 0,
  USAGE: 1,
  /** The relay refused the request (envelope code: 10006, 20052, ...). */
  REFUSED: 2,
  /** The channel (WeChat or Alipay) refused (business failure, data.code 1). */
  CHANNEL_REFUSED: 3,
  /** The old name of CHANNEL_REFUSED, from before Alipay: the same 3. */
  WECHAT: 3,
  /** The answer's sign did not verify. */
  BAD_ANSWER_SIGN: 4,
  /** The relay was unreachable, timed out, or did not answer with its envelope. */
  NETWORK: 5,
  /** `doctor` found something wrong (a FAIL row, or settings it could not read). */
  DOCTOR_FAILED: 6,
} as const;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

interface CommonOptions {
  server: string;
  secret: string;
  signType: SignType;
  mchNo?: string;
  appId?: string;
  routePrefix: string;
  timeout: number;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * `unipay-assist`: the relay's two calls from a shell, through the client
 * SDK (so answers are verified). JSON on stdout, errors on stderr.
 */
export function buildProgram(io: CliIo = processIo, setExit: (code: number) => void = () => undefined): Command {
  const program = new Command('unipay-assist')
    .description(
      'Call a unipay assist relay (DaxPay wire-compatible): build a WeChat authorize URL, exchange an OAuth code for an openId.',
    )
    .version(packageVersion(), '-V, --version')
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError('(add --help for usage)')
    // Settings set here are copied into each subcommand.
    .exitOverride();

  const authUrl = program
    .command('auth-url')
    .description('print the WeChat authorize URL to send the user to: {"url": "..."}')
    .requiredOption('--url <url>', 'absolute http(s) URL WeChat redirects back to, with code and state')
    .option('--state <state>', 'opaque value WeChat hands back (tie it to the user session)')
    .addOption(
      new Option('--scope <scope>', 'OAuth scope (default: snsapi_base)').choices(['snsapi_base', 'snsapi_userinfo']),
    );
  withCommonOptions(authUrl).action(async (opts: CommonOptions & { url: string; state?: string; scope?: WxScope }) => {
    const result = await clientFor(opts).getWxAuthUrl({ url: opts.url, state: opts.state, scope: opts.scope });
    io.out(`${JSON.stringify({ url: result.url })}\n`);
  });

  const accessToken = program
    .command('access-token')
    .description('exchange the OAuth code for the user\'s openId: {"openId": "...", "accessToken": "..."}')
    .requiredOption('--code <code>', 'the code WeChat appended to the redirect URL (single-use, 5 minutes)')
    .option('--show-token', 'print the access token in clear (masked by default)', false);
  withCommonOptions(accessToken).action(async (opts: CommonOptions & { code: string; showToken: boolean }) => {
    const result = await clientFor(opts).getWxAccessToken({ code: opts.code });
    const accessToken = opts.showToken ? result.accessToken : maskToken(result.accessToken);
    io.out(`${JSON.stringify({ openId: result.openId, accessToken })}\n`);
  });

  const alipayAuthUrl = program
    .command('alipay-auth-url')
    .description('print Alipay\'s authorize URL to send the payer to: {"url": "..."}')
    .requiredOption('--url <url>', 'absolute http(s) URL Alipay redirects back to, with auth_code and state')
    .option('--state <state>', 'opaque value Alipay hands back (at most 100 printable ASCII characters)')
    .addOption(
      new Option('--scope <scope>', "Alipay scope (default: the merchant's, auth_base)").choices([
        'auth_base',
        'auth_user',
      ]),
    );
  withCommonOptions(alipayAuthUrl).action(
    async (opts: CommonOptions & { url: string; state?: string; scope?: AlipayScope }) => {
      const result = await clientFor(opts).getAlipayAuthUrl({ url: opts.url, state: opts.state, scope: opts.scope });
      io.out(`${JSON.stringify({ url: result.url })}\n`);
    },
  );

  const alipayUserId = program
    .command('alipay-user-id')
    .description('exchange Alipay\'s auth_code for the payer\'s ids: {"userId"?: "...", "openId"?: "..."}')
    .requiredOption('--auth-code <code>', 'the auth_code Alipay appended to the redirect URL (single-use)');
  withCommonOptions(alipayUserId).action(async (opts: CommonOptions & { authCode: string }) => {
    const { userId, openId } = await clientFor(opts).getAlipayUserId({ authCode: opts.authCode });
    io.out(`${JSON.stringify({ userId, openId })}\n`);
  });

  const miniOpenId = program
    .command('mini-open-id')
    .description('exchange a mini program\'s wx.login code for the payer\'s openId: {"openId": "..."}')
    .requiredOption('--code <code>', 'the code wx.login gave the mini program (single-use, 5 minutes)');
  withCommonOptions(miniOpenId).action(async (opts: CommonOptions & { code: string }) => {
    const result = await clientFor(opts).getWxMiniOpenId({ code: opts.code });
    io.out(`${JSON.stringify({ openId: result.openId })}\n`);
  });

  program
    .command('doctor')
    .description(
      'check the merchants and settings the relay would start with, without touching a real payer: secrets and keys, redirect hosts, ' +
        'each WeChat and Alipay app (probed with a deliberately invalid code), Redis and its topology; one row per merchant and check',
    )
    .addOption(new Option('--merchants-file <path>', 'JSON or YAML merchants file').env('ASSIST_MERCHANTS_FILE'))
    .addOption(new Option('--wechat-api-base <url>', "WeChat's API base (default WeChat's own)").env('WECHAT_API_BASE'))
    .addOption(new Option('--alipay-gateway <url>', "Alipay's gateway.do (default Alipay's own)").env('ALIPAY_GATEWAY'))
    .option('--no-probes', 'skip the WeChat and Alipay probes (local checks and Redis only)')
    .option('--json', 'print the report as JSON instead of a table', false)
    .option('--timeout <ms>', 'per probe and for Redis, in ms', positiveInt, 5000)
    .action(
      async (opts: {
        merchantsFile?: string;
        wechatApiBase?: string;
        alipayGateway?: string;
        probes: boolean;
        json: boolean;
        timeout: number;
      }) => {
        // Loaded only for this command: the other commands stay free of the relay's modules.
        const { doctorFromEnvironment } = await import('./doctor.command');
        setExit(await doctorFromEnvironment(opts, process.env, io));
      },
    );

  addOpenCommands(program, (text) => io.out(text));

  program.hook('postAction', (_program, action) => {
    if (action.name() !== 'doctor') setExit(CLI_EXIT.OK);
  });
  return program;
}

/** Runs the CLI and resolves with the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = CLI_EXIT.OK;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // help (0) or usage (1), already printed
    io.err(`${describeError(err)}\n`);
    return exitCodeFor(err);
  }
}

function withCommonOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--server <url>', "the gateway's base URL, e.g. http://127.0.0.1:9000")
        .env('UNIPAY_ASSIST_SERVER')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--secret <secret>',
        "the merchant's sign secret (prefer the env variable: a flag shows in ps and shell history)",
      )
        .env('UNIPAY_ASSIST_SECRET')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--sign-type <type>', 'MD5, HMAC_SHA256 or SM3')
        .env('UNIPAY_ASSIST_SIGN_TYPE')
        .default('HMAC_SHA256')
        .argParser(signTypeArg),
    )
    .addOption(
      new Option('--mch-no <mchNo>', 'DaxPay merchant number (default: the gateway default merchant)').env(
        'UNIPAY_ASSIST_MCH_NO',
      ),
    )
    .addOption(new Option('--app-id <appId>', 'DaxPay 3.x merchant application id').env('UNIPAY_ASSIST_APP_ID'))
    .option('--route-prefix <prefix>', "the relay's route prefix", 'unipay/assist')
    .option('--timeout <ms>', 'per-request timeout in ms', positiveInt, 10_000);
}

function clientFor(opts: CommonOptions): UnipayAssistClient {
  return new UnipayAssistClient({
    baseUrl: opts.server,
    signSecret: opts.secret,
    signType: opts.signType,
    mchNo: opts.mchNo,
    appId: opts.appId,
    routePrefix: opts.routePrefix,
    timeoutMs: opts.timeout,
  });
}

/** The version of the package this file ships in: the nearest package.json named @unipay-assist/cli. */
function packageVersion(): string {
  // The bin is CommonJS; an ES module build of this file has no __dirname and says 'unknown'.
  if (typeof __dirname !== 'string') return 'unknown';
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@unipay-assist/cli' && pkg.version) return pkg.version;
    } catch {
      // no or unreadable package.json here: look further up
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

function signTypeArg(value: string): SignType {
  const parsed = parseSignType(value);
  if (!parsed) throw new InvalidArgumentError('must be MD5, HMAC_SHA256 or SM3.');
  return parsed;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

/** One line for stderr: what failed, its code, the server's reason and traceId. Never the secret or the code. */
export function describeError(err: unknown): string {
  const trace = err instanceof AssistClientError && err.traceId ? ` (traceId ${err.traceId})` : '';
  if (err instanceof AssistEnvelopeError) return `error ${err.code}: ${err.hint}: ${err.serverMessage}${trace}`;
  if (err instanceof AssistBusinessError) {
    return `error ${err.wxErrcode === undefined ? 'business' : `WeChat ${err.wxErrcode}`}: ${err.message}${trace}`;
  }
  if (err instanceof AssistSignatureError) return `error response-sign: ${err.message}${trace}`;
  if (err instanceof AssistNetworkError) return `error ${err.reason}: ${err.message}`;
  // A key file that is not an RSA key of 2048 bits or more (the message names why, never the key).
  if (err instanceof Error && err.name === 'OpenKeyError') return `error key: ${err.message}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

function exitCodeFor(err: unknown): number {
  if (err instanceof AssistEnvelopeError) return CLI_EXIT.REFUSED;
  if (err instanceof AssistBusinessError) return CLI_EXIT.CHANNEL_REFUSED;
  if (err instanceof AssistSignatureError) return CLI_EXIT.BAD_ANSWER_SIGN;
  if (err instanceof AssistNetworkError) return CLI_EXIT.NETWORK;
  return CLI_EXIT.USAGE;
}
