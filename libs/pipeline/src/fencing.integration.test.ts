// A new owner of a partition must fence the previous one before it reads the committed offset:
// otherwise a previous owner still running (a replica that has not yet seen the rebalance, a paused
// process) commits results and offsets after the new owner read the offset, and the new owner
// processes the same records again: one event, two results.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { openInference } from '@junction/calls';
import { createKafka, ensureTopics } from '@junction/kafka';
import {
  eventually,
  startModelStub,
  testStack,
  uniqueSuffix,
  uniqueTopic,
  type ModelStub,
} from '@junction/testing';
import { definePipeline } from './definition';
import { PipelineRunner } from './runner';
import { consumerGroupFor, transactionalIdFor } from './topic-names';

const Event = {
  type: 'record',
  name: 'FencingEvent',
  namespace: 'junction.test',
  fields: [{ name: 'eventId', type: 'string' }],
} as const;

let kafka: Kafka;
let stub: ModelStub;

beforeAll(async () => {
  kafka = createKafka({ brokers: testStack().brokers, clientId: 'fencing-it' });
  stub = await startModelStub();
});

afterAll(async () => {
  await stub.close();
});

it('fences the previous owner of a partition as soon as it takes the partition, before reading the committed offset', async () => {
  const topic = uniqueTopic('fencing.event.created.v1');
  const name = `fencing-${uniqueSuffix()}`;
  await ensureTopics(kafka, [{ topic, partitions: 1 }]);

  // the previous owner: the partition's transactional producer, in the middle of a transaction
  // that carries results and the partition's offset
  const zombie = kafka.producer({
    transactionalId: transactionalIdFor(name, topic, 0),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await zombie.connect();
  const txn = await zombie.transaction();
  await txn.sendOffsets({
    consumerGroupId: consumerGroupFor(name),
    topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }],
  });

  const runner = new PipelineRunner(
    definePipeline<{ eventId: string }, Record<string, number>, Record<string, unknown>, { eventId: string }>(
      {
        name,
        source: { topic, schema: Event },
        key: (e) => e.eventId,
        idempotencyKey: (e) => e.eventId,
        call: () => openInference({ endpoint: 'fencing', baseUrl: stub.url, model: 'lead' }),
        request: () => ({ employees: 1, visits: 1 }),
        result: (e) => ({ eventId: e.eventId }),
        outputs: { output: { topic: `${topic}.out`, schema: Event } },
      },
    ),
    {
      brokers: testStack().brokers,
      schemaRegistryUrl: testStack().schemaRegistryUrl,
      sessionTimeoutMs: 6_000,
    },
  );
  try {
    await runner.start();
    await eventually(
      () => runner.health().assignedPartitions.includes(`${topic}:0`),
      'the partition to be active',
      30_000,
    );
    // the new owner has read the committed offset: the previous owner's commit must not land after that
    await expect(txn.commit()).rejects.toThrow(/epoch|fenced/i);
  } finally {
    await runner.stop();
    await zombie.disconnect();
  }
}, 60_000);
