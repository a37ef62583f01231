import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'node_modules/', 'custom-elements.json'] },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: a promise is awaited, returned, or explicitly dropped with `void`; never
    // handed where a callback's result is ignored.
    files: ['**/*.ts'],
    ignores: ['rollup.config.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['widget/**/*.ts'],
    plugins: { lit },
    rules: { ...lit.configs.recommended.rules },
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of enum.' },
      ],
    },
  },
  {
    // src/ runs in browsers and in Node alike; its tests run in Node only.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'lit', 'lit/*'] }],
    },
  },
);
