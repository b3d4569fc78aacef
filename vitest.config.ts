import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites create their own databases; two workers match the CI machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
