/**
 * Three layers, each a jest project with its own folder and file suffix, so a
 * file runs in exactly one layer and `--selectProjects <name>` runs one layer.
 * Every workspace package keeps its tests beside its sources:
 *   unit         <pkg>/test/unit/**\/*.spec.ts             Nest testing module, in-memory fakes, no sockets
 *   integration  <pkg>/test/integration/**\/*.int-spec.ts  real Redis (127.0.0.1:6379), real HTTP on loopback
 *   e2e          <pkg>/test/e2e/**\/*.e2e-spec.ts          a minimal host app (or the demo) over both adapters
 * `jest <path>` narrows to one package (each package's `npm test` does that).
 * test/hosts/* are separate projects with their own jest (npm run test:hosts).
 */
const PKGS = '<rootDir>/{packages,apps}/*';
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Workspace packages resolve to their sources, as tsconfig.json's paths do for the type checker.
  moduleNameMapper: {
    '^@unipay-assist/(wire|client|simulator|cli)$': '<rootDir>/packages/$1/src/index.ts',
    '^unipay-assist$': '<rootDir>/packages/unipay-assist/src/index.ts',
    '^unipay-assist/(health|metrics|openapi|doctor)$': '<rootDir>/packages/unipay-assist/src/$1/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/test/hosts', '<rootDir>/bench/.ref', '<rootDir>/bench/.ablate', '/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option in jest 29 (not per project): the slowest layer's need on a loaded machine (the
  // suite passes beside two busy loops: npm run test:stress). A bound for a stuck test, not a duration
  // any test is expected to take; it stays above the polls' default bound (test/support/wait.ts, 20 s).
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: [`${PKGS}/test/unit/**/*.spec.ts`] },
    { ...shared, displayName: 'integration', testMatch: [`${PKGS}/test/integration/**/*.int-spec.ts`] },
    { ...shared, displayName: 'e2e', testMatch: [`${PKGS}/test/e2e/**/*.e2e-spec.ts`] },
  ],
};
