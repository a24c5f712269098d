// CallError: the one error type a Caller rejects with, plus the rules that classify HTTP statuses and
// transport (undici / socket) errors into its codes.

export type CallErrorCode = 'timeout' | 'connection' | 'http' | 'circuit-open' | 'bad-response' | 'aborted';

export interface CallErrorInit {
  code: CallErrorCode;
  message: string;
  /** Defaults to the code's usual answer: see {@link defaultRetriable}. */
  retriable?: boolean;
  status?: number;
  retryAfterMs?: number;
  attempts?: number;
  cause?: unknown;
}

export class CallError extends Error {
  override readonly name = 'CallError';
  readonly code: CallErrorCode;
  /** Timeouts, connection errors, 429, 5xx and circuit-open are retriable; other 4xx, bad-response and aborted are not. */
  readonly retriable: boolean;
  readonly status?: number;
  /** From the response's Retry-After header, in milliseconds from when it was received. */
  readonly retryAfterMs?: number;
  /** How many HTTP attempts were made inline before this error was given up on (0: none was sent). */
  readonly attempts: number;
  /** Retriable failures may succeed later; the others will fail the same way again (permanent). */
  readonly kind: 'retriable' | 'permanent';
  /** Stable machine-readable code (written to a dead letter's `junction-error-code`). */
  readonly failureCode: string;

  constructor(init: CallErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.retriable = init.retriable ?? defaultRetriable(init.code, init.status);
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts ?? 0;
    this.kind = this.retriable ? 'retriable' : 'permanent';
    this.failureCode = `call.${this.code}`;
  }

  /** The same error, recording how many attempts were made. */
  withAttempts(attempts: number): CallError {
    if (attempts === this.attempts) return this;
    const copy = new CallError({
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      attempts,
      cause: this.cause,
    });
    if (this.stack !== undefined) copy.stack = this.stack;
    return copy;
  }
}

export function isCallError(err: unknown): err is CallError {
  return err instanceof CallError;
}

/** Whether an HTTP status is worth another attempt: 408, 429 and every 5xx. */
export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

export function defaultRetriable(code: CallErrorCode, status?: number): boolean {
  switch (code) {
    case 'timeout':
    case 'connection':
    case 'circuit-open':
      return true;
    case 'http':
      return status !== undefined && isRetriableStatus(status);
    case 'bad-response':
    case 'aborted':
      return false;
  }
}

/** The error for a non-2xx response. `bodySnippet` (already truncated) goes into the message for debugging. */
export function httpStatusError(
  status: number,
  opts: { what: string; retryAfterMs?: number | undefined; bodySnippet?: string },
): CallError {
  const detail = opts.bodySnippet ? `: ${opts.bodySnippet}` : '';
  return new CallError({
    code: 'http',
    message: `${opts.what} answered HTTP ${status}${detail}`,
    status,
    retriable: isRetriableStatus(status),
    retryAfterMs: opts.retryAfterMs,
  });
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);
/** Caller mistakes or a response too large: trying again cannot help. */
const NOT_RETRIABLE_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_INVALID_RETURN_VALUE',
]);
const BAD_RESPONSE_CODES = new Set([
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_HEADER_TOKEN',
]);

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return undefined;
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/**
 * Maps an error thrown while sending a request or reading its response (undici errors, socket errors
 * such as ECONNREFUSED/ECONNRESET, AbortError) to a CallError. A CallError passes through unchanged.
 */
export function classifyTransportError(err: unknown, what = 'request'): CallError {
  if (err instanceof CallError) return err;
  const code = errorCode(err);
  const name = errorName(err);
  const text = err instanceof Error ? err.message : String(err);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new CallError({ code: 'timeout', message: `${what} timed out (${code}): ${text}`, cause: err });
  }
  if (name === 'AbortError' || name === 'TimeoutError' || (code !== undefined && ABORT_CODES.has(code))) {
    // a TimeoutError comes from AbortSignal.timeout(): a deadline, not the caller giving up
    if (name === 'TimeoutError')
      return new CallError({ code: 'timeout', message: `${what} timed out: ${text}`, cause: err });
    return new CallError({ code: 'aborted', message: `${what} was aborted`, cause: err });
  }
  if (code !== undefined && BAD_RESPONSE_CODES.has(code)) {
    return new CallError({
      code: 'bad-response',
      message: `${what}: unusable response (${code}): ${text}`,
      cause: err,
    });
  }
  if (code !== undefined && NOT_RETRIABLE_CODES.has(code)) {
    return new CallError({
      code: 'connection',
      retriable: false,
      message: `${what} could not be sent (${code}): ${text}`,
      cause: err,
    });
  }
  // ECONNREFUSED, ECONNRESET, EPIPE, ENOTFOUND, EAI_AGAIN, UND_ERR_SOCKET, UND_ERR_CLOSED, ... and anything unknown
  return new CallError({
    code: 'connection',
    message: `${what} failed${code ? ` (${code})` : ''}: ${text}`,
    cause: err,
  });
}

/** The error given to a caller whose own AbortSignal fired. */
export function abortedError(what: string, reason?: unknown, attempts = 0): CallError {
  if (reason instanceof CallError) return reason;
  return new CallError({
    code: 'aborted',
    message: `${what} was aborted by the caller`,
    cause: reason,
    attempts,
  });
}
