// The shared resilience layer against a real local HTTP server (through jsonHttp: one request per call).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallError } from './call-error';
import type { Caller } from './caller';
import { jsonHttp } from './json-http';
import { createResilience, retryBackoff, type CircuitState, type ResilienceOptions } from './resilience';
import { sendJson, sleep, startTestServer, type TestServer } from './test-http-server';

let server: TestServer;
const callers: Caller<unknown, unknown>[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(callers.splice(0).map((c) => c.close()));
  server.requests.length = 0;
});

function caller(
  opts: ResilienceOptions = {},
  extra: { baseUrl?: string } = {},
): Caller<{ id: string }, { ok: boolean }> {
  const c = jsonHttp<{ id: string }, { ok: boolean }>({
    endpoint: 'crm-writeback',
    baseUrl: extra.baseUrl ?? server.baseUrl,
    path: '/leads/{id}',
    ...opts,
    retry: { initialDelayMs: 5, maxDelayMs: 20, ...opts.retry },
  });
  callers.push(c as Caller<unknown, unknown>);
  return c;
}

async function callError(p: Promise<unknown>): Promise<CallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallError);
  return err as CallError;
}

describe('retries', () => {
  it('retries a 503 and succeeds, with the same Idempotency-Key on every attempt', async () => {
    server.handler = (_req, res) =>
      server.requests.length <= 2
        ? sendJson(res, 503, { error: 'warming up' })
        : sendJson(res, 200, { ok: true });
    const result = await caller().call({ id: 'L-1' }, { idempotencyKey: 'lead-1' });
    expect(result.output).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(['lead-1', 'lead-1', 'lead-1']);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/leads/L-1', body: { id: 'L-1' } });
  });

  it('gives up after maxAttempts with the last error and the attempt count', async () => {
    server.handler = (_req, res) => sendJson(res, 502, { error: 'bad gateway' });
    const err = await callError(
      caller({ retry: { maxAttempts: 3 } }).call({ id: 'L-2' }, { idempotencyKey: 'k' }),
    );
    expect(err).toMatchObject({ code: 'http', status: 502, retriable: true, attempts: 3 });
    expect(err.message).toContain('bad gateway');
    expect(server.requests).toHaveLength(3);
  });

  it('honours Retry-After on 429: waits at least that long before the next attempt', async () => {
    server.handler = (_req, res) =>
      server.requests.length === 1
        ? sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '0.3' })
        : sendJson(res, 200, { ok: true });
    const result = await caller({ retry: { initialDelayMs: 1, maxDelayMs: 100 } }).call(
      { id: 'L-3' },
      { idempotencyKey: 'k' },
    );
    expect(result.output).toEqual({ ok: true });
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(290);
  });

  it('caps a long Retry-After at maxDelayMs * 5 and reports it on the error', async () => {
    server.handler = (_req, res) => sendJson(res, 429, { error: 'later' }, { 'retry-after': '30' });
    const started = Date.now();
    const err = await callError(
      caller({ retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 40 } }).call(
        { id: 'L-4' },
        { idempotencyKey: 'k' },
      ),
    );
    expect(err).toMatchObject({
      code: 'http',
      status: 429,
      retriable: true,
      retryAfterMs: 30_000,
      attempts: 2,
    });
    const gap = server.requests[1]!.at - server.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('does not retry a 400, and a 400 does not open the circuit', async () => {
    server.handler = (_req, res) => sendJson(res, 400, { error: 'unknown field' });
    const c = caller({ breaker: { failureRatio: 0.5, minimumRps: 1, windowMs: 1000, halfOpenAfterMs: 100 } });
    const changes: CircuitState[] = [];
    c.onCircuitChange((s) => changes.push(s));
    for (let i = 0; i < 6; i++) {
      const err = await callError(c.call({ id: `L-${i}` }, { idempotencyKey: `k-${i}` }));
      expect(err).toMatchObject({ code: 'http', status: 400, retriable: false, attempts: 1 });
    }
    expect(server.requests).toHaveLength(6);
    expect(c.circuitState()).toBe('closed');
    expect(changes).toEqual([]);
  });
});

describe('timeouts, connections and aborts', () => {
  it('an attempt that takes longer than timeoutMs fails with code timeout, after retrying it', async () => {
    server.handler = async (_req, res) => {
      await sleep(400);
      sendJson(res, 200, { ok: true });
    };
    const started = Date.now();
    const err = await callError(
      caller({ timeoutMs: 50, retry: { maxAttempts: 2 } }).call({ id: 'L-5' }, { idempotencyKey: 'k' }),
    );
    expect(err).toMatchObject({ code: 'timeout', retriable: true, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(350);
    expect(server.requests).toHaveLength(2);
  });

  it('a refused connection is a retriable connection error', async () => {
    const gone = await startTestServer();
    const baseUrl = gone.baseUrl;
    await gone.close();
    const err = await callError(
      caller({ retry: { maxAttempts: 2 } }, { baseUrl }).call({ id: 'L-6' }, { idempotencyKey: 'k' }),
    );
    expect(err).toMatchObject({ code: 'connection', retriable: true, attempts: 2 });
  });

  it("the caller's AbortSignal ends the call at once with code aborted", async () => {
    server.handler = async (_req, res) => {
      await sleep(500);
      sendJson(res, 200, { ok: true });
    };
    const ac = new AbortController();
    const started = Date.now();
    const p = caller().call({ id: 'L-7' }, { idempotencyKey: 'k', signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    const err = await callError(p);
    expect(err).toMatchObject({ code: 'aborted', retriable: false });
    expect(Date.now() - started).toBeLessThan(300);
    await expect(
      caller().call({ id: 'L-8' }, { idempotencyKey: 'k', signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'aborted', attempts: 0 });
  });
});

describe('circuit breaker', () => {
  it('opens on repeated 5xx, then fails fast without sending, and half-opens after halfOpenAfterMs', async () => {
    server.handler = (_req, res) => sendJson(res, 500, { error: 'model crashed' });
    const c = caller({
      retry: { maxAttempts: 1 },
      breaker: { failureRatio: 0.5, minimumRps: 2, windowMs: 1000, halfOpenAfterMs: 150 },
    });
    const changes: CircuitState[] = [];
    c.onCircuitChange((s) => changes.push(s));

    expect((await callError(c.call({ id: 'a' }, { idempotencyKey: 'a' }))).code).toBe('http');
    expect(c.circuitState()).toBe('closed'); // one call is below minimumRps over the window
    expect((await callError(c.call({ id: 'b' }, { idempotencyKey: 'b' }))).code).toBe('http');
    expect(c.circuitState()).toBe('open');
    expect(server.requests).toHaveLength(2);

    const fast = await callError(c.call({ id: 'c' }, { idempotencyKey: 'c' }));
    expect(fast).toMatchObject({ code: 'circuit-open', retriable: true, attempts: 0 });
    expect(server.requests).toHaveLength(2); // nothing was sent

    await sleep(200);
    expect(c.circuitState()).toBe('half-open');
    expect(changes).toEqual(['open', 'half-open']);

    server.handler = (_req, res) => sendJson(res, 200, { ok: true });
    expect((await c.call({ id: 'd' }, { idempotencyKey: 'd' })).output).toEqual({ ok: true });
    expect(c.circuitState()).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
    expect(server.requests).toHaveLength(3);
  });

  it('a failed probe opens the circuit again', async () => {
    server.handler = (_req, res) => sendJson(res, 503, {});
    const c = caller({
      retry: { maxAttempts: 1 },
      breaker: { failureRatio: 0.5, minimumRps: 1, windowMs: 1000, halfOpenAfterMs: 100 },
    });
    const changes: CircuitState[] = [];
    const unsubscribe = c.onCircuitChange((s) => changes.push(s));
    await callError(c.call({ id: 'a' }, { idempotencyKey: 'a' }));
    expect(c.circuitState()).toBe('open');
    await sleep(130);
    expect((await callError(c.call({ id: 'b' }, { idempotencyKey: 'b' }))).code).toBe('http'); // the probe
    expect(c.circuitState()).toBe('open');
    expect(server.requests).toHaveLength(2);
    unsubscribe();
    await sleep(130);
    expect(changes).toEqual(['open', 'half-open', 'open']);
  });
});

describe('createResilience without HTTP', () => {
  it('counts attempts and passes each attempt its number and a signal', async () => {
    const r = createResilience('unit', { retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    const seen: number[] = [];
    const value = await r.execute(({ attempt, signal }) => {
      seen.push(attempt);
      expect(signal.aborted).toBe(false);
      if (attempt < 3) return Promise.reject(new CallError({ code: 'connection', message: 'reset' }));
      return Promise.resolve('done');
    });
    expect(value).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
    r.dispose();
  });

  it('maps stray errors from an attempt to CallErrors', async () => {
    const r = createResilience('unit', { retry: { maxAttempts: 1 } });
    await expect(
      r.execute(() => Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))),
    ).rejects.toMatchObject({
      name: 'CallError',
      code: 'connection',
      attempts: 1,
    });
    r.dispose();
  });

  it('the backoff is full-jitter exponential, lengthened to a Retry-After hint up to maxDelayMs * 5', () => {
    const signal = new AbortController().signal;
    const backoff = retryBackoff(100, 1000);
    const plain = {
      attempt: 1,
      signal,
      result: { error: new CallError({ code: 'http', status: 503, message: '' }) },
    };
    for (let i = 0; i < 50; i++) {
      const d = backoff.next(plain).duration;
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(100);
    }
    const third = backoff.next(plain).next(plain).next(plain).duration;
    expect(third).toBeLessThan(400);
    const hinted = (ms: number) => ({
      attempt: 1,
      signal,
      result: { error: new CallError({ code: 'http', status: 429, retryAfterMs: ms, message: '' }) },
    });
    expect(backoff.next(hinted(700)).duration).toBe(700);
    expect(backoff.next(hinted(60_000)).duration).toBe(5000);
  });

  it('rejects bad options', () => {
    expect(() => createResilience('x', { timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createResilience('x', { retry: { maxAttempts: 0 } })).toThrow(RangeError);
    expect(() => createResilience('x', { breaker: { failureRatio: 1 } })).toThrow(RangeError);
  });
});
