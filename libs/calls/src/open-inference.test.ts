// Open Inference Protocol v2 against a real local HTTP server that behaves like a small KServe model.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallError } from './call-error';
import { batchIdempotencyKey, type Caller } from './caller';
import {
  openInference,
  type OipRequest,
  type OipResponse,
  type OpenInferenceOptions,
} from './open-inference';
import { sendJson, startTestServer, type RecordedRequest, type TestServer } from './test-http-server';

interface Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}
interface InferBody {
  id: string;
  inputs: Tensor[];
  parameters: { idempotency_keys: string[] };
}

/** score = 2x; pair = the row's vec reversed; tag = [label upper-cased] (a [n,1] BYTES output). */
function scorerResponse(req: RecordedRequest): unknown {
  const body = req.body as InferBody;
  const input = (name: string): Tensor => body.inputs.find((t) => t.name === name)!;
  const n = input('x').shape[0]!;
  const x = input('x').data as number[];
  const vec = input('vec').data as number[];
  const label = input('label').data as string[];
  const pair: number[] = [];
  for (let i = 0; i < n; i++) pair.push(vec[2 * i + 1]!, vec[2 * i]!);
  return {
    id: body.id,
    model_name: 'scorer',
    model_version: '3',
    outputs: [
      { name: 'score', shape: [n], datatype: 'FP32', data: x.map((v) => v * 2) },
      { name: 'pair', shape: [n, 2], datatype: 'FP32', data: pair },
      { name: 'tag', shape: [n, 1], datatype: 'BYTES', data: label.map((l) => l.toUpperCase()) },
    ],
  };
}

let server: TestServer;
const callers: Caller<OipRequest, OipResponse>[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(callers.splice(0).map((c) => c.close()));
  server.requests.length = 0;
});

function scorer(opts: Partial<OpenInferenceOptions> = {}): Caller<OipRequest, OipResponse> {
  const c = openInference({
    endpoint: 'lead-scorer',
    baseUrl: server.baseUrl,
    model: 'scorer',
    version: '3',
    batch: { max: 4, lingerMs: 20 },
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    ...opts,
  });
  callers.push(c);
  return c;
}

const row = (i: number): OipRequest => ({ x: i, vec: [i, i + 0.5], label: `lead-${i}` });

describe('openInference', () => {
  it('batches N concurrent calls into ceil(N/max) requests and gives each caller its own row', async () => {
    server.handler = (req, res) => sendJson(res, 200, scorerResponse(req));
    const c = scorer();
    const n = 10;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        c.call(row(i), {
          idempotencyKey: `key-${i}`,
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        }),
      ),
    );

    expect(server.requests).toHaveLength(Math.ceil(n / 4));
    results.forEach((r, i) => {
      expect(r.output).toEqual({ score: i * 2, pair: [i + 0.5, i], tag: [`LEAD-${i}`] });
      expect(r.model).toEqual({ name: 'scorer', version: '3' });
    });

    const sizes = server.requests.map((r) => (r.body as InferBody).parameters.idempotency_keys.length);
    expect(sizes.sort()).toEqual([2, 4, 4]);
    for (const req of server.requests) {
      const body = req.body as InferBody;
      const keys = body.parameters.idempotency_keys;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/v2/models/scorer/versions/3/infer');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['idempotency-key']).toBe(batchIdempotencyKey(keys));
      expect(req.headers['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
      expect(req.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      expect(body.id).toBe(req.headers['idempotency-key']);
      const m = keys.length;
      const rows = keys.map((k) => Number(k.slice(4)));
      expect(body.inputs).toEqual([
        { name: 'x', shape: [m], datatype: 'FP32', data: rows },
        { name: 'vec', shape: [m, 2], datatype: 'FP32', data: rows.flatMap((i) => [i, i + 0.5]) },
        { name: 'label', shape: [m], datatype: 'BYTES', data: rows.map((i) => `lead-${i}`) },
      ]);
    }
  });

  it('sends a batch of one when the linger expires, to the unversioned path', async () => {
    server.handler = (req, res) =>
      sendJson(res, 200, { ...(scorerResponse(req) as object), model_version: undefined });
    const c = scorer({ version: undefined, batch: { max: 32, lingerMs: 5 } });
    const r = await c.call(row(7), { idempotencyKey: 'only' });
    expect(r.output.score).toBe(14);
    expect(r.model).toEqual({ name: 'scorer' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.url).toBe('/v2/models/scorer/infer');
    expect(server.requests[0]!.headers['idempotency-key']).toBe(batchIdempotencyKey(['only']));
  });

  it('retries a batch after a 503 with the same Idempotency-Key, and every member succeeds', async () => {
    server.handler = (req, res) =>
      server.requests.length === 1
        ? sendJson(res, 503, { error: 'loading' })
        : sendJson(res, 200, scorerResponse(req));
    const c = scorer();
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => c.call(row(i), { idempotencyKey: `key-${i}` })),
    );
    expect(results.map((r) => r.output.score)).toEqual([0, 2, 4, 6]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers['idempotency-key']).toBe(
      server.requests[0]!.headers['idempotency-key'],
    );
  });

  it('rejects every member with the same bad-response error when an output does not match the batch, without retrying', async () => {
    server.handler = (_req, res) =>
      sendJson(res, 200, {
        model_name: 'scorer',
        outputs: [{ name: 'score', shape: [1], datatype: 'FP32', data: [1] }],
      });
    const c = scorer();
    const settled = await Promise.allSettled(
      [0, 1, 2].map((i) => c.call(row(i), { idempotencyKey: `key-${i}` })),
    );
    const errors = settled.map((s) => (s as PromiseRejectedResult).reason as CallError);
    expect(errors[0]).toBeInstanceOf(CallError);
    expect(errors[0]).toMatchObject({ code: 'bad-response', retriable: false, attempts: 1 });
    expect(errors[0]!.message).toMatch(/shape\[0\]=1, expected the batch size 3/);
    expect(errors[1]).toBe(errors[0]);
    expect(errors[2]).toBe(errors[0]);
    expect(server.requests).toHaveLength(1);
  });

  it('fans an HTTP failure out to every member of the batch', async () => {
    server.handler = (_req, res) => sendJson(res, 422, { error: 'input x: wrong type' });
    const c = scorer();
    const settled = await Promise.allSettled(
      [0, 1].map((i) => c.call(row(i), { idempotencyKey: `key-${i}` })),
    );
    const [a, b] = settled.map((s) => (s as PromiseRejectedResult).reason as CallError);
    expect(a).toMatchObject({ code: 'http', status: 422, retriable: false });
    expect(b).toBe(a);
  });

  it('a failing batch counts once for the breaker; once open, calls fail fast without waiting or sending', async () => {
    server.handler = (_req, res) => sendJson(res, 503, { error: 'model unavailable' });
    const c = scorer({
      batch: { max: 3, lingerMs: 500 },
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      breaker: { minimumRps: 1, windowMs: 1000, halfOpenAfterMs: 1000 },
    });
    const settled = await Promise.allSettled(
      [0, 1, 2].map((i) => c.call(row(i), { idempotencyKey: `key-${i}` })),
    );
    expect(settled.map((s) => ((s as PromiseRejectedResult).reason as CallError).attempts)).toEqual([
      2, 2, 2,
    ]);
    expect(server.requests).toHaveLength(2);
    expect(c.circuitState()).toBe('open');
    const started = Date.now();
    await expect(c.call(row(3), { idempotencyKey: 'key-3' })).rejects.toMatchObject({
      code: 'circuit-open',
      retriable: true,
      attempts: 0,
    });
    expect(Date.now() - started).toBeLessThan(250); // no 500 ms linger
    expect(server.requests).toHaveLength(2);
  });

  it('keeps rows of different shapes in separate batches', async () => {
    server.handler = (req, res) => {
      const body = req.body as InferBody;
      const vec = body.inputs[0]!;
      const n = vec.shape[0]!;
      sendJson(res, 200, {
        model_name: 'scorer',
        outputs: [{ name: 'len', shape: [n], datatype: 'FP32', data: Array(n).fill(vec.shape[1]) }],
      });
    };
    const c = scorer();
    const results = await Promise.all(
      [
        [1, 2],
        [1, 2, 3],
        [4, 5],
        [6, 7, 8],
      ].map((vec, i) => c.call({ vec }, { idempotencyKey: `k${i}` })),
    );
    expect(results.map((r) => r.output.len)).toEqual([2, 3, 2, 3]);
    expect(server.requests).toHaveLength(2);
  });

  it('refuses rows it cannot map to tensors, before any request', async () => {
    const c = scorer();
    await expect(c.call({}, { idempotencyKey: 'k' })).rejects.toThrow(TypeError);
    await expect(c.call({ x: Number.NaN }, { idempotencyKey: 'k' })).rejects.toThrow(/finite/);
    await expect(c.call({ x: [1, 'a'] as unknown as number[] }, { idempotencyKey: 'k' })).rejects.toThrow(
      TypeError,
    );
    await expect(c.call({ x: 1 }, { idempotencyKey: '' })).rejects.toThrow(/idempotencyKey/);
    expect(server.requests).toHaveLength(0);
  });

  it('close() flushes queued rows, lets them finish, then refuses new calls', async () => {
    server.handler = (req, res) => sendJson(res, 200, scorerResponse(req));
    const c = scorer({ batch: { max: 32, lingerMs: 10_000 } });
    const p = c.call(row(5), { idempotencyKey: 'k5' });
    await c.close();
    expect((await p).output.score).toBe(10);
    await expect(c.call(row(6), { idempotencyKey: 'k6' })).rejects.toMatchObject({
      name: 'CallError',
      code: 'aborted',
    });
  });
});
