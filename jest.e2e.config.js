/**
 * End-to-end suite on the real cluster of ../shared/k8s-node (root only): `npm run e2e`.
 * Kept apart from jest.config.js, whose testMatch (*.test.ts) never picks up *.e2e.ts.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config'),
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  globalSetup: '<rootDir>/test/e2e/global-setup.js',
  globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
  testTimeout: 900000,
  maxWorkers: 1,
};
