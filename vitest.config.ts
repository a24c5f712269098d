import { defineConfig } from 'vitest/config';

const report = process.env.JUNCTION_TEST_REPORT;

// Tests that add a service to the workspace for a while (`junction new integration` end to end) run
// after every other file: anything that discovers the fleet from services/ must not see it half-written.
const WORKSPACE_MUTATING = ['libs/cli/src/scaffold/new-integration.integration.test.ts'];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'test/bench/**', 'test/faults/full/**'],
    // Starts the local Kafka + registry once per run unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL are set.
    globalSetup: ['libs/testing/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one broker and a 2-core machine: a little parallelism, not a stampede.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['libs/**/src/**/*.test.ts', 'services/**/src/**/*.test.ts', 'infra/local/src/**/*.test.ts', 'infra/topics/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/bench/**', 'test/faults/full/**', ...WORKSPACE_MUTATING],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'workspace', include: WORKSPACE_MUTATING, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
