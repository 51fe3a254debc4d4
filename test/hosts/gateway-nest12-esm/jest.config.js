/** Jest in ESM mode (run with node --experimental-vm-modules): the test and the packages it imports (client, simulator, wire) load as ES modules; the gateways run as their own Node processes. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import './x.js' as Node's ESM wants; jest finds the .ts behind it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
};
