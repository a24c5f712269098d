// The model server over real HTTP: the OIP v2 endpoints Junction's client uses, idempotency, batch
// equals one-by-one, held-out quality, and the fault knobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLead, generateTicket, Random } from '@junction/datagen';
import { leadRow } from './models/lead-conversion';
import { startModelServer, type ModelServer } from './server';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

function leadTensors(rows: ReturnType<typeof leadRow>[]) {
  const names = ['employees', 'page_views', 'email_opens', 'form_submissions', 'meetings_booked'];
  return [
    ...names.map((name) => ({
      name,
      shape: [rows.length],
      datatype: 'FP32',
      data: rows.map((r) => r[name]),
    })),
    ...['source_channel', 'industry', 'title'].map((name) => ({
      name,
      shape: [rows.length, 1],
      datatype: 'BYTES',
      data: rows.map((r) => r[name]),
    })),
  ];
}

describe('model server (Open Inference Protocol v2)', () => {
  it('answers health, server and model metadata with declared tensors and held-out figures', async () => {
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/v2`)).json()).toMatchObject({ name: 'junction-model-server' });
    const meta = (await (await fetch(`${server.url}/v2/models/lead-conversion`)).json()) as {
      name: string;
      versions: string[];
      inputs: { name: string; datatype: string }[];
      outputs: { name: string }[];
      parameters: Record<string, number>;
    };
    expect(meta.name).toBe('lead-conversion');
    expect(meta.versions).toEqual(['1']);
    expect(meta.inputs.map((i) => i.name)).toContain('meetings_booked');
    expect(meta.outputs.map((o) => o.name)).toEqual(['score', 'factors']);
    expect(meta.parameters.heldout_auc).toBeGreaterThan(0.7);
    const tickets = (await (await fetch(`${server.url}/v2/models/ticket-classifier/versions/1`)).json()) as {
      parameters: Record<string, number>;
    };
    expect(tickets.parameters.heldout_category_accuracy).toBeGreaterThan(0.85);
    expect(tickets.parameters.heldout_priority_accuracy).toBeGreaterThan(0.8);
    expect((await fetch(`${server.url}/v2/models/nope`)).status).toBe(404);
  });

  it('scores a batch exactly as it scores each row alone, with shapes and datatypes per the protocol', async () => {
    const rng = new Random(11);
    const rows = Array.from({ length: 20 }, (_, i) => leadRow(generateLead(rng, i).lead));
    const batch = (await (
      await post('/v2/models/lead-conversion/infer', { id: 'b1', inputs: leadTensors(rows) })
    ).json()) as {
      id: string;
      model_name: string;
      model_version: string;
      outputs: { name: string; shape: number[]; datatype: string; data: (number | string)[] }[];
    };
    expect(batch).toMatchObject({ id: 'b1', model_name: 'lead-conversion', model_version: '1' });
    const score = batch.outputs.find((o) => o.name === 'score')!;
    expect(score).toMatchObject({ shape: [20], datatype: 'FP32' });
    const factors = batch.outputs.find((o) => o.name === 'factors')!;
    expect(JSON.parse(String(factors.data[0]))).toHaveLength(3);
    for (let i = 0; i < rows.length; i++) {
      const one = (await (
        await post('/v2/models/lead-conversion/infer', { inputs: leadTensors([rows[i]!]) })
      ).json()) as typeof batch;
      expect(one.outputs[0]!.data[0]).toBe(score.data[i]);
    }
  });

  it('classifies tickets into the schema categories with a confidence', async () => {
    const rng = new Random(5);
    const ts = Array.from({ length: 50 }, (_, i) => generateTicket(rng, i));
    const res = (await (
      await post('/v2/models/ticket-classifier/infer', {
        inputs: [
          {
            name: 'text',
            shape: [50],
            datatype: 'BYTES',
            data: ts.map((t) => `${t.ticket.subject}\n${t.ticket.body}`),
          },
        ],
      })
    ).json()) as { outputs: { name: string; data: (string | number)[] }[] };
    const cat = res.outputs.find((o) => o.name === 'category')!.data;
    const conf = res.outputs.find((o) => o.name === 'category_confidence')!.data as number[];
    expect(cat.filter((c, i) => c === ts[i]!.category).length).toBeGreaterThanOrEqual(40);
    expect(conf.every((c) => c > 0 && c <= 1)).toBe(true);
  });

  it('returns the stored response for a repeated Idempotency-Key without running the model again', async () => {
    const rows = [leadRow(generateLead(new Random(1), 0).lead)];
    const before = server.host.stats.snapshot().requests;
    const first = await post(
      '/v2/models/lead-conversion/infer',
      { inputs: leadTensors(rows) },
      { 'Idempotency-Key': 'k-123' },
    );
    const second = await post(
      '/v2/models/lead-conversion/infer',
      { inputs: leadTensors(rows) },
      { 'Idempotency-Key': 'k-123' },
    );
    expect(await second.text()).toBe(await first.text());
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(server.host.stats.snapshot().requests).toBe(before + 1);
  });

  it('refuses malformed tensors with a 400 that says what is expected', async () => {
    const bad = await post('/v2/models/lead-conversion/infer', {
      inputs: [{ name: 'employees', shape: [2], datatype: 'FP32', data: [1] }],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/must hold 2 values/);
    const unknown = await post('/v2/models/lead-conversion/infer', {
      inputs: [{ name: 'colour', shape: [1], datatype: 'BYTES', data: ['red'] }],
    });
    expect(((await unknown.json()) as { error: string }).error).toMatch(/unexpected input "colour"/);
  });

  it('injects latency, errors and downtime through /admin/faults', async () => {
    const rows = [leadRow(generateLead(new Random(2), 0).lead)];
    expect(
      (
        await fetch(`${server.url}/admin/faults`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: '{"errorRate": 2}',
        })
      ).status,
    ).toBe(400);
    await fetch(`${server.url}/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"down": true}',
    });
    expect((await post('/v2/models/lead-conversion/infer', { inputs: leadTensors(rows) })).status).toBe(503);
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(503);
    await fetch(`${server.url}/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"down": false, "latencyMs": 60}',
    });
    const t0 = performance.now();
    expect((await post('/v2/models/lead-conversion/infer', { inputs: leadTensors(rows) })).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    await fetch(`${server.url}/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"latencyMs": 0}',
    });
    expect(
      ((await (await fetch(`${server.url}/admin/stats`)).json()) as { p50Ms: number }).p50Ms,
    ).toBeGreaterThanOrEqual(0);
  });
});
