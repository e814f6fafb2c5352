// ESLint (typescript-eslint's recommended rules) over every TypeScript file of the repository.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'tmp/**', 'node_modules/**', '**/__fixtures__/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read parsed YAML/TOML documents loosely and load modules fresh to measure start-up.
    files: ['**/*.spec.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // These load heavy modules on first use (`require` inside a function), so the plugin's entry and
    // graph computation stay fast; each such require says why.
    files: [
      'src/plugin/nx-api.ts',
      'src/plugin/read-declared.ts',
      'src/plugin/broken-config.ts',
      'src/core/manifests/dart.ts',
      'src/core/manifests/deno-imports.ts',
    ],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain CommonJS scripts and configs.
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
