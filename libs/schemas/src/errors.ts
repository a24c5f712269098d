// Every error this package throws carries its kind for a pipeline's retry / dead-letter decision,
// decided here where the failure is understood:
// - `retriable`: the same record may succeed later (the registry was down or slow);
// - `poison`: the record itself is bad and will fail the same way every time (dead-letter it);
// - `permanent`: the record may be fine but the operation failed for good (a result that does not fit
//   its output schema, a registry refusing a schema).

export type ErrorKind = 'retriable' | 'permanent' | 'poison';

/** Base class of the errors thrown by `@junction/schemas`. */
export abstract class SchemaError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable machine-readable code (written to a dead letter's `junction-error-code`). */
  abstract readonly failureCode: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True when retrying the same operation later can succeed (registry down, timeout, 5xx). */
  get retriable(): boolean {
    return this.kind === 'retriable';
  }
}

/** A record value that is not in the Confluent wire format (`0x00`, 4-byte schema id, Avro body). Poison. */
export class WireFormatError extends SchemaError {
  readonly kind = 'poison' as const;
  readonly failureCode = 'wire-format';
}

/** What a registry error carries besides its message. */
export interface RegistryErrorDetails {
  subject?: string;
  schemaId?: number;
  /** HTTP status, when the registry answered. */
  status?: number;
  /** The registry's `error_code` (e.g. 40403 schema not found, 409 incompatible, 42201 invalid schema). */
  errorCode?: number;
  cause?: unknown;
}

/** Base class of errors from the schema registry client. */
export abstract class RegistryError extends SchemaError {
  readonly subject: string | undefined;
  readonly schemaId: number | undefined;
  readonly status: number | undefined;
  readonly errorCode: number | undefined;

  constructor(message: string, details: RegistryErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.subject = details.subject;
    this.schemaId = details.schemaId;
    this.status = details.status;
    this.errorCode = details.errorCode;
  }
}

/**
 * The registry does not know the schema id (or the subject / schema asked for): HTTP 404.
 * Not retriable by default: a record whose writer schema id is unknown is poison. A caller that
 * expects registry replication lag may retry anyway (the client caches a 404 only for a few
 * seconds), or build the client with `unknownSchemaRetriable: true`.
 */
export class UnknownSchemaError extends RegistryError {
  readonly kind: ErrorKind;
  readonly failureCode = 'unknown-schema';

  constructor(message: string, details: RegistryErrorDetails & { retriable?: boolean } = {}) {
    super(message, details);
    this.kind = details.retriable ? 'retriable' : 'poison';
  }
}

/** The registry could not be reached or failed: connection refused, timeout, HTTP 5xx or 429. Retriable. */
export class RegistryUnavailableError extends RegistryError {
  readonly kind = 'retriable' as const;
  readonly failureCode = 'registry-unavailable';
}

/** The registry refused a schema as incompatible with the subject's earlier versions (HTTP 409). */
export class IncompatibleSchemaError extends RegistryError {
  readonly kind = 'permanent' as const;
  readonly failureCode = 'incompatible-schema';
}

/** The registry refused a schema as invalid (HTTP 422). */
export class InvalidSchemaError extends RegistryError {
  readonly kind = 'permanent' as const;
  readonly failureCode = 'invalid-schema';
}

/** Any other refusal by the registry (400, 401, 403, 415, ...): a set-up problem, not retriable as is. */
export class RegistryRequestError extends RegistryError {
  readonly kind = 'permanent' as const;
  readonly failureCode = 'registry-request';
}

/** The writer schema of a record cannot be read with the reader schema (or is not a usable Avro schema). Poison. */
export class SchemaResolutionError extends SchemaError {
  readonly kind = 'poison' as const;
  readonly failureCode = 'schema-resolution';
  readonly schemaId: number | undefined;

  constructor(message: string, details: { schemaId?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.schemaId = details.schemaId;
  }
}

/** The Avro body is corrupt: truncated, trailing bytes, or values its writer schema cannot produce. Poison. */
export class AvroDecodeError extends SchemaError {
  readonly kind = 'poison' as const;
  readonly failureCode = 'avro-decode';
  readonly schemaId: number | undefined;

  constructor(message: string, details: { schemaId?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.schemaId = details.schemaId;
  }
}

/** A value does not match the schema it is encoded with; `paths` lists the failing fields (`address.city`, `tags.2`). */
export class AvroEncodeError extends SchemaError {
  readonly kind = 'permanent' as const;
  readonly failureCode = 'avro-encode';
  readonly subject: string | undefined;
  readonly paths: readonly string[];

  constructor(
    message: string,
    details: { subject?: string; paths?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.subject = details.subject;
    this.paths = details.paths ?? [];
  }
}
