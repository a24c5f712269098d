// The engine against the real local Kafka and registry, with a real HTTP model: poison input, schema
// evolution, a flaky model and replays, checked the way a downstream consumer sees the topics.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { openInference } from '@junction/calls';
import { createKafka, ensureTopics } from '@junction/kafka';
import { createRegistry, SchemaType } from '@junction/schemas';
import {
  eventually,
  readTopic,
  startModelStub,
  stubScore,
  testStack,
  uniqueSuffix,
  uniqueTopic,
  type ModelStub,
  type ReadRecord,
} from '@junction/testing';
import { definePipeline, type AvroSchema } from './definition';
import { H, headerText } from './headers';
import { range, required } from './quality';
import { PipelineRunner } from './runner';

const LeadV1 = {
  type: 'record',
  name: 'TestLead',
  namespace: 'junction.test',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'leadId', type: 'string' },
    { name: 'email', type: ['null', 'string'], default: null },
    { name: 'employees', type: 'int' },
    { name: 'visits', type: 'int' },
  ],
} as const;

const LeadV2 = {
  ...LeadV1,
  fields: [...LeadV1.fields, { name: 'industry', type: 'string', default: 'unknown' }],
} as const;

const Scored = {
  type: 'record',
  name: 'TestLeadScored',
  namespace: 'junction.test',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'leadId', type: 'string' },
    { name: 'score', type: 'double' },
    { name: 'degraded', type: 'boolean' },
    { name: 'industry', type: 'string', default: '' },
  ],
} as const;

interface Lead {
  eventId: string;
  leadId: string;
  email: string | null;
  employees: number;
  visits: number;
  industry?: string;
}

interface LeadScored {
  eventId: string;
  leadId: string;
  score: number;
  degraded: boolean;
  industry: string;
}

const registry = () => createRegistry(testStack().schemaRegistryUrl);
let kafka: Kafka;
let stub: ModelStub;
const runners: PipelineRunner<Lead, Record<string, number>, Record<string, unknown>, LeadScored>[] = [];

beforeAll(async () => {
  kafka = createKafka({ brokers: testStack().brokers, clientId: 'pipeline-it' });
  stub = await startModelStub();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  stub.options = {};
});
afterAll(async () => {
  await stub.close();
});

function lead(i: number, overrides: Partial<Lead> = {}): Lead {
  return {
    eventId: `evt-${i}`,
    leadId: `lead-${i % 37}`,
    email: `l${i}@example.com`,
    employees: i % 500,
    visits: i % 7,
    ...overrides,
  };
}

async function source(partitions = 3): Promise<string> {
  const topic = uniqueTopic('test.lead.created.v1');
  await ensureTopics(kafka, [{ topic, partitions }]);
  return topic;
}

async function produce(
  topic: string,
  messages: { key: string | null; value: Buffer | null; headers?: Record<string, string> }[],
) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

async function encodeAll(
  topic: string,
  schema: AvroSchema,
  leads: Lead[],
): Promise<{ key: string; value: Buffer }[]> {
  const r = registry();
  const { id } = await r.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject: `${topic}-value` },
  );
  return Promise.all(leads.map(async (l) => ({ key: l.leadId, value: await r.encode(id, l) })));
}

interface TestOptions {
  reader?: AvroSchema;
  timeoutMs?: number;
  fallback?: boolean;
}

function testPipeline(topic: string, opts: TestOptions = {}) {
  return definePipeline<Lead, Record<string, number>, Record<string, unknown>, LeadScored>({
    name: `test-${uniqueSuffix()}`,
    source: { topic, schema: opts.reader ?? LeadV1 },
    key: (e) => e.leadId,
    idempotencyKey: (e) => e.eventId,
    quality: [required('email'), range('employees', 0, 100_000)],
    call: () =>
      openInference({
        endpoint: 'test-model',
        baseUrl: stub.url,
        model: 'lead',
        timeoutMs: opts.timeoutMs ?? 1_000,
        retry: { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 50 },
        batch: { max: 16, lingerMs: 2 },
        breaker: { failureRatio: 0.5, minimumRps: 2, windowMs: 2_000, halfOpenAfterMs: 60_000 },
      }),
    ...(opts.fallback ? { fallback: (e: Lead) => ({ score: e.employees > 100 ? 0.7 : 0.2 }) } : {}),
    request: (e) => ({ employees: e.employees, visits: e.visits }),
    result: (e, out, meta) => ({
      eventId: e.eventId,
      leadId: e.leadId,
      score: Number(out.score),
      degraded: meta.degraded,
      industry: e.industry ?? '',
    }),
    outputs: { output: { topic: `${topic}.scored`, schema: Scored } },
    retry: { delaysMs: [200, 400] },
  });
}

async function startPipeline(
  topic: string,
  opts: TestOptions & { pipeline?: ReturnType<typeof testPipeline> } = {},
) {
  const pipeline = opts.pipeline ?? testPipeline(topic, opts);
  const runner = new PipelineRunner(pipeline, {
    brokers: testStack().brokers,
    schemaRegistryUrl: testStack().schemaRegistryUrl,
  });
  runners.push(runner);
  await runner.start();
  return { pipeline, runner };
}

async function decodeResults(records: ReadRecord[]): Promise<LeadScored[]> {
  const r = registry();
  return Promise.all(records.map((rec) => r.decode(rec.value!) as Promise<LeadScored>));
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

describe('pipeline engine (real Kafka, registry and HTTP model)', () => {
  it('dead-letters eleven kinds of bad input with their reasons while good records flow', async () => {
    const topic = await source();
    const good = Array.from({ length: 60 }, (_, i) => lead(i));
    const encoded = await encodeAll(topic, LeadV1, [
      ...good,
      lead(1000, { employees: -5 }),
      lead(1001, { email: null }),
      lead(1002, { eventId: '' }),
    ]);
    const valid = encoded.slice(0, 60);
    const [rangeViolation, missingEmail, emptyEventId] = encoded.slice(60);

    // a writer schema the reader cannot resolve: employees became a string
    const r = registry();
    const incompatible = {
      ...LeadV1,
      fields: LeadV1.fields.map((f) => (f.name === 'employees' ? { name: 'employees', type: 'string' } : f)),
    };
    const { id: badWriterId } = await r.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(incompatible) },
      { subject: `${uniqueTopic('test.other')}-value` },
    );
    const unresolvable = await r.encode(badWriterId, { ...lead(1003), employees: 'many' });

    const goodBytes = valid[0]!.value;
    const poison: Record<string, Buffer | null> = {
      'wrong-magic-byte': Buffer.concat([Buffer.from([1]), goodBytes.subarray(1)]),
      'unknown-schema-id': Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]), goodBytes.subarray(5)]),
      'corrupt-bytes': Buffer.concat([
        goodBytes.subarray(0, 5),
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      ]),
      truncated: goodBytes.subarray(0, goodBytes.length - 6),
      'trailing-garbage': Buffer.concat([goodBytes, Buffer.from('garbage')]),
      'too-short': Buffer.from([0, 0, 1]),
      'null-value': null,
      unresolvable,
      'range-violation': rangeViolation!.value,
      'missing-email': missingEmail!.value,
      'empty-idempotency-key': emptyEventId!.value,
    };
    // interleave poison between good records on the same keys
    const messages: { key: string | null; value: Buffer | null; headers?: Record<string, string> }[] = [];
    const kinds = Object.keys(poison);
    valid.forEach((v, i) => {
      messages.push(v);
      const kind = kinds[i];
      if (kind !== undefined)
        messages.push({ key: `lead-${i % 37}`, value: poison[kind]!, headers: { 'test-kind': kind } });
    });
    await produce(topic, messages);

    const { pipeline, runner } = await startPipeline(topic);
    await eventually(
      () => runner.stats.output === 60 && runner.stats.deadLettered === kinds.length,
      'all records committed',
    );

    const results = await decodeResults(
      await readTopic(kafka, pipeline.outputs.output.topic, { expected: 60, minWaitMs: 500 }),
    );
    expect(results).toHaveLength(60);
    expect([...countBy(results, (x) => x.eventId).values()].every((n) => n === 1)).toBe(true);
    const first = results.find((x) => x.eventId === 'evt-3')!;
    expect(first.score).toBeCloseTo(stubScore({ employees: 3, visits: 3 }), 5);

    const dlq = await readTopic(kafka, pipeline.resolved.dlqTopic, { expected: kinds.length });
    expect(dlq).toHaveLength(kinds.length);
    const byKind = new Map(dlq.map((d) => [headerText(d.headers, 'test-kind') ?? '', d]));
    for (const kind of [
      'wrong-magic-byte',
      'unknown-schema-id',
      'corrupt-bytes',
      'truncated',
      'trailing-garbage',
      'too-short',
      'null-value',
    ]) {
      const d = byKind.get(kind);
      expect(d, kind).toBeDefined();
      // the original bytes, untouched
      expect(d!.value === null ? null : Buffer.from(d!.value)).toEqual(
        poison[kind] === null ? null : Buffer.from(poison[kind]!),
      );
      expect(headerText(d!.headers, H.errorKind), kind).toBe('poison');
      expect(headerText(d!.headers, H.dltOriginalTopic)).toBe(topic);
      expect(headerText(d!.headers, H.pipeline)).toBe(pipeline.name);
      expect(headerText(d!.headers, H.dltExceptionMessage)?.length).toBeGreaterThan(0);
    }
    const reasons = dlq.map((d) => [
      headerText(d.headers, H.dltExceptionFqcn),
      headerText(d.headers, H.errorCode),
      headerText(d.headers, H.dltExceptionMessage),
    ]);
    expect(reasons).toContainEqual([
      'QualityError',
      'quality.range',
      'employees must be between 0 and 100000 (got -5)',
    ]);
    expect(reasons).toContainEqual(['QualityError', 'quality.required', 'email is required']);
    expect(
      headerText(dlq.find((d) => headerText(d.headers, H.errorCode) === 'mapping')?.headers, H.errorKind),
    ).toBe('permanent');
    expect(
      dlq.filter((d) => headerText(d.headers, H.dltExceptionFqcn) === 'SchemaResolutionError'),
    ).toHaveLength(1);
    expect(
      dlq.filter((d) => headerText(d.headers, H.dltExceptionFqcn) === 'UnknownSchemaError'),
    ).toHaveLength(1);
    expect(
      dlq.filter((d) => headerText(d.headers, H.dltExceptionFqcn) === 'WireFormatError').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('resolves schema evolution both ways: a newer writer for an older reader, an older writer for a newer reader', async () => {
    const topicA = await source(1);
    const topicB = await source(1);
    // A: producer on v2 (added field), pipeline on v1
    await produce(
      topicA,
      await encodeAll(
        topicA,
        LeadV2,
        Array.from({ length: 10 }, (_, i) => lead(i, { industry: 'retail' })),
      ),
    );
    // B: producer on v1, pipeline on v2 (the added field takes its default)
    await produce(
      topicB,
      await encodeAll(
        topicB,
        LeadV1,
        Array.from({ length: 10 }, (_, i) => lead(i)),
      ),
    );
    const a = await startPipeline(topicA, { reader: LeadV1 });
    const b = await startPipeline(topicB, { reader: LeadV2 });
    await eventually(
      () => a.runner.stats.output === 10 && b.runner.stats.output === 10,
      'both pipelines finished',
    );
    const ra = await decodeResults(await readTopic(kafka, a.pipeline.outputs.output.topic, { expected: 10 }));
    const rb = await decodeResults(await readTopic(kafka, b.pipeline.outputs.output.topic, { expected: 10 }));
    expect(ra.map((x) => x.industry)).toEqual(Array(10).fill(''));
    expect(rb.map((x) => x.industry)).toEqual(Array(10).fill('unknown'));
    expect(a.runner.stats.deadLettered + b.runner.stats.deadLettered).toBe(0);
  });

  it('yields exactly one result per event from a model that fails 30% of calls and times out on 5%', async () => {
    const topic = await source();
    const n = 300;
    await produce(
      topic,
      await encodeAll(
        topic,
        LeadV1,
        Array.from({ length: n }, (_, i) => lead(i)),
      ),
    );
    stub.options = { errorRate: 0.3, timeoutRate: 0.05 };
    const { pipeline, runner } = await startPipeline(topic, { timeoutMs: 250 });
    await eventually(
      () => runner.stats.output + runner.stats.deadLettered === n,
      'every event finished',
      60_000,
    );
    const results = await decodeResults(
      await readTopic(kafka, pipeline.outputs.output.topic, { expected: n, minWaitMs: 1_000 }),
    );
    const counts = countBy(results, (x) => x.eventId);
    expect(counts.size).toBe(n);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(runner.stats.deadLettered).toBe(0);
    expect(stub.requests).toBeGreaterThan(n / 16); // failures were really injected and retried
  });

  it('makes no second model call and emits no second result when the same events arrive again, also after a restart', async () => {
    const topic = await source();
    const events = await encodeAll(
      topic,
      LeadV1,
      Array.from({ length: 100 }, (_, i) => lead(5_000 + i)),
    );
    await produce(topic, events);
    const { pipeline, runner } = await startPipeline(topic);
    await eventually(() => runner.stats.output === 100, 'first delivery processed');
    await produce(topic, events); // a replay of the same events
    await eventually(() => runner.stats.duplicates === 100, 'replay recognised');
    // a new process restores the completed keys from the changelog topic
    await runner.stop();
    const second = await startPipeline(topic, { pipeline });
    await produce(topic, events);
    await eventually(() => second.runner.stats.duplicates === 100, 'replay after restart recognised');
    const results = await readTopic(kafka, pipeline.outputs.output.topic, { minWaitMs: 1_000 });
    expect(results).toHaveLength(100);
    for (let i = 0; i < 100; i++) expect(stub.calls.get(`evt-${5_000 + i}`)).toBe(1);
  });

  it('emits nothing twice for records fetched again below a commit already made (a commit whose answer was lost)', async () => {
    const topic = await source(1);
    const events = await encodeAll(
      topic,
      LeadV1,
      Array.from({ length: 20 }, (_, i) => lead(7_000 + i)),
    );
    await produce(topic, [...events, { key: 'bad', value: Buffer.from('not avro') }]);
    const { pipeline, runner } = await startPipeline(topic);
    await eventually(() => runner.stats.output === 20 && runner.stats.deadLettered === 1, 'first delivery');
    await runner.stop();
    // what a new owner sees when the transaction's commit landed but its answer did not: the group's
    // offset still before the records
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: pipeline.resolved.group, topic, partitions: [{ partition: 0, offset: '0' }] });
    await admin.disconnect();
    const second = await startPipeline(topic, { pipeline });
    await eventually(() => second.runner.stats.duplicates === 21, 'the second delivery recognised');
    expect(second.runner.stats).toMatchObject({ output: 0, deadLettered: 0, retried: 0 });
    expect(await readTopic(kafka, pipeline.outputs.output.topic, { minWaitMs: 1_000 })).toHaveLength(20);
    expect(await readTopic(kafka, pipeline.resolved.dlqTopic, { minWaitMs: 1_000 })).toHaveLength(1);
  });

  it('with the model down: uses the fallback marked degraded once the circuit opens', async () => {
    const topic = await source(1);
    stub.options = { down: true };
    const { pipeline, runner } = await startPipeline(topic, { fallback: true, timeoutMs: 200 });
    await produce(
      topic,
      await encodeAll(
        topic,
        LeadV1,
        Array.from({ length: 40 }, (_, i) => lead(i, { employees: i * 10 })),
      ),
    );
    await eventually(() => runner.stats.output === 40, 'all 40 scored by the fallback', 30_000);
    expect(runner.health().circuit).toBe('open');
    const records = await readTopic(kafka, pipeline.outputs.output.topic, { expected: 40 });
    const results = await decodeResults(records);
    expect(results.every((r) => r.degraded)).toBe(true);
    expect(results.find((r) => r.eventId === 'evt-20')?.score).toBe(0.7);
    expect(
      records.every(
        (r) =>
          headerText(r.headers, H.degraded) === 'true' && headerText(r.headers, H.modelName) === 'fallback',
      ),
    ).toBe(true);
  });

  it('without a fallback: retries through the retry topic, then dead-letters with the attempt count', async () => {
    const topic = await source(1);
    stub.options = { down: true };
    const { pipeline, runner } = await startPipeline(topic, { timeoutMs: 200 });
    await produce(
      topic,
      await encodeAll(
        topic,
        LeadV1,
        Array.from({ length: 5 }, (_, i) => lead(i)),
      ),
    );
    // 1 try + 2 retry-topic attempts (200 ms, 400 ms apart), then the DLQ
    await eventually(
      () => runner.stats.deadLettered === 5,
      'all five dead-lettered after their retries',
      30_000,
    );
    expect(runner.stats.retried).toBe(10);
    const dlq = await readTopic(kafka, pipeline.resolved.dlqTopic, { expected: 5 });
    for (const d of dlq) {
      expect(headerText(d.headers, H.attempts)).toBe('3');
      expect(headerText(d.headers, H.errorKind)).toBe('retriable');
      expect(headerText(d.headers, H.dltOriginalTopic)).toBe(topic); // the source, not the retry topic
      expect(Number(headerText(d.headers, H.lastFailure))).toBeGreaterThanOrEqual(
        Number(headerText(d.headers, H.firstFailure)) + 600,
      );
    }
    const retries = await readTopic(kafka, pipeline.resolved.retryTopic, { expected: 10 });
    expect(retries).toHaveLength(10);
    expect(await readTopic(kafka, pipeline.outputs.output.topic, { idleMs: 500 })).toHaveLength(0);
  });

  it('recovers through the retry topic when the model comes back', async () => {
    const topic = await source(1);
    stub.options = { down: true };
    const { pipeline, runner } = await startPipeline(topic, { timeoutMs: 200 });
    await produce(
      topic,
      await encodeAll(
        topic,
        LeadV1,
        Array.from({ length: 5 }, (_, i) => lead(700 + i)),
      ),
    );
    await eventually(() => runner.stats.retried >= 5, 'first failures sent to the retry topic', 20_000);
    stub.options = {};
    await eventually(() => runner.stats.output === 5, 'results after recovery', 30_000);
    expect(runner.stats.deadLettered).toBe(0);
    const results = await decodeResults(
      await readTopic(kafka, pipeline.outputs.output.topic, { expected: 5 }),
    );
    expect(results.map((r) => r.eventId).sort()).toEqual([
      'evt-700',
      'evt-701',
      'evt-702',
      'evt-703',
      'evt-704',
    ]);
  });
});
