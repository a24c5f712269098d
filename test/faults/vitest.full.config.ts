// `pnpm test:faults`: the full fault-injection suite, alone. It brings its own Kafka and registry
// (test/faults/harness/private-stack.ts), so no shared stack is set up here.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/faults/full/**/*.test.ts'],
    testTimeout: 1_500_000,
    hookTimeout: 300_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
  },
});
