import { formatDoctorTable, runDoctor } from '../doctor';
import { merchantsFromEnv } from '../merchants/merchants-from-env';
import { redisConnectionFromEnv } from '../redis/redis-connection-env';
/** Where the report goes (the CLI's stdout and stderr). */
interface DoctorIo {
  out(text: string): void;
  err(text: string): void;
}

export interface DoctorCliOptions {
  merchantsFile?: string;
  wechatApiBase?: string;
  alipayGateway?: string;
  probes: boolean;
  json: boolean;
  timeout: number;
}

const EXIT_OK = 0;
const EXIT_FAILED = 6;

/**
 * `unipay-assist doctor`: the merchants and Redis the relay would read from
 * the same environment variables (ASSIST_MERCHANTS_FILE or --merchants-file,
 * ASSIST_MCH_NO…, REDIS_URL / REDIS_CLUSTER_NODES / REDIS_SENTINELS), checked
 * by runDoctor. Settings it cannot read are one line on stderr and exit 6.
 */
export async function doctorFromEnvironment(opts: DoctorCliOptions, env: NodeJS.ProcessEnv, io: DoctorIo): Promise<number> {
  let merchants: unknown[];
  let redis;
  try {
    merchants = merchantsFromEnv({ ...env, ASSIST_MERCHANTS_FILE: opts.merchantsFile });
    redis = redisConnectionFromEnv(env);
  } catch (err) {
    io.err(`doctor: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
  const report = await runDoctor({
    merchants,
    wechat: { apiBase: opts.wechatApiBase },
    alipay: { gateway: opts.alipayGateway },
    ...(redis && { redis }),
    probes: opts.probes,
    timeoutMs: opts.timeout,
  });
  io.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorTable(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}
