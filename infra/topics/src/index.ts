/**
 * Topics and schemas as code.
 *
 * ```ts
 * import { applyTopics, fleetTopics, registerSchemas } from '@junction/fleet-infra';
 * await applyTopics(kafka, fleetTopics());
 * await registerSchemas({ registryUrl, dir: 'schemas' });
 * ```
 */
export { fleetTopics, BUSINESS_TOPICS, PIPELINES, DEFAULT_PARTITIONS } from './fleet-topics';
export { applyTopics, type TopicChange } from './apply-topics';
export { registerSchemas, type SchemaChange } from './register-schemas';
