/**
 * Schema registry access and Avro in the Confluent wire format.
 *
 * ```ts
 * import { AvroSerde, RegistryClient, piiFields } from '@junction/schemas';
 * import { LeadCreatedSchema, type LeadCreated } from '../../schemas/generated'; // scripts/gen-schema-types.ts
 *
 * const registry = new RegistryClient({ url: 'http://127.0.0.1:8080/apis/ccompat/v7' });
 * const serde = new AvroSerde(registry);
 *
 * // producer: registers the schema once (idempotent), then encodes synchronously
 * const encoder = await serde.encoder<LeadCreated>('crm.lead.created.v1-value', LeadCreatedSchema);
 * await producer.send({ topic, messages: [{ key: lead.leadId, value: encoder.encode(lead) }] });
 *
 * // consumer: the writer schema comes from the id in each value, resolved into the reader schema
 * const decoder = serde.decoder<LeadCreated>(LeadCreatedSchema);
 * try {
 *   const lead = await decoder.decode(message.value);
 * } catch (err) {
 *   if (err instanceof SchemaError && !err.retriable) await deadLetter(message, err); // poison
 *   else throw err; // RegistryUnavailableError: retry later
 * }
 *
 * const redact = piiFields(LeadCreatedSchema); // ['email', 'contact.phone', ...] for the logger
 * ```
 *
 * Values: timestamp-millis and other logical types are their underlying Avro type (a number of epoch
 * milliseconds, not a Date); long is a number; bytes and fixed are Buffers.
 */
export { createRegistry, SchemaType } from './registry';
export {
  RegistryClient,
  type RegistryClientOptions,
  type RegisteredSchema,
  type SubjectVersion,
  type SchemaReference,
  type SchemaTypeName,
} from './registry-client';
export {
  registryAuthFromEnv,
  registryEndpoint,
  maskUserInfo,
  RegistrySettingsError,
  type RegistryAuth,
  type RegistryEndpoint,
} from './registry-auth';
export { AvroSerde, type AvroDecoder, type AvroEncoder, type EncoderOptions } from './avro-serde';
export {
  parseWireFormat,
  toWireFormat,
  MAGIC_BYTE,
  HEADER_SIZE,
  type WireFormatMessage,
} from './wire-format';
export { parseAvroSchema, type AvroSchemaInput, type AvroType } from './avro';
export { piiFields } from './pii';
export {
  generateTypes,
  schemaToTypeScript,
  type AvscSource,
  type GeneratedFile,
  type GenerateOptions,
} from './typegen';
export {
  SchemaError,
  WireFormatError,
  RegistryError,
  UnknownSchemaError,
  RegistryUnavailableError,
  IncompatibleSchemaError,
  InvalidSchemaError,
  RegistryRequestError,
  SchemaResolutionError,
  AvroDecodeError,
  AvroEncodeError,
  type RegistryErrorDetails,
  type ErrorKind,
} from './errors';
