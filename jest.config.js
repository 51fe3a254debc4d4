/**
 * Three layers, each a jest project with its own folder and file suffix, so a
 * file runs in exactly one layer and `--selectProjects <name>` runs one layer:
 *   unit         test/unit/**\/*.spec.ts             Nest testing module, in-memory fakes, no sockets
 *   integration  test/integration/**\/*.int-spec.ts  real Redis (127.0.0.1:6379), real HTTP on loopback
 *   e2e          test/e2e/**\/*.e2e-spec.ts          a minimal host app (or the demo) over both adapters
 * test/hosts/* are separate projects with their own jest (npm run test:hosts).
 */
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option in jest 29 (not per project): the slowest layer's need.
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'], testMatch: ['**/*.spec.ts'] },
    { ...shared, displayName: 'integration', roots: ['<rootDir>/test/integration'], testMatch: ['**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', roots: ['<rootDir>/test/e2e'], testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
