import { defineConfig } from 'vitest/config';

const report = process.env.JUNCTION_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['libs/**/src/**/*.test.ts', 'services/**/src/**/*.test.ts', 'infra/local/src/**/*.test.ts', 'infra/topics/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**', 'test/faults/full/**'],
    // Starts the local Kafka + registry once per run unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL are set.
    globalSetup: ['libs/testing/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one broker and a 2-core machine: a little parallelism, not a stampede.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
