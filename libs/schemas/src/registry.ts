import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

export { SchemaType };

/** A client for a Confluent-compatible registry (Confluent, or Apicurio's `/apis/ccompat/v7`). */
export function createRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url.replace(/\/+$/, '') });
}
