// Dead letters end to end on the real stack (issue 5): with the model unavailable, events land in the
// DLQ after their retries; with the model back, a filtered replay gives every event exactly one result,
// and replaying again sends nothing (the replay ledger). Also: show on non-Avro bytes, list filters,
// and replay throughput on records written with the runner's own dead-letter headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { openInference } from '@junction/calls';
import { createKafka, deadLetterHeaders, ensureTopics } from '@junction/kafka';
import { definePipeline, H, headerText, PipelineRunner } from '@junction/pipeline';
import { createRegistry, SchemaType } from '@junction/schemas';
import {
  eventually,
  readTopic,
  startModelStub,
  testStack,
  uniqueSuffix,
  uniqueTopic,
  type ModelStub,
} from '@junction/testing';
// the exact headers the runner writes on a dead letter
import { DeadLetters, ledgerKey, REPLAY_LEDGER_TOPIC } from './index';

const N = 1_000;

const Lead = {
  type: 'record',
  name: 'DlqTestLead',
  namespace: 'junction.test',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'leadId', type: 'string' },
    { name: 'employees', type: 'int' },
    { name: 'visits', type: 'int' },
  ],
} as const;
const Scored = {
  type: 'record',
  name: 'DlqTestLeadScored',
  namespace: 'junction.test',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'score', type: 'double' },
  ],
} as const;
interface LeadT {
  eventId: string;
  leadId: string;
  employees: number;
  visits: number;
}

let kafka: Kafka;
let stub: ModelStub;
let dlq: DeadLetters;
const runners: PipelineRunner<
  LeadT,
  Record<string, number>,
  Record<string, unknown>,
  { eventId: string; score: number }
>[] = [];

beforeAll(async () => {
  kafka = createKafka({ brokers: testStack().brokers, clientId: 'dlq-it' });
  stub = await startModelStub();
  dlq = new DeadLetters({
    brokers: testStack().brokers,
    registryUrl: testStack().schemaRegistryUrl,
    by: 'dlq-it',
  });
});
afterAll(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await stub.close();
});

/** Dead letters written with the runner's own headers (deadLetterHeaders), `size` bytes of value each. */
async function writeDeadLetters(
  dlqTopic: string,
  target: string,
  count: number,
  size = 200,
  partition?: number,
): Promise<void> {
  // idempotent: a send retried on a loaded machine must not write a batch twice (the counts are exact)
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const now = Date.now();
  const per = Math.max(1, Math.floor(500_000 / (size + 500)));
  for (let b = 0; b < count; b += per) {
    await producer.send({
      topic: dlqTopic,
      messages: Array.from({ length: Math.min(per, count - b) }, (_, j) => {
        const i = b + j;
        return {
          key: `k-${i % 500}`,
          value: Buffer.alloc(size, i % 256),
          ...(partition !== undefined ? { partition } : {}),
          headers: deadLetterHeaders(
            { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
            {
              pipeline: 'bench',
              consumerGroup: 'junction.bench',
              idempotencyKey: `evt-${i}`,
              origin: { topic: target, partition: i % 6, offset: String(i), timestamp: String(now) },
              attempts: 3,
              firstFailure: now - 1_000,
              lastFailure: now,
              failure: {
                kind: 'retriable',
                code: 'call.unavailable',
                errorClass: 'CallError',
                message: 'model unavailable (503)',
                stack: 'CallError: model unavailable (503)\n    at x',
              },
            },
          ),
        };
      }),
    });
  }
  await producer.disconnect();
}

function pipelineFor(topic: string) {
  return definePipeline<
    LeadT,
    Record<string, number>,
    Record<string, unknown>,
    { eventId: string; score: number }
  >({
    name: `dlq-test-${uniqueSuffix()}`,
    source: { topic, schema: Lead },
    key: (e) => e.leadId,
    idempotencyKey: (e) => e.eventId,
    call: () =>
      openInference({
        endpoint: 'dlq-test-model',
        baseUrl: stub.url,
        model: 'lead',
        timeoutMs: 300,
        retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 20 },
        batch: { max: 64, lingerMs: 2 },
        // half-opens quickly, so the pipeline notices the model is back
        breaker: { failureRatio: 0.5, minimumRps: 2, windowMs: 2_000, halfOpenAfterMs: 300 },
      }),
    request: (e) => ({ employees: e.employees, visits: e.visits }),
    result: (e, out) => ({ eventId: e.eventId, score: Number(out.score) }),
    outputs: { output: { topic: `${topic}.scored`, schema: Scored } },
    retry: { delaysMs: [100, 200] },
    maxInFlight: 512,
  });
}

describe('dead letters: list, show, replay (real Kafka, registry and HTTP model)', () => {
  it(`model down: ${N} events dead-lettered after their retries; model back: a filtered replay gives each exactly one result; replaying again sends nothing`, async () => {
    const topic = uniqueTopic('test.dlqlead.created.v1');
    await ensureTopics(kafka, [{ topic, partitions: 3 }]);
    const registry = createRegistry(testStack().schemaRegistryUrl);
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(Lead) },
      { subject: `${topic}-value` },
    );
    const events = Array.from({ length: N }, (_, i) => ({
      eventId: `evt-${i}`,
      leadId: `lead-${i % 97}`,
      employees: i % 300,
      visits: i % 9,
    }));
    const messages = await Promise.all(
      events.map(async (e) => ({
        key: e.leadId,
        value: await registry.encode(id, e),
        headers: { 'x-origin': 'crm-test' },
      })),
    );
    // and three poison records, which a replay filtered on the error class leaves alone
    const poison = [0, 1, 2].map((i) => ({
      key: `bad-${i}`,
      value: Buffer.from(`not avro ${i}`),
      headers: { 'x-origin': 'crm-test' },
    }));

    stub.options = { down: true };
    const pipeline = pipelineFor(topic);
    const runner = new PipelineRunner(pipeline, {
      brokers: testStack().brokers,
      schemaRegistryUrl: testStack().schemaRegistryUrl,
    });
    runners.push(runner);
    await runner.start();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, messages: [...messages, ...poison] });
    await producer.disconnect();

    await eventually(() => runner.stats.deadLettered === N + 3, `all ${N + 3} dead-lettered`, 90_000);
    expect(runner.stats.output).toBe(0);

    const dlqTopic = pipeline.resolved.dlqTopic;
    const [summary] = await dlq.topics({ topics: [dlqTopic] });
    expect(summary).toMatchObject({
      topic: dlqTopic,
      partitions: 3,
      count: N + 3,
      pipelines: [pipeline.name],
    });
    expect(summary!.errorClasses[0]).toEqual({ errorClass: 'CallError', count: N });
    expect(summary!.errorClasses).toContainEqual({ errorClass: 'WireFormatError', count: 3 });
    expect(summary!.offsetSpan).toBeGreaterThan(N + 3); // transaction markers take offsets

    const callErrors = await dlq.list(dlqTopic, { errorClass: 'CallError' });
    expect(callErrors).toHaveLength(N);
    expect(callErrors.every((r) => r.attempts === 3 && r.originalTopic === topic)).toBe(true);
    expect(await dlq.list(dlqTopic, { key: 'bad-1' })).toHaveLength(1);
    expect(await dlq.list(dlqTopic, { headers: [{ name: H.errorCode, value: 'wire-format' }] })).toHaveLength(
      3,
    );
    expect(await dlq.list(dlqTopic, { since: Date.now() + 60_000 })).toHaveLength(0);
    expect(await dlq.list(dlqTopic, { pipeline: 'someone-else' })).toHaveLength(0);

    // show: the Avro payload decoded, numeric Spring headers decoded, the error in full
    const one = callErrors[0]!;
    const shown = await dlq.show(dlqTopic, one.partition, one.offset);
    expect(shown.value).toMatchObject({ encoding: 'avro', schemaId: id });
    expect((shown.value as { value: LeadT }).value.eventId).toMatch(/^evt-\d+$/);
    expect(shown.error.class).toBe('CallError');
    expect(shown.error.stacktrace).toContain('CallError');
    expect(shown.original.topic).toBe(topic);
    expect(shown.headers['kafka_dlt-original-partition']).toMatch(/^\d+$/);
    expect(shown.replayed).toBeUndefined();
    // show: bytes that are not Avro come back as hex
    const bad = (await dlq.list(dlqTopic, { key: 'bad-0' }))[0]!;
    const shownBad = await dlq.show(dlqTopic, bad.partition, bad.offset);
    expect(shownBad.value).toMatchObject({ encoding: 'hex', hex: Buffer.from('not avro 0').toString('hex') });
    await expect(dlq.show(dlqTopic, 0, 99_999_999)).rejects.toThrow(/no record at .* holds offsets/);
    await expect(dlq.show(`${dlqTopic}-nope.dlq`, 0, 0)).rejects.toThrow(
      /expected one of the dead-letter topics/,
    );

    // dry run: counts, sends nothing
    const dry = await dlq.replay(dlqTopic, { errorClass: 'CallError' }, { dryRun: true });
    expect(dry).toMatchObject({ matched: N, replayed: 0, dryRun: true, targets: { [topic]: N } });

    // the model is back; replay only the call failures
    stub.options = {};
    await new Promise((r) => setTimeout(r, 500)); // let the breaker half-open
    const progress: number[] = [];
    const first = await dlq.replay(
      dlqTopic,
      { errorClass: 'CallError' },
      { onProgress: (p) => progress.push(p.sent) },
    );
    expect(first).toMatchObject({
      matched: N,
      replayed: N,
      skippedAlreadyReplayed: 0,
      targets: { [topic]: N },
    });
    expect(progress.at(-1)).toBe(N);

    await eventually(() => runner.stats.output === N, `${N} results after the replay`, 90_000);
    const results = await readTopic(kafka, pipeline.outputs.output.topic, { expected: N, minWaitMs: 1_000 });
    const decoded = await Promise.all(
      results.map((r) => registry.decode(r.value!) as Promise<{ eventId: string }>),
    );
    const perEvent = new Map<string, number>();
    for (const d of decoded) perEvent.set(d.eventId, (perEvent.get(d.eventId) ?? 0) + 1);
    expect(perEvent.size).toBe(N);
    expect([...perEvent.values()].every((n) => n === 1)).toBe(true);
    for (const e of events) expect(perEvent.get(e.eventId)).toBe(1);
    expect(runner.stats.deadLettered).toBe(N + 3); // nothing failed again

    // the replayed records: original key, value and headers, plus junction-replay-of; no failure headers
    const source = await readTopic(kafka, topic, { expected: 2 * N + 3 });
    const replayed = source.filter((r) => headerText(r.headers, H.replayOf));
    expect(replayed).toHaveLength(N);
    const sample = replayed[0]!;
    const ref = headerText(sample.headers, H.replayOf)!;
    expect(ref).toMatch(new RegExp(`^${dlqTopic.replace(/\./g, '\\.')}:\\d+:\\d+$`));
    expect(headerText(sample.headers, 'x-origin')).toBe('crm-test');
    expect(headerText(sample.headers, H.idempotencyKey)).toMatch(/^evt-\d+$/);
    expect(
      Object.keys(sample.headers).filter(
        (k) => k.startsWith('kafka_dlt-') || k === H.attempts || k === H.errorKind,
      ),
    ).toEqual([]);
    const [, p, o] = /:(\d+):(\d+)$/.exec(ref)!;
    const original = callErrors.find((r) => r.partition === Number(p) && r.offset === o)!;
    expect(sample.key).toEqual(original.key);
    expect(sample.value).toEqual(original.value);
    expect((await dlq.show(dlqTopic, original.partition, original.offset)).replayed).toMatchObject({
      target: topic,
      by: 'dlq-it',
    });

    // the same replay again sends nothing
    const second = await dlq.replay(dlqTopic, { errorClass: 'CallError' });
    expect(second).toMatchObject({ matched: N, replayed: 0, skippedAlreadyReplayed: N });
    expect(await readTopic(kafka, topic, { idleMs: 1_000 })).toHaveLength(2 * N + 3);
  }, 240_000);

  it('replays fast unthrottled, paces with --rate, and honours the limit', async () => {
    const dlqTopic = `${uniqueTopic('test.dlqbench.created.v1')}.bench.dlq`;
    const target = uniqueTopic('test.dlqbench.target.v1');
    await ensureTopics(kafka, [
      { topic: dlqTopic, partitions: 6 },
      { topic: target, partitions: 6 },
    ]);
    const COUNT = 30_000;
    await writeDeadLetters(dlqTopic, target, COUNT);

    const limited = await dlq.replay(dlqTopic, {}, { limit: 1_000, ratePerSec: 2_000 });
    expect(limited.replayed).toBe(1_000);
    // ~0.5 s at 2,000/s (the first chunk is a burst)
    expect(limited.ratePerSec).toBeLessThan(2_600);

    const fast = await dlq.replay(dlqTopic, {});
    console.log(
      `replayed ${fast.replayed} records at ${fast.ratePerSec} records/s (whole command ${fast.durationMs} ms, incl. reading the DLQ and ledger)`,
    );
    expect(fast).toMatchObject({
      replayed: COUNT - 1_000,
      skippedAlreadyReplayed: 1_000,
      targets: { [target]: COUNT - 1_000 },
    });
    expect(await readTopic(kafka, target, { expected: COUNT, timeoutMs: 60_000 })).toHaveLength(COUNT);
    expect(await dlq.replay(dlqTopic, {})).toMatchObject({ replayed: 0, skippedAlreadyReplayed: COUNT });

    // every replay is in the ledger, read as committed
    const ledger = await readTopic(kafka, REPLAY_LEDGER_TOPIC, { idleMs: 1_500 });
    const mine = ledger.filter((r) => r.key?.toString().startsWith(`${dlqTopic}:`));
    expect(new Set(mine.map((r) => r.key!.toString())).size).toBe(COUNT);
    expect(mine.some((r) => r.key!.toString() === ledgerKey(dlqTopic, 0, '0'))).toBe(true);
  }, 180_000);
  it('streams: a replay of many records holds at most one send chunk of them at a time', async () => {
    const dlqTopic = `${uniqueTopic('test.dlqstream.created.v1')}.stream.dlq`;
    const target = uniqueTopic('test.dlqstream.target.v1');
    await ensureTopics(kafka, [
      { topic: dlqTopic, partitions: 3 },
      { topic: target, partitions: 3 },
    ]);
    const COUNT = 10_000;
    await writeDeadLetters(dlqTopic, target, COUNT);
    const seen: number[] = [];
    const result = await dlq.replay(dlqTopic, {}, { batchSize: 100, onProgress: (p) => seen.push(p.sent) });
    expect(result).toMatchObject({ replayed: COUNT, targets: { [target]: COUNT } });
    expect(result.bufferedHighWater).toBeGreaterThan(0);
    expect(result.bufferedHighWater).toBeLessThanOrEqual(100);
    // sent as it was read: progress in chunks, ending at the total
    expect(seen.length).toBeGreaterThanOrEqual(COUNT / 100);
    expect(seen.at(-1)).toBe(COUNT);
    expect(await readTopic(kafka, target, { expected: COUNT, timeoutMs: 60_000 })).toHaveLength(COUNT);
    expect(await dlq.replay(dlqTopic, {})).toMatchObject({ replayed: 0, skippedAlreadyReplayed: COUNT });
  }, 120_000);

  it('splits sends by size: 300 records of 20 KB to one partition replay in full', async () => {
    const dlqTopic = `${uniqueTopic('test.dlqbig.created.v1')}.big.dlq`;
    const target = uniqueTopic('test.dlqbig.target.v1');
    await ensureTopics(kafka, [
      { topic: dlqTopic, partitions: 1 },
      { topic: target, partitions: 1 },
    ]);
    await writeDeadLetters(dlqTopic, target, 300, 20_000);
    expect(await dlq.replay(dlqTopic, {})).toMatchObject({ replayed: 300, targets: { [target]: 300 } });
    expect(await readTopic(kafka, target, { expected: 300 })).toHaveLength(300);
  });

  it('two replays of one DLQ at the same time replay each record once (the later fences the earlier)', async () => {
    const dlqTopic = `${uniqueTopic('test.dlqrace.created.v1')}.race.dlq`;
    const target = uniqueTopic('test.dlqrace.target.v1');
    await ensureTopics(kafka, [
      { topic: dlqTopic, partitions: 3 },
      { topic: target, partitions: 3 },
    ]);
    const COUNT = 20_000;
    await writeDeadLetters(dlqTopic, target, COUNT);
    const paced = dlq.replay(dlqTopic, {}, { ratePerSec: 5_000 });
    await new Promise((r) => setTimeout(r, 1_500));
    const [a, b] = await Promise.allSettled([paced, dlq.replay(dlqTopic, {})]);
    expect(b.status).toBe('fulfilled');
    const replayedByA = a.status === 'fulfilled' ? a.value.replayed : undefined;
    if (a.status === 'rejected') expect(String(a.reason)).toMatch(/another replay of .* took over/);
    const second = (b as PromiseFulfilledResult<Awaited<typeof paced>>).value;
    expect(second.replayed + second.skippedAlreadyReplayed).toBe(COUNT);
    if (replayedByA !== undefined) expect(replayedByA + second.replayed).toBe(COUNT);
    const out = await readTopic(kafka, target, { expected: COUNT, minWaitMs: 1_000 });
    expect(out).toHaveLength(COUNT);
    expect(new Set(out.map((r) => headerText(r.headers, H.replayOf))).size).toBe(COUNT);
    expect(await dlq.replay(dlqTopic, {})).toMatchObject({ replayed: 0, skippedAlreadyReplayed: COUNT });
  }, 120_000);
});
