/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const ESM_ONLY = '(jose|file-type|strtok3|token-types|@tokenizer/inflate|uint8array-extras|@borewit/text-codec)';

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, [`/node_modules/${ESM_ONLY}/.+\\.js$`]: swc },
  // jose 6 and file-type 21 (with the packages it imports) ship ES modules only, which jest's CommonJS runtime
  // cannot require: swc compiles them.
  transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // One embedded PostgreSQL for the run (or TEST_DATABASE_URL), one database per worker.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  maxWorkers: 2,
  // Coverage of the application code, summarised at the end of every run (the full report in coverage/).
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts', '!src/generated/**', '!src/main.ts', '!src/cli/**'],
  coverageReporters: ['text-summary', 'lcov'],
  testTimeout: 30000,
  // Skipped tests are listed by name (with their reason) after the summary.
  reporters: ['default', '<rootDir>/test/support/skipped-reporter.js'],
};
