import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UnipayAssistClient } from '../../src';

const SECRET = '123456';
// SPEC.md "Public test vectors".
const SPEC_REQUEST = {
  code: '061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX',
  clientIp: '127.0.0.1',
  nonceStr: 'a1b2c3d4',
  reqTime: 1718000000,
};

/** The client without a network: request signing and construction (its HTTP side: test/integration/client.int-spec.ts). */
describe('UnipayAssistClient', () => {
  const client = new UnipayAssistClient({ baseUrl: 'http://127.0.0.1:1', signSecret: SECRET });

  it('signs the SPEC request to the published HMAC_SHA256 and MD5 signs', () => {
    expect(client.signRequest(SPEC_REQUEST).sign).toBe(
      '3bdfb8fde85210cd543530b3d74f663047f2b40a512ab8e8b218d6b558a0a446',
    );
    const md5 = new UnipayAssistClient({ baseUrl: 'http://x', signSecret: SECRET, signType: 'MD5' });
    expect(md5.signRequest(SPEC_REQUEST).sign).toBe('4b30d1c3d53488e912db532b0741c057');
  });

  it('refuses to be built without baseUrl or signSecret', () => {
    expect(() => new UnipayAssistClient({ baseUrl: 'http://x', signSecret: [] })).toThrow(/signSecret/);
    expect(() => new UnipayAssistClient({ baseUrl: 'http://x', signSecret: ['a', ''] })).toThrow(/signSecret/);
    expect(() => new UnipayAssistClient({ baseUrl: '', signSecret: SECRET })).toThrow(/baseUrl/);
    expect(() => new UnipayAssistClient({ baseUrl: 'http://x', signSecret: '' })).toThrow(/signSecret/);
  });
});

describe('the client package', () => {
  it('imports nothing but its own files, @unipay-assist/wire and node built-ins (no NestJS)', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)) {
        const spec = m[1];
        if (spec.startsWith('.')) visit(resolve(dirname(file), `${spec}.ts`));
        else external.add(spec);
      }
    };
    visit(resolve(__dirname, '../../src/index.ts'));
    expect([...external].filter((s) => !s.startsWith('node:'))).toEqual(['@unipay-assist/wire']);
    expect(seen.size).toBeGreaterThan(5);
  });

  it('depends on no @nestjs package, directly or through @unipay-assist/wire', () => {
    const deps = (dir: string): string[] => {
      const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../..', dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
    };
    expect(deps('client')).toEqual(['@unipay-assist/wire']);
    expect(deps('wire')).toEqual([]);
  });
});
