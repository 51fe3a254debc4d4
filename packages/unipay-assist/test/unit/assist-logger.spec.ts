import { Logger } from '@nestjs/common';
import { AssistLogger, LOG_VALUE_MAX } from '../../src/kernel/assist.logger';
import { hasRawControl, logKeys } from '../../../../test/support/log-keys';

/** The message AssistLogger hands to Nest's logger (what both log formats write). */
function lineOf(write: (logger: AssistLogger) => void): string {
  const seen: string[] = [];
  const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
    seen.push(String(message));
  });
  try {
    write(new AssistLogger());
  } finally {
    spy.mockRestore();
  }
  expect(seen).toHaveLength(1);
  return seen[0];
}

describe('AssistLogger escapes and caps what it writes', () => {
  it('a value with a newline, CR, ANSI escape, quote or spaces is quoted and escaped: no forged line, no forged key=value', () => {
    const line = lineOf((l) =>
      l.log('T1', 'request.rejected', { reason: 'x\nFORGED code=0 \r\u001b[31mred\u001b[0m "q" \u2028 \u0085' }),
    );
    expect(hasRawControl(line)).toBe(false);
    expect(line).toBe(
      'request.rejected traceId=T1 reason="x\\nFORGED code=0 \\r\\u001b[31mred\\u001b[0m \\"q\\" \\u2028 \\u0085"',
    );
    // Only the writer's own keys parse out of the line.
    const keys = logKeys(line);
    expect(keys).toEqual(['traceId', 'reason']);
  });

  it('plain values stay as they were', () => {
    expect(
      lineOf((l) => l.log('T2', 'wechat.refused', { mchNo: 'M1000000001', errcode: 40029, code: 'a1b2c3', ok: true })),
    ).toBe('wechat.refused traceId=T2 mchNo=M1000000001 errcode=40029 code=a1b2c3 ok=true');
  });

  it('a 16 KB name and a 16 KB value are capped (and a name with odd characters is escaped)', () => {
    const name = `n${'x'.repeat(16 * 1024)}\n=FORGED`;
    const line = lineOf((l) => l.log('T3', 'request.rejected', { [name]: 'v'.repeat(16 * 1024) }));
    expect(line.length).toBeLessThan(LOG_VALUE_MAX * 2 + 200);
    expect(line).not.toContain('\n');
    expect(line).toContain('…(+');
    expect(logKeys(line)).toHaveLength(2);
  });
});
