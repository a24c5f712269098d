/**
 * Junction's integration engine: one pipeline definition per integration, run with exactly-once
 * results, per-key ordering, retries and dead letters.
 *
 * ```ts
 * import { definePipeline, PipelineRunner, required, range } from '@junction/pipeline';
 * import { openInference } from '@junction/calls';
 *
 * export const leadScoring = definePipeline({
 *   name: 'lead-scoring',
 *   source: { topic: 'crm.lead.created.v1', schema: LeadCreatedSchema },
 *   key: (lead) => lead.leadId,
 *   idempotencyKey: (lead) => lead.eventId,
 *   quality: [required('email'), range('employees', 0, 10_000_000)],
 *   call: (env) => openInference({ endpoint: 'lead-scorer', baseUrl: env.MODEL_URL!, model: 'lead-conversion' }),
 *   request: (lead) => ({ employees: lead.employees }),
 *   result: (lead, out, meta) => ({ leadId: lead.leadId, score: Number(out.score), degraded: meta.degraded }),
 *   outputs: { output: { topic: 'crm.lead.scored.v1', schema: LeadScoredSchema } },
 * });
 *
 * const runner = new PipelineRunner(leadScoring, { brokers: ['127.0.0.1:9092'], schemaRegistryUrl });
 * await runner.start();
 * ```
 */
export {
  definePipeline,
  DEFAULTS,
  type PipelineDefinition,
  type Pipeline,
  type TopicSchema,
  type AvroSchema,
  type CallMeta,
  type Route,
  type PipelineEnv,
} from './definition';
export { PipelineRunner, type RunnerOptions, type RunnerStats, type RunnerHealth } from './runner';
export { required, range, pattern, oneOf, fresh, checkQuality, type QualityRule } from './quality';
export {
  classify,
  QualityError,
  MappingError,
  NullValueError,
  type Failure,
  type FailureKind,
} from './errors';
export {
  H,
  H as Headers,
  readRetryState,
  deadLetterHeaders,
  originalHeaders,
  headerText,
  headerNumber,
  type Origin,
  type RetryState,
} from './headers';
export {
  consumerGroupFor,
  retryTopicFor,
  dlqTopicFor,
  completedTopicFor,
  transactionalIdFor,
  subjectFor,
} from './topic-names';
export { OffsetWatermark } from './offset-watermark';
export {
  pipelineAcls,
  principalFor,
  kafkaAclsArgs,
  type AclEntry,
  type AclOperation,
  type AclResource,
} from './pipeline-acls';
export { KeyScheduler } from './key-scheduler';
export {
  KeyState,
  defaultStateDir,
  type ChangelogRecord,
  type ChangelogSource,
  type KeyStateOptions,
  type PartitionKeys,
  type RestoreStats,
} from './state';
export { pick, modelFields, reviewAbove, type ModelFields } from './mapping';
export { PIPELINE_OPTIONS, optionRows, optionsTable, type OptionSpec } from './options-spec';
