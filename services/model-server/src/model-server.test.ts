// The model server over real HTTP: the Open Inference Protocol v2 endpoints Junction's client uses,
// error shapes, idempotency, batch equals one-by-one, and the fault knobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLead, generateTicket, Random } from '@junction/datagen';
import { LEAD_FEATURES, leadRow } from './models/lead-conversion';
import { startModelServer, type ModelServer } from './server';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

interface Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: (number | string)[];
}
interface InferResponse {
  id?: string;
  model_name: string;
  model_version: string;
  outputs: Tensor[];
}

const get = (path: string) => fetch(`${server.url}${path}`);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const putFaults = (faults: object) =>
  fetch(`${server.url}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
const output = (res: InferResponse, name: string) => res.outputs.find((o) => o.name === name)!;

const NUMERIC = ['employees', 'page_views', 'email_opens', 'form_submissions', 'meetings_booked'];

function leadTensors(rows: Record<string, number | string>[], shape: 'flat' | 'column' = 'flat'): Tensor[] {
  const dims = shape === 'flat' ? [rows.length] : [rows.length, 1];
  const data = (name: string) =>
    shape === 'flat' ? rows.map((r) => r[name]!) : rows.map((r) => [r[name]!] as unknown as number);
  return [
    ...NUMERIC.map((name) => ({ name, shape: dims, datatype: 'FP32', data: data(name) })),
    ...['source_channel', 'industry', 'title'].map((name) => ({
      name,
      shape: dims,
      datatype: 'BYTES',
      data: data(name),
    })),
  ];
}

function leads(seed: number, n: number) {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => leadRow(generateLead(rng, i).lead));
}

function tickets(seed: number, n: number) {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => generateTicket(rng, i));
}

async function inferLeads(rows: Record<string, number | string>[], headers: Record<string, string> = {}) {
  const res = await post('/v2/models/lead-conversion/infer', { inputs: leadTensors(rows) }, headers);
  expect(res.status).toBe(200);
  return (await res.json()) as InferResponse;
}

describe('health and metadata', () => {
  it('answers liveness, readiness and server metadata', async () => {
    const live = await get('/v2/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ live: true });
    expect((await get('/v2/health/ready')).status).toBe(200);
    expect(await (await get('/v2')).json()).toEqual({
      name: 'junction-model-server',
      version: '1',
      extensions: [],
    });
  });

  it('describes lead-conversion: its input and output tensors and held-out figures', async () => {
    const res = await get('/v2/models/lead-conversion');
    expect(res.status).toBe(200);
    const meta = (await res.json()) as {
      name: string;
      versions: string[];
      platform: string;
      inputs: { name: string; datatype: string; shape: number[]; optional?: boolean }[];
      outputs: { name: string; datatype: string; shape: number[] }[];
      parameters: Record<string, number>;
    };
    expect(meta).toMatchObject({ name: 'lead-conversion', versions: ['1'] });
    expect(meta.inputs.map((i) => [i.name, i.datatype])).toEqual([
      ['employees', 'FP32'],
      ['page_views', 'FP32'],
      ['email_opens', 'FP32'],
      ['form_submissions', 'FP32'],
      ['meetings_booked', 'FP32'],
      ['source_channel', 'BYTES'],
      ['industry', 'BYTES'],
      ['title', 'BYTES'],
    ]);
    expect(meta.inputs.every((i) => i.shape[0] === -1)).toBe(true);
    expect(meta.outputs.map((o) => [o.name, o.datatype])).toEqual([
      ['score', 'FP32'],
      ['factors', 'BYTES'],
    ]);
    expect(meta.parameters).toMatchObject({ train_rows: 20_000, heldout_rows: 5_000 });
    expect(meta.parameters.heldout_auc).toBeGreaterThan(0.75);
    expect(await (await get('/v2/models/lead-conversion/versions/1')).json()).toEqual(meta);
  });

  it('describes ticket-classifier, with tier as an optional input', async () => {
    const meta = (await (await get('/v2/models/ticket-classifier/versions/1')).json()) as {
      inputs: { name: string; datatype: string; optional?: boolean }[];
      outputs: { name: string; datatype: string }[];
      parameters: Record<string, number>;
    };
    expect(meta.inputs).toMatchObject([
      { name: 'text', datatype: 'BYTES' },
      { name: 'tier', datatype: 'BYTES', optional: true },
    ]);
    expect(meta.outputs.map((o) => [o.name, o.datatype])).toEqual([
      ['category', 'BYTES'],
      ['category_confidence', 'FP32'],
      ['priority', 'BYTES'],
      ['priority_confidence', 'FP32'],
    ]);
    expect(meta.parameters.heldout_category_accuracy).toBeGreaterThan(0.85);
    expect(meta.parameters.heldout_priority_accuracy).toBeGreaterThan(0.75);
  });

  it('reports model readiness, and 404 with {"error"} for unknown models, versions and routes', async () => {
    expect(await (await get('/v2/models/lead-conversion/ready')).json()).toEqual({
      name: 'lead-conversion',
      version: '1',
      ready: true,
    });
    expect((await get('/v2/models/ticket-classifier/versions/1/ready')).status).toBe(200);
    for (const path of [
      '/v2/models/nope',
      '/v2/models/nope/ready',
      '/v2/models/lead-conversion/versions/2',
      '/v2/models/lead-conversion/versions/2/ready',
      '/v3/anything',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: string }).error, path).toEqual(expect.any(String));
    }
    const infer = await post('/v2/models/nope/infer', { inputs: [] });
    expect(infer.status).toBe(404);
    expect(await infer.json()).toEqual({
      error: expect.stringMatching(/unknown model "nope".*lead-conversion \(version 1\)/),
    });
  });
});

describe('inference', () => {
  it('scores a batch with outputs of shape [N] and the declared datatypes, echoing the request id', async () => {
    const rows = leads(11, 20);
    const res = (await (
      await post('/v2/models/lead-conversion/versions/1/infer', { id: 'b1', inputs: leadTensors(rows) })
    ).json()) as InferResponse;
    expect(res).toMatchObject({ id: 'b1', model_name: 'lead-conversion', model_version: '1' });
    expect(res.outputs.map((o) => o.name)).toEqual(['score', 'factors']);
    const score = output(res, 'score');
    expect(score).toMatchObject({ shape: [20], datatype: 'FP32' });
    expect(score.data.every((s) => typeof s === 'number' && s > 0 && s < 1)).toBe(true);
    const factors = output(res, 'factors');
    expect(factors).toMatchObject({ shape: [20], datatype: 'BYTES' });
    for (const f of factors.data) {
      const parsed = JSON.parse(f as string) as { feature: string; contribution: number }[];
      expect(parsed).toHaveLength(3);
      expect(
        parsed.every((p) => LEAD_FEATURES.includes(p.feature) && typeof p.contribution === 'number'),
      ).toBe(true);
      const sizes = parsed.map((p) => Math.abs(p.contribution));
      expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    }
  });

  it('takes [N, 1] tensors (row-major, nested or flat) as it takes [N]', async () => {
    const rows = leads(12, 5);
    const flat = await inferLeads(rows);
    const column = (await (
      await post('/v2/models/lead-conversion/infer', { inputs: leadTensors(rows, 'column') })
    ).json()) as InferResponse;
    expect(column.outputs).toEqual(flat.outputs);
  });

  it('scores a batch exactly as it scores each row alone', async () => {
    const rows = leads(13, 16);
    const batch = output(await inferLeads(rows), 'score').data;
    for (let i = 0; i < rows.length; i++) {
      expect(output(await inferLeads([rows[i]!]), 'score').data[0]).toBe(batch[i]);
    }
    const ts = tickets(14, 16);
    const body = (list: typeof ts) => ({
      inputs: [
        {
          name: 'text',
          shape: [list.length],
          datatype: 'BYTES',
          data: list.map((t) => `${t.ticket.subject}\n${t.ticket.body}`),
        },
        {
          name: 'tier',
          shape: [list.length],
          datatype: 'BYTES',
          data: list.map((t) => t.ticket.customerTier),
        },
      ],
    });
    const all = (await (await post('/v2/models/ticket-classifier/infer', body(ts))).json()) as InferResponse;
    for (let i = 0; i < ts.length; i++) {
      const one = (await (
        await post('/v2/models/ticket-classifier/infer', body([ts[i]!]))
      ).json()) as InferResponse;
      for (const o of one.outputs)
        expect(o.data[0], `${o.name} of ticket ${i}`).toBe(output(all, o.name).data[i]);
    }
  });

  it('classifies fresh tickets into the schema categories and priorities, with and without the tier', async () => {
    const ts = tickets(5, 400);
    const text = {
      name: 'text',
      shape: [400],
      datatype: 'BYTES',
      data: ts.map((t) => `${t.ticket.subject}\n${t.ticket.body}`),
    };
    const tier = {
      name: 'tier',
      shape: [400],
      datatype: 'BYTES',
      data: ts.map((t) => t.ticket.customerTier),
    };
    const res = (await (
      await post('/v2/models/ticket-classifier/infer', { inputs: [text, tier] })
    ).json()) as InferResponse;
    const category = output(res, 'category').data;
    const confidence = output(res, 'category_confidence').data as number[];
    expect(category.filter((c, i) => c === ts[i]!.category).length / 400).toBeGreaterThan(0.85);
    expect(confidence.every((c) => c > 0 && c <= 1)).toBe(true);
    expect(output(res, 'priority').data.filter((p, i) => p === ts[i]!.priority).length / 400).toBeGreaterThan(
      0.75,
    );
    const textOnly = (await (
      await post('/v2/models/ticket-classifier/infer', { inputs: [text] })
    ).json()) as InferResponse;
    expect(output(textOnly, 'category').data).toEqual(category);
    // P1 is an enterprise outage: only the tier tells it from P2
    expect(new Set(output(res, 'priority').data)).toEqual(new Set(['P1', 'P2', 'P3', 'P4']));
    expect(output(textOnly, 'priority').data.every((p) => ['P2', 'P3', 'P4'].includes(p as string))).toBe(
      true,
    );
  });

  it('returns only the outputs asked for', async () => {
    const res = (await (
      await post('/v2/models/ticket-classifier/infer', {
        inputs: [
          { name: 'text', shape: [1], datatype: 'BYTES', data: ['Refund please\nI was charged twice'] },
        ],
        outputs: [{ name: 'category' }],
      })
    ).json()) as InferResponse;
    expect(res.outputs).toEqual([{ name: 'category', shape: [1], datatype: 'BYTES', data: ['BILLING'] }]);
  });

  it('answers an empty batch with empty outputs', async () => {
    const res = (await (
      await post('/v2/models/lead-conversion/infer', { inputs: leadTensors([]) })
    ).json()) as InferResponse;
    expect(res.outputs.map((o) => [o.shape, o.data])).toEqual([
      [[0], []],
      [[0], []],
    ]);
  });
});

describe('bad requests', () => {
  const one = leads(21, 1);
  const cases: [string, unknown, RegExp][] = [
    ['no inputs', {}, /expected "inputs"/],
    ['inputs not an array', { inputs: 'x' }, /expected "inputs"/],
    [
      'data shorter than the shape',
      { inputs: [{ name: 'employees', shape: [2], datatype: 'FP32', data: [1] }] },
      /"employees": "data" must hold 2 values for shape \[2\], got 1/,
    ],
    [
      'a wrong datatype',
      { inputs: leadTensors(one).map((t) => (t.name === 'employees' ? { ...t, datatype: 'INT64' } : t)) },
      /"employees": "datatype" must be FP32, got "INT64"/,
    ],
    [
      'a string in an FP32 tensor',
      { inputs: leadTensors(one).map((t) => (t.name === 'employees' ? { ...t, data: ['many'] } : t)) },
      /"employees" \(FP32\): values must be finite numbers; element 0 is "many"/,
    ],
    [
      'a number in a BYTES tensor',
      { inputs: leadTensors(one).map((t) => (t.name === 'industry' ? { ...t, data: [7] } : t)) },
      /"industry" \(BYTES\): values must be strings/,
    ],
    [
      'a shape with more than one value per row',
      { inputs: [{ name: 'employees', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] },
      /one value per row expected, shape \[N\] or \[N, 1\]/,
    ],
    [
      'a missing shape',
      { inputs: [{ name: 'employees', datatype: 'FP32', data: [1] }] },
      /"shape" must be an array/,
    ],
    [
      'a missing input',
      { inputs: leadTensors(one).filter((t) => t.name !== 'meetings_booked') },
      /missing input "meetings_booked" \(FP32/,
    ],
    [
      'an unknown input',
      { inputs: [{ name: 'colour', shape: [1], datatype: 'BYTES', data: ['red'] }] },
      /unexpected input "colour"; lead-conversion takes employees, page_views/,
    ],
    [
      'different batch sizes',
      {
        inputs: leadTensors(one).map((t) =>
          t.name === 'industry' ? { ...t, shape: [2], data: ['retail', 'software'] } : t,
        ),
      },
      /batch size 2 differs/,
    ],
    [
      'an unknown requested output',
      { inputs: leadTensors(one), outputs: [{ name: 'colour' }] },
      /requested output "colour" is not one of score, factors/,
    ],
  ];

  it.each(cases)('refuses %s with a 400 that says what is expected', async (_, body, message) => {
    const res = await post('/v2/models/lead-conversion/infer', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringMatching(message) });
  });

  it('refuses a body that is not JSON, not an object or too large, with {"error"}', async () => {
    const notJson = await post('/v2/models/lead-conversion/infer', '{"inputs": [');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: expect.stringMatching(/not valid JSON/) });
    const array = await post('/v2/models/lead-conversion/infer', '[1, 2]');
    expect(array.status).toBe(400);
    expect(await array.json()).toEqual({ error: expect.stringMatching(/expected a JSON object/) });
    const huge = await post('/v2/models/lead-conversion/infer', `{"pad": "${'x'.repeat(9 * 1024 * 1024)}"}`);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: expect.stringMatching(/larger than the \d+ bytes allowed/) });
  });
});

describe('idempotency', () => {
  it('returns the stored response for a repeated Idempotency-Key without running the model again', async () => {
    const rows = leads(31, 3);
    const key = `k-${Date.now()}`;
    const requestsBefore = server.host.stats.snapshot().requests;
    const first = await post(
      '/v2/models/lead-conversion/infer',
      { id: 'a', inputs: leadTensors(rows) },
      {
        'Idempotency-Key': key,
      },
    );
    const firstBody = await first.text();
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const second = await post(
      '/v2/models/lead-conversion/infer',
      { id: 'a', inputs: leadTensors(rows) },
      {
        'Idempotency-Key': key,
      },
    );
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(firstBody);
    expect(server.host.inferencesByKey.get(key)).toBe(1);
    expect(server.host.stats.snapshot().requests).toBe(requestsBefore + 1);

    // a different key runs the model; the same key on another model is another request
    const other = await post(
      '/v2/models/lead-conversion/infer',
      { inputs: leadTensors(rows) },
      {
        'Idempotency-Key': `${key}-2`,
      },
    );
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    const ticket = await post(
      '/v2/models/ticket-classifier/infer',
      { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['Where is my parcel?'] }] },
      { 'Idempotency-Key': key },
    );
    expect(ticket.headers.get('idempotent-replayed')).toBeNull();
    expect(server.host.inferencesByKey.get(key)).toBe(2);
  });

  it('counts inferences per row key when the request lists them, as the Junction client does', async () => {
    const rows = leads(32, 2);
    const keys = [`evt-a-${Date.now()}`, `evt-b-${Date.now()}`];
    await post('/v2/models/lead-conversion/infer', {
      inputs: leadTensors(rows),
      parameters: { idempotency_keys: keys },
    });
    expect(keys.map((k) => server.host.inferencesByKey.get(k))).toEqual([1, 1]);
  });

  it('does not store a refused request: the same key with a corrected body is answered', async () => {
    const key = `k-bad-${Date.now()}`;
    const bad = await post('/v2/models/lead-conversion/infer', { inputs: [] }, { 'Idempotency-Key': key });
    expect(bad.status).toBe(400);
    const good = await post(
      '/v2/models/lead-conversion/infer',
      { inputs: leadTensors(leads(33, 1)) },
      {
        'Idempotency-Key': key,
      },
    );
    expect(good.status).toBe(200);
    expect(good.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('fault knobs', () => {
  const rows = leads(41, 1);

  it('refuses bad settings with a 400 and shows the current ones', async () => {
    for (const bad of [{ errorRate: 2 }, { latencyMs: -1 }, { down: 'yes' }, { colour: 1 }]) {
      const res = await putFaults(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/expected/);
    }
    expect(await (await get('/admin/faults')).json()).toEqual({
      latencyMs: 0,
      errorRate: 0,
      timeoutRate: 0,
      down: false,
    });
  });

  it('answers 503 while down or for the error share, never answers for the timeout share, and adds latency', async () => {
    try {
      expect((await putFaults({ down: true })).status).toBe(200);
      expect((await post('/v2/models/lead-conversion/infer', { inputs: leadTensors(rows) })).status).toBe(
        503,
      );
      expect((await get('/v2/health/ready')).status).toBe(503);
      expect((await get('/v2/models/lead-conversion/ready')).status).toBe(503);
      expect((await get('/v2/health/live')).status).toBe(200);

      await putFaults({ down: false, errorRate: 1 });
      const failed = await post('/v2/models/lead-conversion/infer', { inputs: leadTensors(rows) });
      expect(failed.status).toBe(503);
      expect(await failed.json()).toEqual({ error: 'injected failure' });

      await putFaults({ errorRate: 0, timeoutRate: 1 });
      await expect(
        fetch(`${server.url}/v2/models/lead-conversion/infer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: leadTensors(rows) }),
          signal: AbortSignal.timeout(300),
        }),
      ).rejects.toThrow(/abort|timeout/i);

      await putFaults({ timeoutRate: 0, latencyMs: 80 });
      const t0 = performance.now();
      expect((await post('/v2/models/lead-conversion/infer', { inputs: leadTensors(rows) })).status).toBe(
        200,
      );
      expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    } finally {
      await putFaults({ latencyMs: 0, errorRate: 0, timeoutRate: 0, down: false });
    }
    const stats = (await (await get('/admin/stats')).json()) as {
      requests: number;
      errors: number;
      p50Ms: number;
    };
    expect(stats.errors).toBeGreaterThanOrEqual(3);
    expect(stats.p50Ms).toBeGreaterThanOrEqual(0);
  });

  it('takes its knobs from startModelServer options (and MODEL_* variables)', async () => {
    const slow = await startModelServer({ port: 0, faults: { errorRate: 1 } });
    try {
      expect(await (await fetch(`${slow.url}/admin/faults`)).json()).toMatchObject({ errorRate: 1 });
      const res = await fetch(`${slow.url}/v2/models/lead-conversion/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: leadTensors(rows) }),
      });
      expect(res.status).toBe(503);
    } finally {
      await slow.close();
    }
  });
});
