/**
 * Schema registry access and Avro in the Confluent wire format.
 *
 * ```ts
 * import { createRegistry } from '@junction/schemas';
 * const registry = createRegistry('http://127.0.0.1:8080/apis/ccompat/v7');
 * ```
 */
export { createRegistry, SchemaType } from './registry';
