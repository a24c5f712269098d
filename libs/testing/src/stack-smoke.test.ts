// The stack every other test stands on, checked the way a user would: a consumer group reads what a
// producer wrote, transactions commit or abort with their offsets, and the registry speaks
// Confluent's protocol (wire format, BACKWARD compatibility enforced with a 409).
import { describe, expect, it } from 'vitest';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '@junction/kafka';
import { createRegistry, SchemaType } from '@junction/schemas';
import { testStack, uniqueGroup, uniqueTopic } from './index';

function kafka(): Kafka {
  return createKafka({ brokers: testStack().brokers, clientId: 'smoke' });
}

/** Collects messages until `count` arrived or `timeoutMs` passed. */
async function collect(consumer: Consumer, topic: string, count: number, timeoutMs = 20_000): Promise<EachMessagePayload[]> {
  const got: EachMessagePayload[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    void consumer.run({
      eachMessage: async (payload) => {
        got.push(payload);
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  return got;
}

describe('local stack: Kafka', () => {
  it('delivers produced records to a consumer group and commits its offsets', async () => {
    const k = kafka();
    const topic = uniqueTopic('smoke.record.produced.v1');
    const groupId = uniqueGroup();
    await ensureTopics(k, [{ topic, partitions: 3 }]);
    const producer = k.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 5}`, value: `v${i}` })),
    });
    await producer.disconnect();

    const consumer = k.consumer({ groupId });
    await consumer.connect();
    const got = await collect(consumer, topic, 30);
    await consumer.disconnect();
    expect(got.map((m) => m.message.value?.toString()).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`).sort());

    const admin = k.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(30);
  });

  it('commits a transaction with its consumer offsets and hides an aborted one from read_committed readers', async () => {
    const k = kafka();
    const source = uniqueTopic('smoke.source.event.v1');
    const sink = uniqueTopic('smoke.sink.event.v1');
    const groupId = uniqueGroup('smoke-txn');
    await ensureTopics(k, [{ topic: source }, { topic: sink }]);

    const producer = k.producer({ transactionalId: `smoke-${groupId}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    const committed = await producer.transaction();
    await committed.send({ topic: sink, messages: [{ key: 'a', value: 'committed' }] });
    await committed.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: source, partitions: [{ partition: 0, offset: '7' }] }] });
    await committed.commit();

    const aborted = await producer.transaction();
    await aborted.send({ topic: sink, messages: [{ key: 'b', value: 'aborted' }] });
    await aborted.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: source, partitions: [{ partition: 0, offset: '9' }] }] });
    await aborted.abort();
    await producer.disconnect();

    const reader = k.consumer({ groupId: uniqueGroup('smoke-reader'), readUncommitted: false });
    await reader.connect();
    const got = await collect(reader, sink, 2, 8_000);
    await reader.disconnect();
    expect(got.map((m) => m.message.value?.toString())).toEqual(['committed']);

    const admin = k.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [source] });
    await admin.disconnect();
    expect(offsets[0]!.partitions.find((p) => p.partition === 0)?.offset).toBe('7');
  });
});

describe('local stack: schema registry', () => {
  const leadV1 = {
    type: 'record',
    name: 'SmokeLead',
    namespace: 'junction.smoke',
    fields: [
      { name: 'leadId', type: 'string' },
      { name: 'employees', type: 'int' },
    ],
  };

  it('registers an Avro schema and round-trips a record in the Confluent wire format', async () => {
    const registry = createRegistry(testStack().schemaRegistryUrl);
    const subject = `${uniqueTopic('smoke.lead.created.v1')}-value`;
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(leadV1) }, { subject });
    expect(id).toBeGreaterThan(0);

    const bytes = await registry.encode(id, { leadId: 'L-1', employees: 42 });
    expect(bytes[0]).toBe(0); // magic byte
    expect(bytes.readInt32BE(1)).toBe(id); // 4-byte schema id
    expect(await registry.decode(bytes)).toEqual({ leadId: 'L-1', employees: 42 });
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
  });

  it('accepts a BACKWARD-compatible change and rejects an incompatible one with 409', async () => {
    const registry = createRegistry(testStack().schemaRegistryUrl);
    const subject = `${uniqueTopic('smoke.lead.evolved.v1')}-value`;
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(leadV1) }, { subject });

    const v2 = { ...leadV1, fields: [...leadV1.fields, { name: 'industry', type: ['null', 'string'], default: null }] };
    const { id: v2Id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) }, { subject });
    expect(await registry.getLatestSchemaId(subject)).toBe(v2Id);

    const incompatible = { ...leadV1, fields: [...leadV1.fields, { name: 'country', type: 'string' }] };
    const rejected = await registry
      .register({ type: SchemaType.AVRO, schema: JSON.stringify(incompatible) }, { subject })
      .then(() => undefined, (err: unknown) => err as { status?: number; message?: string });
    expect(rejected?.status).toBe(409);
    expect(await registry.getLatestSchemaId(subject)).toBe(v2Id);
  });
});
