// The one resilience layer every Caller uses, built from cockatiel policies:
//
//   circuit breaker (SamplingBreaker)          one logical call counts once, whatever its attempts
//     └─ retry (exponential, full jitter,      only retriable CallErrors; waits at least Retry-After
//        Retry-After aware)
//          └─ timeout (per attempt)            aggressive: the attempt's signal aborts the HTTP request
//
// The layers are nested by hand rather than with cockatiel's wrap() so that each layer's errors can be
// turned into CallErrors before the next layer's filter looks at them (a cockatiel timeout must become a
// retriable CallError 'timeout'; an open circuit a CallError 'circuit-open').
import {
  CircuitState as BreakerState,
  ExponentialBackoff,
  SamplingBreaker,
  TimeoutStrategy,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  isBrokenCircuitError,
  retry,
  timeout,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { CallError, abortedError, classifyTransportError } from './call-error';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface ResilienceOptions {
  /** Per attempt, including reading the response body. Default 2000. */
  timeoutMs?: number;
  /**
   * maxAttempts counts every attempt (default 3: one try and two retries). Delays grow exponentially
   * from initialDelayMs (default 50) up to maxDelayMs (default 2000) with full jitter; a Retry-After
   * from the server is waited at least, up to maxDelayMs * 5.
   */
  retry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /**
   * A cockatiel SamplingBreaker: opens when more than failureRatio (default 0.5) of the calls in the last
   * windowMs (default 10 000) failed, once at least minimumRps (default 5) calls per second were seen;
   * lets a probe through after halfOpenAfterMs (default 5000). Only retriable failures count.
   */
  breaker?: { failureRatio?: number; minimumRps?: number; windowMs?: number; halfOpenAfterMs?: number };
}

export interface ResolvedResilienceOptions {
  timeoutMs: number;
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  failureRatio: number;
  minimumRps: number;
  windowMs: number;
  halfOpenAfterMs: number;
}

export interface AttemptContext {
  /** Aborted when the attempt times out or the caller gives up: hand it to the HTTP request. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface Resilience {
  readonly options: ResolvedResilienceOptions;
  /**
   * Runs `attempt` under breaker, retry and timeout. Rejects only with CallError: the last attempt's
   * error (with `attempts` set), 'circuit-open' without calling `attempt`, or 'aborted' when `signal` fires.
   */
  execute<T>(attempt: (ctx: AttemptContext) => Promise<T>, signal?: AbortSignal): Promise<T>;
  circuitState(): CircuitState;
  onCircuitChange(listener: (state: CircuitState) => void): () => void;
  dispose(): void;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be zero or more, got ${v}`);
  return v;
}

export function resolveResilienceOptions(opts: ResilienceOptions = {}): ResolvedResilienceOptions {
  const maxAttempts = opts.retry?.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  const failureRatio = opts.breaker?.failureRatio ?? 0.5;
  if (!(failureRatio > 0 && failureRatio < 1)) {
    throw new RangeError(`breaker.failureRatio must be between 0 and 1 (exclusive), got ${failureRatio}`);
  }
  return {
    timeoutMs: positive('timeoutMs', opts.timeoutMs, 2000),
    maxAttempts,
    initialDelayMs: nonNegative('retry.initialDelayMs', opts.retry?.initialDelayMs, 50),
    maxDelayMs: nonNegative('retry.maxDelayMs', opts.retry?.maxDelayMs, 2000),
    failureRatio,
    minimumRps: positive('breaker.minimumRps', opts.breaker?.minimumRps, 5),
    windowMs: positive('breaker.windowMs', opts.breaker?.windowMs, 10_000),
    halfOpenAfterMs: nonNegative('breaker.halfOpenAfterMs', opts.breaker?.halfOpenAfterMs, 5000),
  };
}

type RetryCtx = IRetryBackoffContext<unknown>;

/** The server's Retry-After hint on the failure being retried, if any. */
function retryAfterHint(ctx: RetryCtx): number | undefined {
  return 'error' in ctx.result && ctx.result.error instanceof CallError
    ? ctx.result.error.retryAfterMs
    : undefined;
}

function honourRetryAfter(inner: IBackoff<RetryCtx>, ctx: RetryCtx, capMs: number): IBackoff<RetryCtx> {
  const hint = retryAfterHint(ctx);
  const duration = hint === undefined ? inner.duration : Math.max(inner.duration, Math.min(hint, capMs));
  return { duration, next: (c) => honourRetryAfter(inner.next(c), c, capMs) };
}

/** cockatiel's exponential full-jitter backoff, lengthened to honour Retry-After (capped). */
export function retryBackoff(initialDelayMs: number, maxDelayMs: number): IBackoffFactory<RetryCtx> {
  const exponential: IBackoffFactory<RetryCtx> = new ExponentialBackoff({
    generator: fullJitterGenerator,
    initialDelay: initialDelayMs,
    maxDelay: maxDelayMs,
  });
  const capMs = maxDelayMs * 5;
  return { next: (ctx) => honourRetryAfter(exponential.next(ctx), ctx, capMs) };
}

// cockatiel 3.2's isTaskCancelledError() tests for the wrong marker property ('isBulkheadRejectedError'),
// so check the error's own marker.
function isTimeoutCancellation(err: unknown): boolean {
  return err instanceof Error && 'isTaskCancelledError' in err;
}

const countsAsFailure = (err: Error): boolean => err instanceof CallError && err.retriable;

/** Builds the policy for one endpoint. `name` goes into error messages. */
export function createResilience(name: string, options: ResilienceOptions = {}): Resilience {
  const o = resolveResilienceOptions(options);
  const breaker = circuitBreaker(handleWhen(countsAsFailure), {
    halfOpenAfter: o.halfOpenAfterMs,
    breaker: new SamplingBreaker({
      threshold: o.failureRatio,
      duration: o.windowMs,
      minimumRps: o.minimumRps,
    }),
  });
  const retryPolicy = retry(handleWhen(countsAsFailure), {
    maxAttempts: o.maxAttempts - 1, // cockatiel counts retries, not attempts
    backoff: retryBackoff(o.initialDelayMs, o.maxDelayMs),
  });
  const timeoutPolicy = timeout(o.timeoutMs, TimeoutStrategy.Aggressive);

  // circuit state as the outside sees it: cockatiel stays 'Open' until the next call after halfOpenAfter;
  // from then on the next call is a probe, so we report (and announce) 'half-open' on time.
  const listeners = new Set<(state: CircuitState) => void>();
  let openedAt = 0;
  let halfOpenTimer: NodeJS.Timeout | undefined;
  let announced: CircuitState = 'closed';

  const circuitState = (): CircuitState => {
    switch (breaker.state) {
      case BreakerState.Closed:
        return 'closed';
      case BreakerState.HalfOpen:
        return 'half-open';
      case BreakerState.Open:
        return Date.now() - openedAt >= o.halfOpenAfterMs ? 'half-open' : 'open';
      case BreakerState.Isolated:
        return 'open';
    }
  };

  const announce = (): void => {
    const state = circuitState();
    if (state === announced) return;
    announced = state;
    for (const listener of [...listeners]) {
      try {
        listener(state);
      } catch {
        // a metrics listener must not break calls
      }
    }
  };

  const stateChange = breaker.onStateChange((state) => {
    clearTimeout(halfOpenTimer);
    halfOpenTimer = undefined;
    if (state === BreakerState.Open) {
      openedAt = Date.now();
      halfOpenTimer = setTimeout(announce, o.halfOpenAfterMs);
      halfOpenTimer.unref();
    }
    announce();
  });

  const execute = async <T>(
    attempt: (ctx: AttemptContext) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> => {
    if (signal?.aborted) throw abortedError(name, signal.reason);
    let attempts = 0;

    const oneAttempt = async (retrySignal: AbortSignal): Promise<T> => {
      if (retrySignal.aborted || signal?.aborted) throw abortedError(name, signal?.reason, attempts);
      const n = ++attempts;
      try {
        return await timeoutPolicy.execute(
          ({ signal: attemptSignal }) => attempt({ signal: attemptSignal, attempt: n }),
          retrySignal,
        );
      } catch (err) {
        if (signal?.aborted) throw abortedError(name, signal.reason, n);
        if (isTimeoutCancellation(err)) {
          throw new CallError({
            code: 'timeout',
            message: `${name}: no answer within ${o.timeoutMs}ms`,
            attempts: n,
            cause: err,
          });
        }
        throw classifyTransportError(err, name).withAttempts(n);
      }
    };

    const run = breaker
      .execute(
        ({ signal: breakerSignal }) =>
          retryPolicy.execute(({ signal: retrySignal }) => oneAttempt(retrySignal), breakerSignal),
        signal,
      )
      .catch((err: unknown) => {
        if (isBrokenCircuitError(err)) {
          throw new CallError({
            code: 'circuit-open',
            message: `${name}: circuit open, call not sent`,
            attempts: 0,
            cause: err,
          });
        }
        if (signal?.aborted) throw abortedError(name, signal.reason, attempts);
        throw classifyTransportError(err, name);
      });

    if (!signal) return run;
    // cockatiel's retry delay does not listen to the signal: answer the caller as soon as it gives up
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(abortedError(name, signal.reason, attempts));
      signal.addEventListener('abort', onAbort, { once: true });
      void run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  };

  return {
    options: o,
    execute,
    circuitState,
    onCircuitChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      clearTimeout(halfOpenTimer);
      stateChange.dispose();
      listeners.clear();
    },
  };
}
