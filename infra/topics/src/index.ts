/**
 * Topics and schemas as code.
 *
 * ```ts
 * import { applyTopics, registerSchemas, workspacePlan } from '@junction/fleet-infra';
 * const plan = await workspacePlan();                                // pipelines found in services/*
 * const changes = await applyTopics(kafka, plan.topics);          // created / updated / unchanged / mismatch
 * const schemas = await registerSchemas({ registryUrl, dir: 'schemas' }); // registered / unchanged / incompatible ...
 * ```
 */
export {
  fleetTopics,
  businessTopics,
  planFleet,
  workspacePlan,
  pipelineTopicNames,
  validateTopicSpecs,
  TopicSpecError,
  FleetPlanError,
  TOPIC_NAME,
  TOPIC_NAME_EXPECTED,
  DEFAULT_PARTITIONS,
  RETENTION_MS,
  DLQ_RETENTION_MS,
  type FleetPlan,
  type PipelineTopicNames,
} from './fleet-topics';
export {
  workspaceRoot,
  serviceManifests,
  pipelineFiles,
  discoverPipelines,
  isPipeline,
  type ServiceManifest,
  type DiscoveredPipeline,
} from './workspace';
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
export {
  checkAgainstLock,
  compatibilityProblems,
  releaseSchemas,
  readLock,
  SchemaCompatibilityError,
  LOCK_FILE,
  type Compatibility,
  type CompatProblem,
  type ReleasedSchema,
  type SchemaLock,
} from './schema-compat';
