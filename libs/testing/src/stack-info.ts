/** Where a test finds Kafka and the schema registry. */
export interface StackInfo {
  brokers: string[];
  schemaRegistryUrl: string;
  /** Which provider supplied the stack: env vars, the repo's local stack, or Testcontainers. */
  provider: 'env' | 'local' | 'testcontainers';
}

declare module 'vitest' {
  export interface ProvidedContext {
    junctionStack: StackInfo;
  }
}

export function stackFromEnv(env: NodeJS.ProcessEnv = process.env): StackInfo | undefined {
  const brokers = env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  const schemaRegistryUrl = env.SCHEMA_REGISTRY_URL?.trim();
  if (!brokers?.length && !schemaRegistryUrl) return undefined;
  if (!brokers?.length || !schemaRegistryUrl) {
    throw new Error(
      'Set both KAFKA_BROKERS (comma-separated host:port) and SCHEMA_REGISTRY_URL (the ccompat base URL), or neither to use the local stack.',
    );
  }
  return { brokers, schemaRegistryUrl, provider: 'env' };
}
