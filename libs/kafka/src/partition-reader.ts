/**
 * Reads one partition from an offset to its end, read_committed, with a consumer of its own that is
 * assigned the partition by hand: no group membership, no offset commits. This is how a changelog
 * partition is restored into a local store (the engine's idempotency state).
 *
 * The end is where librdkafka reports the partition's end (`partition.eof`): for a read_committed
 * consumer that is the last stable offset. On a transactional topic the last record is usually a
 * commit marker, which is never delivered, so the end is often one past the last record seen.
 */
import { randomBytes } from 'node:crypto';
import rdkafka, { type LibrdKafkaError, type Message } from '@confluentinc/kafka-javascript';
import type { KafkaConnection } from './client';

// a CommonJS package whose exports Node's ESM loader cannot see by name
const { KafkaConsumer } = rdkafka;

export interface PartitionRecord {
  key: string;
  value: Buffer | null;
  timestamp: number;
  offset: bigint;
}

export interface PartitionReaderOptions {
  /** Reads running at once (each holds a client and its fetch queue); more wait. Default 3. */
  concurrency?: number;
  /** librdkafka's fetch queue per read, KiB (bounds memory). Default 4096. */
  queueKiB?: number;
  /** Records per delivered batch. Default 2000. */
  batch?: number;
}

/** librdkafka settings for a connection described the kafkajs way. */
function rdkafkaConnection(conn: KafkaConnection): Record<string, string | number | boolean> {
  const protocol = `${conn.sasl ? 'sasl_' : ''}${conn.ssl ? 'ssl' : 'plaintext'}`;
  const out: Record<string, string | number | boolean> = {
    'bootstrap.servers': conn.brokers.join(','),
    'client.id': conn.clientId ?? 'junction',
    'security.protocol': protocol,
    'socket.connection.setup.timeout.ms': conn.connectionTimeoutMs ?? 10_000,
  };
  const sasl = conn.sasl as { mechanism?: string; username?: string; password?: string } | undefined;
  if (sasl?.mechanism) {
    out['sasl.mechanisms'] = sasl.mechanism.toUpperCase();
    if (sasl.username !== undefined) out['sasl.username'] = sasl.username;
    if (sasl.password !== undefined) out['sasl.password'] = sasl.password;
  }
  return out;
}

export class PartitionReader {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly conn: KafkaConnection,
    readonly topic: string,
    private readonly options: PartitionReaderOptions = {},
  ) {}

  /** Calls onBatch for each batch in offset order; resolves with the next offset to read (the end). */
  async readToEnd(
    partition: number,
    fromOffset: bigint,
    onBatch: (records: PartitionRecord[]) => void,
    signal?: AbortSignal,
  ): Promise<bigint> {
    await this.slot();
    try {
      return await this.read(partition, fromOffset, onBatch, signal);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async slot(): Promise<void> {
    while (this.running >= (this.options.concurrency ?? 3))
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }

  private async read(
    partition: number,
    fromOffset: bigint,
    onBatch: (records: PartitionRecord[]) => void,
    signal?: AbortSignal,
  ): Promise<bigint> {
    const consumer = new KafkaConsumer(
      {
        ...rdkafkaConnection(this.conn),
        // librdkafka wants a group id, though an assigned consumer that commits nothing never joins it
        'group.id': `junction-partition-reader-${randomBytes(6).toString('hex')}`,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'isolation.level': 'read_committed',
        'enable.partition.eof': true,
        'queued.max.messages.kbytes': this.options.queueKiB ?? 4096,
        'queued.min.messages': 10_000,
        'fetch.wait.max.ms': 100,
      },
      // below the log start (compacted or expired away): start from the earliest there is
      { 'auto.offset.reset': 'earliest' },
    );
    await new Promise<void>((resolve, reject) =>
      consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())),
    );
    try {
      const high = await new Promise<number>((resolve, reject) =>
        consumer.queryWatermarkOffsets(this.topic, partition, 30_000, (err, w) =>
          err ? reject(err) : resolve(w.highOffset),
        ),
      );
      // past the end: the topic was recreated; the caller decides what its checkpoint is worth
      if (fromOffset > BigInt(high)) return BigInt(high);
      let eof: bigint | undefined;
      consumer.on('partition.eof', (e) => {
        if (e.partition === partition && e.offset !== undefined) eof = BigInt(e.offset);
      });
      consumer.setDefaultConsumeTimeout(200);
      consumer.assign([{ topic: this.topic, partition, offset: Number(fromOffset) }]);
      let next = fromOffset;
      const batch = this.options.batch ?? 2_000;
      for (;;) {
        if (signal?.aborted) throw signal.reason ?? new Error('aborted');
        const messages = await new Promise<Message[]>((resolve, reject) =>
          consumer.consume(batch, (err: LibrdKafkaError | null, m: Message[]) =>
            err ? reject(err) : resolve(m),
          ),
        );
        const records: PartitionRecord[] = [];
        for (const m of messages) {
          if (m.partition !== partition || m.key === undefined || m.key === null) continue;
          records.push({
            key: Buffer.isBuffer(m.key) ? m.key.toString('utf8') : String(m.key),
            value: m.value ?? null,
            timestamp: m.timestamp ?? 0,
            offset: BigInt(m.offset),
          });
        }
        if (messages.length) next = BigInt(messages[messages.length - 1]!.offset) + 1n;
        if (records.length) onBatch(records);
        if (eof !== undefined && messages.length === 0) return eof > next ? eof : next;
      }
    } finally {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    }
  }
}
