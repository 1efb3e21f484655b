// ESLint flat config: type-aware TypeScript rules, the module boundaries of
// docs/architecture.md, and Prettier for formatting (checked by `npm run lint`).
import js from '@eslint/js';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'src/generated/**', 'bench/results/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Passing on a caught error as it came is fine; inventing a non-Error reason is not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'migrations/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.mjs'] } },
      'boundaries/include': ['src/**/*.ts', 'migrations/**/*.ts'],
      'boundaries/elements': [
        { type: 'module', pattern: 'src/modules/*', capture: ['name'] },
        { type: 'platform', pattern: 'src/platform' },
        { type: 'generated', pattern: 'src/generated' },
        { type: 'auth', pattern: 'src/auth/*', capture: ['name'] },
        { type: 'access', pattern: 'src/access' },
        { type: 'audit', pattern: 'src/audit' },
        { type: 'migrations', pattern: 'migrations' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            // Another module (or audit, or an auth part) is reached only through its index.ts.
            {
              to: { element: { type: ['module', 'audit', 'auth'] } },
              disallow: { to: { element: { fileInternalPath: '!index.ts' } } },
            },
            // platform/ knows no CDOP module.
            { from: { element: { type: 'platform' } }, disallow: { to: { element: { type: ['module', 'auth', 'audit', 'access'] } } } },
            // Migrations are history: they import no application code.
            {
              from: { element: { type: 'migrations' } },
              disallow: { to: { element: { type: ['module', 'auth', 'audit', 'access', 'platform'] } } },
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read supertest bodies and raw rows (typed any) all the time; asserting on them is the point.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
      // `(await ds.query(...)) as Row[]` reads better in a test than a type argument on query().
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
  prettier,
);
