// ESLint: typescript-eslint's type-aware recommended rules for the TypeScript sources and tests,
// the plain recommended rules for the bench's and scripts' JavaScript, and Prettier for layout
// (eslint-config-prettier turns off every rule Prettier owns).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      'bench/.build*/',
      'bench/.ref/',
      'bench/.ablate/',
      'bench/.scratch/',
      'bench/results/',
      'coverage/',
      'test/hosts/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `_name` marks a parameter an interface requires and this implementation does not read.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Nest's decorators and class-validator's are called as `@X()`: their returns are not promises to await.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Handlers passed to Node's and the adapters' callback APIs may be async by design.
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      // In-memory stores implement Promise-returning interfaces with `async` methods that do not await:
      // `async` keeps a throw a rejection, as the Redis implementation's would be.
      '@typescript-eslint/require-await': 'off',
      // `'MD5' | 'HMAC_SHA256' | string` on purpose: editors offer the known values, the type accepts what
      // a merchants file holds, and the start-up check names the field when it is none of them.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  {
    // Tests: jest's globals; a test reads a parsed JSON answer's fields freely (typed `any` where it
    // does), each read checked by the assertion that follows. Sources stay free of `any`.
    files: ['**/test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
