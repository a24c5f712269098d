/**
 * Every failure a record can meet is classified once, here, into one of three kinds; the router
 * acts on the kind and never on message strings.
 *
 * - `retriable`: the world may change (a timeout, a 503, the registry down, an open circuit): retry
 *   inline, then through the retry topic, then dead-letter.
 * - `permanent`: the record is fine but the work failed for good (a 400 from the model, a result that
 *   does not fit the output schema, a bug in a mapping function): dead-letter at once.
 * - `poison`: the record itself is bad (not Avro, unknown schema, fails a data-quality rule): dead-letter
 *   at once with the reason; retrying cannot help.
 */
export type FailureKind = 'retriable' | 'permanent' | 'poison';

export interface Failure {
  kind: FailureKind;
  /** Stable machine-readable code, e.g. `wire-format`, `quality.range`, `call.timeout`. */
  code: string;
  /** Error class name, written to `kafka_dlt-exception-fqcn`. */
  errorClass: string;
  message: string;
  stack?: string;
  /** When the upstream said how long to wait (Retry-After). */
  retryAfterMs?: number;
}

/** A data-quality rule failed: the record is poison. */
export class QualityError extends Error {
  override name = 'QualityError';
  readonly retriable = false;
  constructor(
    readonly rule: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The pipeline's own mapping (`request`, `result`, `route`, `key`) threw or returned nonsense. */
export class MappingError extends Error {
  override name = 'MappingError';
  readonly retriable = false;
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The source record has no value (a tombstone) where an event was expected. */
export class NullValueError extends Error {
  override name = 'NullValueError';
  readonly retriable = false;
  constructor() {
    super('record value is null; expected an Avro-encoded event');
  }
}

const POISON = new Set([
  'WireFormatError',
  'UnknownSchemaError',
  'AvroDecodeError',
  'SchemaResolutionError',
  'QualityError',
  'NullValueError',
]);

const CODES: Record<string, string> = {
  WireFormatError: 'wire-format',
  UnknownSchemaError: 'unknown-schema',
  AvroDecodeError: 'avro-decode',
  SchemaResolutionError: 'schema-resolution',
  NullValueError: 'null-value',
  RegistryUnavailableError: 'registry-unavailable',
  AvroEncodeError: 'avro-encode',
  MappingError: 'mapping',
};

export function classify(err: unknown): Failure {
  const e = err instanceof Error ? err : new Error(String(err));
  const name = e.name || e.constructor?.name || 'Error';
  const retriable = (e as { retriable?: unknown }).retriable === true;
  let code = CODES[name] ?? 'error';
  if (e instanceof QualityError) code = `quality.${e.rule}`;
  if (name === 'CallError') code = `call.${String((e as { code?: unknown }).code ?? 'error')}`;
  const kind: FailureKind = POISON.has(name) ? 'poison' : retriable ? 'retriable' : 'permanent';
  const failure: Failure = { kind, code, errorClass: name, message: e.message };
  if (e.stack) failure.stack = e.stack;
  const retryAfterMs = (e as { retryAfterMs?: unknown }).retryAfterMs;
  if (typeof retryAfterMs === 'number') failure.retryAfterMs = retryAfterMs;
  return failure;
}
