import type { DoctorOptions } from 'unipay-assist/doctor';

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

type DoctorEntry = typeof import('unipay-assist/doctor');

/**
 * `unipay-assist doctor`: the module's own checks (`unipay-assist/doctor`, an
 * optional peer of this package, without NestJS) over the merchants and Redis
 * the relay would read from the same environment. Settings it cannot read, or
 * a missing unipay-assist, are one line on stderr and exit 6.
 */
export async function doctorFromEnvironment(
  opts: DoctorCliOptions,
  env: NodeJS.ProcessEnv,
  io: DoctorIo,
): Promise<number> {
  let doctor: DoctorEntry;
  try {
    doctor = await import('unipay-assist/doctor');
  } catch {
    io.err('doctor: needs the unipay-assist package beside the CLI (npm install unipay-assist)\n');
    return EXIT_FAILED;
  }
  let options: DoctorOptions;
  try {
    options = doctor.doctorOptionsFromEnv(env, opts);
  } catch (err) {
    io.err(`doctor: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
  const report = await doctor.runDoctor({ ...options, probes: opts.probes, timeoutMs: opts.timeout });
  io.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : doctor.formatDoctorTable(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}
