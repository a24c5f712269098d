// The ceiling: kafkajs consume → produce passthrough, no decode, no model call, eachBatch.
import { Kafka, logLevel } from 'kafkajs';
import { benchEnv, firstConsume, onStop, signal, sourceHeaders } from './common';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const env = benchEnv();
const kafka = new Kafka({ clientId: 'bench-raw', brokers: env.brokers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: env.group });
const producer = kafka.producer({ allowAutoTopicCreation: false });
await Promise.all([consumer.connect(), producer.connect()]);
await consumer.subscribe({ topic: env.source, fromBeginning: true });
await consumer.run({
  autoCommit: true,
  partitionsConsumedConcurrently: env.partitions,
  eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning }) => {
    if (!isRunning() || batch.messages.length === 0) return;
    firstConsume();
    await producer.send({
      topic: env.output,
      messages: batch.messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: { ...m.headers, ...sourceHeaders(batch.partition, m.offset) },
      })),
    });
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    await heartbeat();
  },
});
signal('started');
onStop(async () => {
  await consumer.disconnect();
  await producer.disconnect();
});
