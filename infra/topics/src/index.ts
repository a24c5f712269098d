/**
 * Topics and schemas as code.
 *
 * ```ts
 * import { applyTopics, fleetTopics, registerSchemas } from '@junction/fleet-infra';
 * const changes = await applyTopics(kafka, fleetTopics());          // created / updated / unchanged / mismatch
 * const schemas = await registerSchemas({ registryUrl, dir: 'schemas' }); // registered / unchanged / incompatible ...
 * ```
 */
export {
  fleetTopics,
  pipelineTopicNames,
  validateTopicSpecs,
  TopicSpecError,
  BUSINESS_TOPICS,
  PIPELINES,
  DEFAULT_PARTITIONS,
  RETENTION_MS,
  DLQ_RETENTION_MS,
  type FleetPipeline,
  type PipelineTopicNames,
} from './fleet-topics';
export {
  applyTopics,
  countChanges,
  type TopicChange,
  type ConfigChange,
  type ApplyOptions,
} from './apply-topics';
export {
  registerSchemas,
  avscFiles,
  subjectForFile,
  type SchemaChange,
  type RegisterOptions,
} from './register-schemas';
