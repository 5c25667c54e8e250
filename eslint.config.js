// Lint keeps the driver, COPY streams and child processes inside src/pg/ (STYLE.md: only pg/ talks to a server).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const serverOnly = ['pg', 'pg-copy-streams', 'execa', 'pg-connection-string', 'pgpass'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/spec/generated/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/pg/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: serverOnly.map((name) => ({ name, message: 'Only src/pg/ may talk to a server or spawn client tools.' })),
      }],
    },
  },
);
