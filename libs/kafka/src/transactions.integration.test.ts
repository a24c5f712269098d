// KIP-447 exactly-once on the real local Kafka: results and the consumer's offsets commit together or
// not at all, a read_committed reader never sees an aborted transaction, a producer whose
// transactional id was taken over is recognised as fenced, and keys land on the partitions the Java
// (and kafkajs) murmur2 partitioner chose for the source.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createKafka } from './client';
import { createClient, type Consumer, type KafkaMessage } from './confluent-client';
import { ensureTopics } from './topics';
import { isFenced, readCommittedConsumer, requiresAbort, transactionalProducer } from './transactions';

const brokers =
  inject('junctionStack')?.brokers ?? (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const suffix = () => `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const admin = createKafka({ brokers, clientId: 'test-transactions' });
const client = createClient({ brokers, clientId: 'test-transactions' });
const topics: string[] = [];

async function deleteTopics(): Promise<void> {
  const a = admin.admin();
  await a.connect();
  await a.deleteTopics({ topics }).catch(() => {});
  await a.disconnect();
}
afterAll(deleteTopics);

async function readAll(topic: string, expected: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const consumer = readCommittedConsumer(client, { groupId: `test-read-${suffix()}` });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    const deadline = Date.now() + timeoutMs;
    // settles a moment past the expected count so an extra (aborted) record would show up too
    while (seen.length < expected && Date.now() < deadline) await sleep(200);
    await sleep(1_000);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

describe('transactions on the Kafka port (KIP-447)', () => {
  it('commits results with the group offsets, hides aborted transactions, keeps murmur2 partitions', async () => {
    const source = `test.txn.source.v1.${suffix()}`;
    const output = `test.txn.output.v1.${suffix()}`;
    const group = `test-txn-${suffix()}`;
    topics.push(source, output);
    await ensureTopics(admin, [
      { topic: source, partitions: 3 },
      { topic: output, partitions: 3 },
    ]);
    // the source is written by kafkajs's default (murmur2) partitioner, as the data written so far
    const writer = admin.producer({ idempotent: true, maxInFlightRequests: 1 });
    await writer.connect();
    const keys = Array.from({ length: 12 }, (_, i) => `lead-${i}`);
    await writer.send({ topic: source, messages: keys.map((k) => ({ key: k, value: `v-${k}` })) });
    await writer.disconnect();

    const producer = transactionalProducer(client, { transactionalId: `test-txn-${suffix()}` });
    await producer.connect();
    let aborted = false;
    let processed = 0;
    const sourcePartition = new Map<string, number>();
    const consumer: Consumer = readCommittedConsumer(client, { groupId: group });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [source] });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const next = String(BigInt(batch.lastOffset()) + 1n);
          const offsets = {
            consumer,
            topics: [{ topic: source, partitions: [{ partition: batch.partition, offset: next }] }],
          };
          if (!aborted) {
            // a transaction that aborts: neither its records nor its offsets may become visible
            const txn = await producer.transaction();
            await txn.send({ topic: output, messages: [{ key: 'ghost', value: 'aborted' }] });
            await txn.sendOffsets(offsets);
            await txn.abort();
            aborted = true;
          }
          const txn = await producer.transaction();
          await txn.send({
            topic: output,
            messages: batch.messages.map((m) => ({ key: m.key, value: m.value })),
          });
          await txn.sendOffsets(offsets);
          await txn.commit();
          for (const m of batch.messages) sourcePartition.set(String(m.key), batch.partition);
          processed += batch.messages.length;
        },
      });
      const deadline = Date.now() + 45_000;
      while (processed < keys.length && Date.now() < deadline) await sleep(200);
      expect(processed).toBe(keys.length);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }

    const out = await readAll(output, keys.length);
    expect(out.map((m) => String(m.value)).sort()).toEqual(keys.map((k) => `v-${k}`).sort());

    const a = admin.admin();
    await a.connect();
    try {
      const [committed] = await a.fetchOffsets({ groupId: group, topics: [source] });
      const ends = await a.fetchTopicOffsets(source);
      const byPartition = (ps: { partition: number; offset: string }[]) =>
        Object.fromEntries(ps.map((p) => [p.partition, p.offset]));
      expect(byPartition(committed!.partitions)).toEqual(byPartition(ends));
    } finally {
      await a.disconnect();
    }

    // the output has the source's partition count: each key must sit on its source partition
    const check = readCommittedConsumer(client, { groupId: `test-part-${suffix()}` });
    const placed = new Map<string, number>();
    await check.connect();
    try {
      await check.subscribe({ topics: [output] });
      await check.run({
        eachMessage: async ({ partition, message }) => void placed.set(String(message.key), partition),
      });
      const deadline = Date.now() + 30_000;
      while (placed.size < keys.length && Date.now() < deadline) await sleep(200);
    } finally {
      await check.disconnect();
    }
    expect(Object.fromEntries(placed)).toEqual(Object.fromEntries(sourcePartition));
  });

  it('a producer whose transactional id was taken over is fenced, and says so', async () => {
    const topic = `test.txn.fenced.v1.${suffix()}`;
    topics.push(topic);
    await ensureTopics(admin, [{ topic, partitions: 1 }]);
    const id = `test-fenced-${suffix()}`;
    const old = transactionalProducer(client, { transactionalId: id });
    const next = transactionalProducer(client, { transactionalId: id });
    await old.connect();
    try {
      const txn = await old.transaction();
      await txn.send({ topic, messages: [{ key: 'k', value: 'from the old owner' }] });
      await next.connect(); // initialises the same id: the old producer's epoch is gone
      const err = await txn.commit().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      expect(isFenced(err)).toBe(true);
      expect(requiresAbort(err)).toBe(false);
      const txn2 = await next.transaction();
      await txn2.send({ topic, messages: [{ key: 'k', value: 'from the new owner' }] });
      await txn2.commit();
    } finally {
      await old.disconnect().catch(() => {});
      await next.disconnect();
    }
    const seen = await readAll(topic, 1);
    expect(seen.map((m) => String(m.value))).toEqual(['from the new owner']);
  });

  it('classifies both clients’ fencing errors and nothing else', () => {
    expect(isFenced({ type: 'PRODUCER_FENCED' })).toBe(true);
    expect(isFenced({ name: 'KafkaJSError', fatal: true, code: -144 })).toBe(true);
    expect(isFenced({ abortable: true, code: 48 })).toBe(false);
    expect(requiresAbort({ abortable: true, code: 48 })).toBe(true);
    expect(isFenced(new Error('timed out'))).toBe(false);
    expect(isFenced(undefined)).toBe(false);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
