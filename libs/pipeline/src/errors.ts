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
  readonly kind = 'poison' as const;
  readonly failureCode: string;
  constructor(
    readonly rule: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.failureCode = `quality.${rule}`;
  }
}

/** The pipeline's own mapping (`request`, `result`, `route`, `key`) threw or returned nonsense. */
export class MappingError extends Error {
  override name = 'MappingError';
  readonly kind = 'permanent' as const;
  readonly failureCode = 'mapping';
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
  readonly kind = 'poison' as const;
  readonly failureCode = 'null-value';
  constructor() {
    super('record value is null; expected an Avro-encoded event');
  }
}

const KINDS: ReadonlySet<unknown> = new Set<FailureKind>(['retriable', 'permanent', 'poison']);

/**
 * Reads the kind and code an error was thrown with (`kind`, `failureCode`: the errors of
 * @junction/schemas, @junction/calls and this package carry them). An error without a kind is a bug
 * or a foreign library's: permanent, unless it says itself that it is `retriable`.
 */
export function classify(err: unknown): Failure {
  const e = err instanceof Error ? err : new Error(String(err));
  const own = e as { kind?: unknown; failureCode?: unknown; retriable?: unknown; retryAfterMs?: unknown };
  const kind: FailureKind = KINDS.has(own.kind)
    ? (own.kind as FailureKind)
    : own.retriable === true
      ? 'retriable'
      : 'permanent';
  const code = typeof own.failureCode === 'string' ? own.failureCode : 'error';
  const failure: Failure = {
    kind,
    code,
    errorClass: e.name || e.constructor?.name || 'Error',
    message: e.message,
  };
  if (e.stack) failure.stack = e.stack;
  if (typeof own.retryAfterMs === 'number') failure.retryAfterMs = own.retryAfterMs;
  return failure;
}
