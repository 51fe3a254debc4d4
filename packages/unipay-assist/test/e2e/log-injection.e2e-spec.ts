import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DemoPinoLogger } from '../../../../apps/demo/src/demo-logging';
import { ADAPTERS, RunningGateway, startGateway, startSimulator } from '../../../../test/support/gateway';
import { LogCapture } from '../../../../test/support/log-capture';
import { hasRawControl, logKeys } from '../../../../test/support/log-keys';
import { RunningSimulator } from '../../../simulator/src/simulator.server';

/** Collects what pino writes: the demo's JSON log format, line by line. */
class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

const JUMP = '/unipay/assist/channel/auth/jump';
// A name given twice is refused naming it: the name reaches the message and the log's reason.
const twice = (name: string): string => `${JUMP}?${encodeURIComponent(name)}=1&${encodeURIComponent(name)}=2`;
const HOSTILE = [
  twice('x\nFORGED code=0 traceId=forged'),
  twice('y\r\n{"level":50,"msg":"forged"}'),
  twice('\u001b[31mRED\u001b[0m\u001b]0;title\u0007'),
  // Node's header limit (16 KiB with the request line) bounds a name in the URL: two 7 KB copies.
  twice(`z${'n'.repeat(7 * 1024)}`),
];

/** Every request-supplied name or value in a log line is escaped and capped, in both log formats. */
describe.each(ADAPTERS)('log injection, over %s', (adapter) => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  async function send(gw: RunningGateway): Promise<void> {
    for (const path of HOSTILE) {
      const res = await fetch(`${gw.baseUrl}${path}`);
      expect(res.status).toBe(400);
      const page = await res.text();
      // The page names the field, capped as well.
      expect(page.length).toBeLessThan(4096);
    }
  }

  it('text format (Nest console logger): one line per event, no raw newline or escape, each line capped', async () => {
    const logs = new LogCapture();
    const gw = await startGateway({ adapter, logger: logs, wechatBase: sim.baseUrl });
    try {
      await send(gw);
    } finally {
      await gw.close();
    }
    const rejected = logs.assistLines().filter((l) => l.message.startsWith('request.rejected'));
    expect(rejected).toHaveLength(HOSTILE.length);
    for (const { message } of rejected) {
      expect(hasRawControl(message)).toBe(false);
      expect(message.length).toBeLessThan(1200);
      expect(logKeys(message)).toEqual(['traceId', 'code', 'reason']);
    }
  });

  it('JSON format (the demo pino logger): every line parses, no forged fields, each line capped', async () => {
    const sink = new Sink();
    const logger = new DemoPinoLogger(pino({ level: 'info' }, sink));
    const gw = await startGateway({ adapter, logger, wechatBase: sim.baseUrl });
    try {
      await send(gw);
    } finally {
      await gw.close();
    }
    const lines = sink.text.split('\n').filter((l) => l !== '');
    const rejected = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === 'request.rejected');
    expect(rejected).toHaveLength(HOSTILE.length);
    for (const line of rejected) {
      expect(Object.keys(line).sort()).toEqual([
        'context',
        'event',
        'hostname',
        'level',
        'msg',
        'pid',
        'time',
        'traceId',
      ]);
      expect(hasRawControl(String(line.msg))).toBe(false);
      expect(String(line.msg).length).toBeLessThan(1200);
      expect(line.level).toBe(30);
    }
    for (const raw of lines) expect(raw.length).toBeLessThan(1500);
  });
});
