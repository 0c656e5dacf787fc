// Test projects: pure unit tests, and integration tests against the real Kafka and Temporal of scripts/infra.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // A few unit tests walk the whole tree or every path of a machine: seconds on a loaded machine, so 30 s.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
