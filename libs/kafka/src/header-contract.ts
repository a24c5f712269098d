/**
 * The header contract of every record Junction writes. Names and encodings are documented in
 * docs/pipelines.md; keep the two in step.
 *
 * - Results: CloudEvents binary mode (`ce_*`), `traceparent`, and `junction-*` provenance.
 * - Retry and dead-letter records: the original key, value and headers byte for byte, plus Spring
 *   Kafka's `kafka_dlt-*` headers in Spring's own encodings (partition as a 4-byte big-endian int,
 *   offset and timestamp as 8-byte big-endian longs, the rest UTF-8) so existing tools read them,
 *   plus Junction's own under the `junction-` prefix (UTF-8 text).
 */

/** Record headers as both Kafka clients' KafkaJS-style APIs type them. */
export interface IHeaders {
  [key: string]: Buffer | string | (Buffer | string)[] | undefined;
}

/** What a failure writes into the error headers; the engine classifies, this contract only encodes. */
export interface FailureHeaderFields {
  kind: 'retriable' | 'permanent' | 'poison';
  /** Stable machine-readable code, e.g. `wire-format`, `quality.range`, `call.timeout`. */
  code: string;
  /** Error class name, written to `kafka_dlt-exception-fqcn`. */
  errorClass: string;
  message: string;
  stack?: string;
}

export const H = {
  ceId: 'ce_id',
  ceSource: 'ce_source',
  ceType: 'ce_type',
  ceTime: 'ce_time',
  ceSpecVersion: 'ce_specversion',
  ceSubject: 'ce_subject',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  idempotencyKey: 'junction-idempotency-key',
  pipeline: 'junction-pipeline',
  sourceTopic: 'junction-source-topic',
  sourcePartition: 'junction-source-partition',
  sourceOffset: 'junction-source-offset',
  modelName: 'junction-model-name',
  modelVersion: 'junction-model-version',
  degraded: 'junction-degraded',
  route: 'junction-route',
  attempts: 'junction-attempts',
  firstFailure: 'junction-first-failure',
  lastFailure: 'junction-last-failure',
  dueAt: 'junction-retry-due',
  errorKind: 'junction-error-kind',
  errorCode: 'junction-error-code',
  replayOf: 'junction-replay-of',
  dltOriginalTopic: 'kafka_dlt-original-topic',
  dltOriginalPartition: 'kafka_dlt-original-partition',
  dltOriginalOffset: 'kafka_dlt-original-offset',
  dltOriginalTimestamp: 'kafka_dlt-original-timestamp',
  dltOriginalTimestampType: 'kafka_dlt-original-timestamp-type',
  dltOriginalConsumerGroup: 'kafka_dlt-original-consumer-group',
  dltExceptionFqcn: 'kafka_dlt-exception-fqcn',
  dltExceptionMessage: 'kafka_dlt-exception-message',
  dltExceptionStacktrace: 'kafka_dlt-exception-stacktrace',
} as const;

/** Junction's own failure bookkeeping on retry and DLQ records (besides the `kafka_dlt-*` ones). */
export const JUNCTION_FAILURE_HEADERS: readonly string[] = [
  H.attempts,
  H.firstFailure,
  H.lastFailure,
  H.dueAt,
  H.errorKind,
  H.errorCode,
  H.pipeline,
];

/** Every header Junction adds to retry and DLQ records; stripped before a record is re-emitted. */
const FAILURE_HEADERS = new Set<string>([
  ...JUNCTION_FAILURE_HEADERS,
  H.idempotencyKey,
  H.dltOriginalTopic,
  H.dltOriginalPartition,
  H.dltOriginalOffset,
  H.dltOriginalTimestamp,
  H.dltOriginalTimestampType,
  H.dltOriginalConsumerGroup,
  H.dltExceptionFqcn,
  H.dltExceptionMessage,
  H.dltExceptionStacktrace,
]);

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

export function int64(n: bigint | number | string): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[v.length - 1] : v;
  if (one === undefined) return undefined;
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

export function headerBuffer(headers: IHeaders | undefined, name: string): Buffer | undefined {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[v.length - 1] : v;
  if (one === undefined) return undefined;
  return Buffer.isBuffer(one) ? one : Buffer.from(String(one));
}

/** Decodes a Spring-encoded numeric header (4 or 8 bytes big-endian), or text digits. */
export function headerNumber(headers: IHeaders | undefined, name: string): bigint | undefined {
  const b = headerBuffer(headers, name);
  if (!b) return undefined;
  if (b.length === 4) return BigInt(b.readInt32BE());
  if (b.length === 8) return b.readBigInt64BE();
  const text = b.toString('utf8');
  return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
}

/** Where a record came from, before any retry hop. */
export interface Origin {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
}

/** The retry state a record carries (none for a record straight from the source topic). */
export interface RetryState {
  attempts: number;
  firstFailure: number;
  dueAt: number;
  origin: Origin;
}

export function readRetryState(headers: IHeaders | undefined): RetryState | undefined {
  const attempts = headerText(headers, H.attempts);
  const topic = headerText(headers, H.dltOriginalTopic);
  if (attempts === undefined || topic === undefined) return undefined;
  return {
    attempts: Number(attempts),
    firstFailure: Number(headerText(headers, H.firstFailure) ?? Date.now()),
    dueAt: Number(headerText(headers, H.dueAt) ?? 0),
    origin: {
      topic,
      partition: Number(headerNumber(headers, H.dltOriginalPartition) ?? -1),
      offset: String(headerNumber(headers, H.dltOriginalOffset) ?? -1),
      timestamp: String(headerNumber(headers, H.dltOriginalTimestamp) ?? 0),
    },
  };
}

/** The record's own headers without any Junction failure headers (what the producer originally sent). */
export function originalHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (!FAILURE_HEADERS.has(k) && v !== undefined) out[k] = v;
  }
  return out;
}

export interface FailureContext {
  pipeline: string;
  consumerGroup: string;
  idempotencyKey?: string;
  origin: Origin;
  attempts: number;
  firstFailure: number;
  lastFailure: number;
  failure: FailureHeaderFields;
}

/** Headers for a dead-letter record: the original headers plus the full error. */
export function deadLetterHeaders(original: IHeaders | undefined, ctx: FailureContext): IHeaders {
  const h = originalHeaders(original);
  h[H.dltOriginalTopic] = ctx.origin.topic;
  h[H.dltOriginalPartition] = int32(ctx.origin.partition);
  h[H.dltOriginalOffset] = int64(ctx.origin.offset);
  h[H.dltOriginalTimestamp] = int64(ctx.origin.timestamp);
  h[H.dltOriginalTimestampType] = 'CreateTime';
  h[H.dltOriginalConsumerGroup] = ctx.consumerGroup;
  h[H.dltExceptionFqcn] = ctx.failure.errorClass;
  h[H.dltExceptionMessage] = ctx.failure.message;
  if (ctx.failure.stack) h[H.dltExceptionStacktrace] = ctx.failure.stack.slice(0, 8_000);
  h[H.pipeline] = ctx.pipeline;
  if (ctx.idempotencyKey !== undefined) h[H.idempotencyKey] = ctx.idempotencyKey;
  h[H.attempts] = String(ctx.attempts);
  h[H.firstFailure] = String(ctx.firstFailure);
  h[H.lastFailure] = String(ctx.lastFailure);
  h[H.errorKind] = ctx.failure.kind;
  h[H.errorCode] = ctx.failure.code;
  return h;
}

/** Headers for a retry-topic record: as a dead letter, plus when it is due. */
export function retryHeaders(original: IHeaders | undefined, ctx: FailureContext, dueAt: number): IHeaders {
  const h = deadLetterHeaders(original, ctx);
  delete h[H.dltExceptionStacktrace];
  h[H.dueAt] = String(dueAt);
  return h;
}

export interface ResultContext {
  pipeline: string;
  /** Deterministic per (idempotency key, output): a re-run emits the same ce_id. */
  id: string;
  type: string;
  time: number;
  subject?: string;
  traceparent?: string;
  tracestate?: string;
  idempotencyKey: string;
  origin: Origin;
  model?: { name: string; version?: string };
  degraded: boolean;
  route: string;
}

export function resultHeaders(ctx: ResultContext): IHeaders {
  const h: IHeaders = {
    [H.ceSpecVersion]: '1.0',
    [H.ceId]: ctx.id,
    [H.ceSource]: `junction/${ctx.pipeline}`,
    [H.ceType]: ctx.type,
    [H.ceTime]: new Date(ctx.time).toISOString(),
    [H.contentType]: 'application/avro',
    [H.idempotencyKey]: ctx.idempotencyKey,
    [H.pipeline]: ctx.pipeline,
    [H.sourceTopic]: ctx.origin.topic,
    [H.sourcePartition]: String(ctx.origin.partition),
    [H.sourceOffset]: ctx.origin.offset,
    [H.degraded]: String(ctx.degraded),
    [H.route]: ctx.route,
  };
  if (ctx.subject !== undefined) h[H.ceSubject] = ctx.subject;
  if (ctx.traceparent) h[H.traceparent] = ctx.traceparent;
  if (ctx.tracestate) h[H.tracestate] = ctx.tracestate;
  if (ctx.model) {
    h[H.modelName] = ctx.model.name;
    if (ctx.model.version !== undefined) h[H.modelVersion] = ctx.model.version;
  }
  return h;
}
