// vitest global setup: one stack for the whole run, handed to tests through provide/inject.
import type { TestProject } from 'vitest/node';
import { provideStack } from './providers';
import './stack-info';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await provideStack();
  process.stderr.write(
    `[stack] ${stack.info.provider}: kafka ${stack.info.brokers.join(',')}, registry ${stack.info.schemaRegistryUrl}\n`,
  );
  project.provide('junctionStack', stack.info);
  return () => stack.release();
}
