// The ceiling on librdkafka: @confluentinc/kafka-javascript's KafkaJS-compatible API, consume →
// produce passthrough, no decode, no model call, no transactions; eachBatch with every partition
// consumed concurrently, as its docs recommend for throughput. The client is libs/kafka's
// dependency (the one Kafka port), loaded from there.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { benchEnv, firstConsume, onStop, signal, sourceHeaders } from './common';

// the few parts of its KafkaJS-compatible API used here (the package is not a dependency of test/bench)
interface Message {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers?: Record<string, Buffer | string | undefined>;
}
interface Batch {
  partition: number;
  messages: Message[];
}
interface Client {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}
interface KafkaJSCompat {
  logLevel: { WARN: number };
  Kafka: new (config: { kafkaJS: Record<string, unknown> }) => {
    consumer(config: { kafkaJS: Record<string, unknown> }): Client & {
      subscribe(s: { topics: string[] }): Promise<void>;
      run(r: {
        partitionsConsumedConcurrently: number;
        eachBatch(p: { batch: Batch; resolveOffset(offset: string): void }): Promise<void>;
      }): Promise<void>;
    };
    producer(config: { kafkaJS: Record<string, unknown> }): Client & {
      send(r: { topic: string; messages: Omit<Message, 'offset'>[] }): Promise<unknown>;
    };
  };
}
const require = createRequire(resolve(import.meta.dirname, '../../../libs/kafka/package.json'));
const { KafkaJS } = require('@confluentinc/kafka-javascript') as { KafkaJS: KafkaJSCompat };

const env = benchEnv();
const kafka = new KafkaJS.Kafka({ kafkaJS: { clientId: 'bench-raw-rdkafka', brokers: env.brokers, logLevel: KafkaJS.logLevel.WARN } });
const consumer = kafka.consumer({ kafkaJS: { groupId: env.group, fromBeginning: true, autoCommit: true } });
const producer = kafka.producer({ kafkaJS: { allowAutoTopicCreation: false } });
await Promise.all([consumer.connect(), producer.connect()]);
await consumer.subscribe({ topics: [env.source] });
await consumer.run({
  partitionsConsumedConcurrently: env.partitions,
  eachBatch: async ({ batch, resolveOffset }) => {
    if (batch.messages.length === 0) return;
    firstConsume();
    await producer.send({
      topic: env.output,
      messages: batch.messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: { ...m.headers, ...sourceHeaders(batch.partition, m.offset) },
      })),
    });
    resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
  },
});
signal('started');
onStop(async () => {
  await consumer.disconnect();
  await producer.disconnect();
});
