// The Caller contract the pipeline engine uses, and the plumbing every protocol shares: one HTTP pool,
// one resilience layer, an optional batcher, and a close() that drains them in order.
import { createHash } from 'node:crypto';
import { BatcherClosedError } from './micro-batcher';
import { CallError, abortedError } from './call-error';
import type { HttpClient } from './http-client';
import type { CircuitState, Resilience } from './resilience';

export interface CallContext {
  /** Sent as the `Idempotency-Key` header on every HTTP call. */
  idempotencyKey: string;
  /** W3C traceparent to propagate, optional. */
  traceparent?: string;
  signal?: AbortSignal;
}

export interface ModelInfo {
  name: string;
  version?: string;
}

export interface CallResult<Res> {
  output: Res;
  model?: ModelInfo;
}

/** What the pipeline engine calls. One instance per endpoint; it owns its pool, batcher and breaker. */
export interface Caller<Req, Res> {
  /** Logical name, used for breaker/metrics, e.g. 'lead-scorer'. */
  readonly endpoint: string;
  /** Rejects with a CallError for anything that went wrong on the way or at the other end; with a TypeError for a malformed request or context. */
  call(request: Req, ctx: CallContext): Promise<CallResult<Res>>;
  circuitState(): CircuitState;
  /** Subscribe to circuit state changes (for metrics/health). Returns an unsubscribe fn. */
  onCircuitChange(listener: (state: CircuitState) => void): () => void;
  /** Refuses new calls, lets the ones under way finish (queued batch members are flushed at once), then closes the pool. */
  close(): Promise<void>;
}

/**
 * The Idempotency-Key of a batched HTTP call: sha256 over the member keys joined by '\n', hex, first 32
 * characters. The same members in the same order give the same key, so a retried batch is recognisable.
 */
export function batchIdempotencyKey(keys: readonly string[]): string {
  return createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32);
}

// Header values may not hold control characters; undici would refuse them later, less clearly.
const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]+$/;

export function checkContext(ctx: CallContext, endpoint: string): void {
  if (
    typeof ctx?.idempotencyKey !== 'string' ||
    ctx.idempotencyKey === '' ||
    !HEADER_SAFE.test(ctx.idempotencyKey)
  ) {
    throw new TypeError(`${endpoint}: ctx.idempotencyKey must be a non-empty header-safe string`);
  }
  if (
    ctx.traceparent !== undefined &&
    (typeof ctx.traceparent !== 'string' || !HEADER_SAFE.test(ctx.traceparent))
  ) {
    throw new TypeError(`${endpoint}: ctx.traceparent must be a header-safe string`);
  }
}

/** Errors from the batcher that are not CallErrors: a member's abort reason, or the batcher being closed. */
export function batchMemberError(endpoint: string, err: unknown, signal: AbortSignal | undefined): unknown {
  if (err instanceof CallError) return err;
  if (err instanceof BatcherClosedError) return closedError(endpoint);
  if (signal?.aborted && err === signal.reason) return abortedError(endpoint, err);
  return err;
}

export function closedError(endpoint: string): CallError {
  return new CallError({ code: 'aborted', message: `${endpoint}: caller is closed` });
}

export interface CallerParts<Req, Res> {
  endpoint: string;
  http: HttpClient;
  resilience: Resilience;
  /** The protocol's own work for one call; context already checked. */
  call: (request: Req, ctx: CallContext) => Promise<CallResult<Res>>;
  /** Flushes and drains the batcher, when there is one. */
  drain?: () => Promise<void>;
}

/** Wraps a protocol's call function into a Caller: closed-state, in-flight tracking, circuit and close(). */
export function assembleCaller<Req, Res>(parts: CallerParts<Req, Res>): Caller<Req, Res> {
  const { endpoint, http, resilience } = parts;
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  return {
    endpoint,
    call(request, ctx) {
      if (closing) return Promise.reject(closedError(endpoint));
      // the breaker would refuse it anyway; saying so now spares a batch member its linger
      if (resilience.circuitState() === 'open') {
        return Promise.reject(
          new CallError({
            code: 'circuit-open',
            message: `${endpoint}: circuit open, call not sent`,
            attempts: 0,
          }),
        );
      }
      let p: Promise<CallResult<Res>>;
      try {
        checkContext(ctx, endpoint);
        p = parts.call(request, ctx);
      } catch (err) {
        return Promise.reject(err);
      }
      const tracked = p.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(tracked);
      void tracked.finally(() => inFlight.delete(tracked));
      return p;
    },
    circuitState: () => resilience.circuitState(),
    onCircuitChange: (listener) => resilience.onCircuitChange(listener),
    close() {
      closing ??= (async () => {
        await parts.drain?.();
        await Promise.all([...inFlight]);
        await http.close();
        resilience.dispose();
      })();
      return closing;
    },
  };
}
