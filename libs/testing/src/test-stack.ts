import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { stackFromEnv, type StackInfo } from './stack-info';

/**
 * The Kafka brokers and schema registry URL for this test run.
 *
 * ```ts
 * const { brokers, schemaRegistryUrl } = testStack();
 * const kafka = new Kafka({ brokers });
 * ```
 */
export function testStack(): StackInfo {
  const provided = inject('junctionStack');
  if (provided) return provided;
  const env = stackFromEnv();
  if (env) return env;
  throw new Error(
    process.env.JUNCTION_TEST_STACK === 'none'
      ? 'This test needs Kafka and the registry, and JUNCTION_TEST_STACK=none asked for unit tests only: run it without that variable.'
      : 'No test stack: run through vitest with libs/testing/src/global-setup.ts, or set KAFKA_BROKERS and SCHEMA_REGISTRY_URL.',
  );
}

/** A short random suffix; topics and groups get one each so tests never see each other's data. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A topic name unique to this call, following `<domain>.<entity>.<event>.v<major>` when given one. */
export function uniqueTopic(base = 'test.topic.event.v1'): string {
  return `${base}.${uniqueSuffix()}`;
}

export function uniqueGroup(base = 'test-group'): string {
  return `${base}-${uniqueSuffix()}`;
}
