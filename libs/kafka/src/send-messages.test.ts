// kafkajs's sendBatch across partitions led by several brokers, when one broker fails and its
// partitions move to another (a leader killed): every partition must be written exactly once.
// patches/kafkajs@2.2.4.patch changes src/producer/sendMessages.js for this; found by the fault
// suite (test/faults, three brokers, the leader of the busiest partitions killed), where results were
// written twice in one transaction and others never.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface TopicData {
  topic: string;
  partitions: { partition: number; firstSequence: number; messages: unknown[] }[];
}
type SendMessages = (options: {
  logger: unknown;
  cluster: unknown;
  partitioner: unknown;
  eosManager: unknown;
  retrier: unknown;
}) => (request: {
  acks: number;
  topicMessages: { topic: string; messages: { partition: number; value: string }[] }[];
}) => Promise<{ topicName: string; partition: number }[]>;
const sendMessages = require('kafkajs/src/producer/sendMessages') as SendMessages;
const createRetry = require('kafkajs/src/retry') as (o: object) => unknown;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A produce call as a broker saw it: which partitions, with which first sequence. */
interface Produced {
  nodeId: number;
  partitions: string[];
}

/**
 * Two brokers; partition 0 led by broker 1, partition 1 by broker 2. Broker 2 fails its first
 * produce as a killed leader does; after the metadata refresh broker 1 leads both partitions.
 * `replaceBrokers`: the refresh also hands out new broker objects (kafkajs removes a broker whose
 * connection closed and creates it again).
 */
function twoBrokers(options: { replaceBrokers: boolean }) {
  const produced: Produced[] = [];
  const leaders: Record<number, number> = { 0: 1, 1: 2 };
  let failures = 1;
  const makeBroker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: TopicData[] }) {
      if (nodeId === 2 && failures-- > 0) {
        const e = new Error('This server is not the leader for that topic-partition') as Error &
          Record<string, unknown>;
        e.name = 'KafkaJSProtocolError';
        e.type = 'NOT_LEADER_FOR_PARTITION';
        e.retriable = true;
        throw e;
      }
      produced.push({
        nodeId,
        partitions: topicData.flatMap((t) =>
          t.partitions.map((p) => `${t.topic}-${p.partition}@${p.firstSequence}`),
        ),
      });
      return {
        topics: topicData.map((t) => ({
          topicName: t.topic,
          partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
        })),
      };
    },
  });
  let brokers: Record<number, ReturnType<typeof makeBroker>> = { 1: makeBroker(1), 2: makeBroker(2) };
  const cluster = {
    targetTopics: new Set<string>(),
    async addMultipleTargetTopics() {},
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {
      leaders[1] = 1;
      if (options.replaceBrokers) brokers = { 1: makeBroker(1), 2: makeBroker(2) };
    },
    isConnected: () => true,
    removeBroker() {},
    findTopicPartitionMetadata: () =>
      [0, 1].map((partitionId) => ({ partitionId, leader: leaders[partitionId] })),
    findLeaderForPartitions(_topic: string, partitions: (string | number)[]) {
      const out: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) (out[leaders[p]!] ??= []).push(p);
      return out;
    },
    async findBroker({ nodeId }: { nodeId: number }) {
      return brokers[nodeId];
    },
  };
  const sequences = new Map<string, number>();
  const eosManager = {
    isTransactional: () => false,
    getTransactionalId: () => undefined,
    getProducerId: () => 7,
    getProducerEpoch: () => 0,
    getSequence: (topic: string, partition: number) => sequences.get(`${topic}-${partition}`) ?? 0,
    updateSequence: (topic: string, partition: number, n: number) =>
      sequences.set(`${topic}-${partition}`, (sequences.get(`${topic}-${partition}`) ?? 0) + n),
    async acquireBrokerLock() {},
    async releaseBrokerLock() {},
  };
  const send = sendMessages({
    logger: quiet,
    cluster,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    eosManager,
    retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
  });
  return { send, produced };
}

const batch = {
  acks: -1,
  topicMessages: [
    {
      topic: 't',
      messages: [
        { partition: 0, value: 'a' },
        { partition: 0, value: 'b' },
        { partition: 1, value: 'c' },
      ],
    },
  ],
};

describe('kafkajs sendBatch when a leader fails mid-send', () => {
  it('sends the failed partition again to its new leader, even when that broker already answered', async () => {
    const { send, produced } = twoBrokers({ replaceBrokers: false });
    const responses = await send(batch);
    expect(produced.flatMap((p) => p.partitions).sort()).toEqual(['t-0@0', 't-1@0']);
    expect(responses.map((r) => `${r.topicName}-${r.partition}`).sort()).toEqual(['t-0', 't-1']);
  });

  it('does not send an acknowledged partition again when the broker objects were replaced', async () => {
    const { send, produced } = twoBrokers({ replaceBrokers: true });
    await send(batch);
    expect(produced.flatMap((p) => p.partitions).sort()).toEqual(['t-0@0', 't-1@0']);
  });
});
