/**
 * One integration = one pipeline definition. Everything a definition leaves out has a documented
 * default (see `DEFAULTS` and docs/pipelines.md).
 */
import type { Caller, ModelInfo } from '@junction/calls';
import type { Failure } from './errors';
import { piiFields } from '@junction/schemas';
import { withoutPiiValues, type QualityRule } from './quality';
import { completedTopicFor, consumerGroupFor, dlqTopicFor, retryTopicFor } from './topic-names';

/** A parsed Avro schema (the JSON of an .avsc file, or the `...Schema` const generated from it). */
export type AvroSchema = Readonly<Record<string, unknown>>;

export interface TopicSchema {
  topic: string;
  schema: AvroSchema;
}

export type Route = 'output' | 'review' | 'drop';

export interface CallMeta {
  model?: ModelInfo;
  /** True when the output came from the fallback because the call failed or its circuit was open. */
  degraded: boolean;
}

/** Settings the call factory may read (endpoint URLs, keys), from the environment by default. */
export type PipelineEnv = Readonly<Record<string, string | undefined>>;

export interface PipelineDefinition<In, Req, Res, Out, Rev = Out> {
  /** kebab-case; names the consumer group, derived topics, metrics and traces. */
  name: string;
  /** Source topic and the pipeline's reader schema (events written with other versions are resolved to it). */
  source: TopicSchema;
  /** Records with the same key are processed strictly in order; also the key of every result. */
  key: (event: In) => string;
  /** Identifies the business event: sent as `Idempotency-Key`, and a completed key is never processed twice. */
  idempotencyKey: (event: In) => string;
  /** Data-quality rules checked after decoding; a failing record goes to the DLQ with the reason. */
  quality?: readonly QualityRule<In>[];
  /** Builds the client (model or system) once at start; it owns its pool, batcher and circuit breaker. */
  call: (env: PipelineEnv) => Caller<Req, Res>;
  request: (event: In) => Req;
  result: (event: In, output: Res, meta: CallMeta) => Out;
  /** Where a result goes; default `output`. `drop` finishes the record without emitting anything. */
  route?: (result: Out, event: In) => Route;
  /** Maps a result to the review schema; default: the result itself. */
  review?: (result: Out, event: In) => Rev;
  outputs: { output: TopicSchema; review?: TopicSchema };
  /**
   * A rule-based output used when the call fails with a retriable error after its inline retries or
   * its circuit is open. The result is marked degraded. Without a fallback such records take the retry path.
   */
  fallback?: (event: In, failure: Failure) => Res;
  /** Records processed at once (decoded and waiting for or in their call), across keys. Default 256. */
  maxInFlight?: number;
  /**
   * Records fetched and not yet committed, across partitions: in flight, queued behind their key, or
   * finished and waiting for their transaction. At the bound every partition pauses until half of it
   * is committed, so memory stays bounded whatever the backlog. Default 2048, at least 2 × maxInFlight.
   */
  maxBuffered?: number;
  /** Delays before each retry-topic attempt; after the last, the DLQ. Default [1 s, 10 s, 60 s]. */
  retry?: { delaysMs?: readonly number[]; topic?: string };
  dlq?: { topic?: string };
  /**
   * How long a finished record may wait for others to share its transaction (results + offsets +
   * completed keys). A partition commits at most one transaction at a time; what finishes meanwhile
   * goes into the next one, so under load transactions grow instead of queueing. Default 10 ms.
   */
  commitIntervalMs?: number;
  /** How long completed idempotency keys are remembered. Default 7 days. */
  idempotency?: { topic?: string; retentionMs?: number };
  /** Partitions of the topics the pipeline creates when missing; default: as many as the source. */
  partitions?: number;
  /**
   * What of a result to watch for drift: a numeric score and/or a class label, exported per model
   * version as `junction_model_score` and `junction_model_class_total`.
   */
  monitor?: (result: Out) => { score?: number; label?: string };
}

export const DEFAULTS = {
  maxInFlight: 256,
  maxBuffered: 2048,
  retryDelaysMs: [1_000, 10_000, 60_000] as readonly number[],
  commitIntervalMs: 10,
  idempotencyRetentionMs: 7 * 24 * 3_600_000,
} as const;

/** A definition with every default filled in and every name derived. */
export interface Pipeline<
  In = unknown,
  Req = unknown,
  Res = unknown,
  Out = unknown,
  Rev = unknown,
> extends PipelineDefinition<In, Req, Res, Out, Rev> {
  readonly resolved: {
    group: string;
    retryTopic: string;
    dlqTopic: string;
    completedTopic: string;
    maxInFlight: number;
    maxBuffered: number;
    retryDelaysMs: readonly number[];
    commitIntervalMs: number;
    idempotencyRetentionMs: number;
  };
}

const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/** Declares a pipeline; checks the definition and fills in the defaults. */
export function definePipeline<In, Req, Res, Out, Rev = Out>(
  def: PipelineDefinition<In, Req, Res, Out, Rev>,
): Pipeline<In, Req, Res, Out, Rev> {
  const problems: string[] = [];
  if (!NAME.test(def.name)) problems.push(`name "${def.name}" must be kebab-case (a-z, 0-9, -)`);
  if (!def.source?.topic) problems.push('source.topic is required');
  if (!def.outputs?.output?.topic) problems.push('outputs.output.topic is required');
  const maxInFlight = def.maxInFlight ?? DEFAULTS.maxInFlight;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1)
    problems.push('maxInFlight must be a positive integer');
  const maxBuffered = def.maxBuffered ?? Math.max(DEFAULTS.maxBuffered, 2 * maxInFlight);
  if (!Number.isInteger(maxBuffered) || maxBuffered < maxInFlight)
    problems.push(`maxBuffered must be an integer of at least maxInFlight (${maxInFlight})`);
  const retryDelaysMs = def.retry?.delaysMs ?? DEFAULTS.retryDelaysMs;
  if (retryDelaysMs.some((d) => !(d >= 0))) problems.push('retry.delaysMs must be non-negative numbers');
  const commitIntervalMs = def.commitIntervalMs ?? DEFAULTS.commitIntervalMs;
  if (!(commitIntervalMs >= 1)) problems.push('commitIntervalMs must be at least 1');
  if (problems.length > 0) throw new Error(`pipeline ${def.name}: ${problems.join('; ')}`);
  return {
    ...def,
    // Quality reasons travel in DLQ headers and logs: the source schema's pii values stay out of them.
    ...(def.quality ? { quality: withoutPiiValues(def.quality, piiFields(def.source.schema)) } : {}),
    resolved: {
      group: consumerGroupFor(def.name),
      retryTopic: def.retry?.topic ?? retryTopicFor(def.source.topic, def.name),
      dlqTopic: def.dlq?.topic ?? dlqTopicFor(def.source.topic, def.name),
      completedTopic: def.idempotency?.topic ?? completedTopicFor(def.name),
      maxInFlight,
      maxBuffered,
      retryDelaysMs,
      commitIntervalMs,
      idempotencyRetentionMs: def.idempotency?.retentionMs ?? DEFAULTS.idempotencyRetentionMs,
    },
  };
}
