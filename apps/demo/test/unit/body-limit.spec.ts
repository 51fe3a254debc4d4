import { DEFAULT_BODY_LIMIT, parseBodyLimit } from '../../src/create-demo-app';

describe('BODY_LIMIT', () => {
  it('defaults to 16 KiB', () => {
    expect(parseBodyLimit(undefined)).toBe(16 * 1024);
    expect(parseBodyLimit(' ')).toBe(DEFAULT_BODY_LIMIT);
  });
  it('takes a positive number of bytes', () => {
    expect(parseBodyLimit('65536')).toBe(65536);
    expect(parseBodyLimit(' 1 ')).toBe(1);
  });
  it('refuses anything else at start', () => {
    for (const bad of ['0', '-1', '1.5', '16kb', 'lots', '1e400']) {
      expect(() => parseBodyLimit(bad)).toThrow(`BODY_LIMIT must be a positive number of bytes, not ${bad}`);
    }
  });
});
