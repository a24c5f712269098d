// vitest global setup: one stack for the whole run, handed to tests through provide/inject.
import type { TestProject } from 'vitest/node';
import { provideStack } from './providers';
import './stack-info';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // unit tests only (`JUNCTION_TEST_STACK=none pnpm vitest run services/order-risk`): no Kafka wanted;
  // a test that needs one fails in testStack() saying so
  if (process.env.JUNCTION_TEST_STACK === 'none') {
    process.stderr.write('[stack] none (JUNCTION_TEST_STACK=none): unit tests only\n');
    return async () => {};
  }
  const stack = await provideStack();
  process.stderr.write(
    `[stack] ${stack.info.provider}: kafka ${stack.info.brokers.join(',')}, registry ${stack.info.schemaRegistryUrl}\n`,
  );
  project.provide('junctionStack', stack.info);
  return () => stack.release();
}
