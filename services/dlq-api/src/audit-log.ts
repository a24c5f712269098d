/**
 * Every replay, who asked for it, with which filter, how many records went where: appended to a Kafka
 * topic (one partition, a year's retention) and read back for `GET /audit`.
 */
import { randomUUID } from 'node:crypto';
import { readToEnd } from '@junction/dlq';
import { ensureTopics, type KafkaClient, type KafkaProducer } from '@junction/kafka';

export interface AuditEntry {
  id: string;
  at: string;
  who: string;
  role: string;
  action: 'replay';
  dlqTopic: string;
  filters: Record<string, unknown>;
  target: string;
  dryRun: boolean;
  matched: number;
  replayed: number;
  skippedAlreadyReplayed: number;
  targets: Record<string, number>;
  outcome: 'done' | 'failed';
  error?: string;
}

export class AuditLog {
  private producer: KafkaProducer | undefined;

  constructor(
    private readonly kafka: KafkaClient,
    readonly topic: string,
  ) {}

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [
      { topic: this.topic, partitions: 1, config: { 'retention.ms': String(365 * 86_400_000) } },
    ]);
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async append(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
    const full: AuditEntry = { id: randomUUID(), at: new Date().toISOString(), ...entry };
    await this.producer!.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: full.dlqTopic, value: JSON.stringify(full) }],
    });
    return full;
  }

  /** Newest first, filtered by who, DLQ topic and time. */
  async list(
    filter: { who?: string; dlqTopic?: string; since?: number; limit?: number } = {},
  ): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    await readToEnd(this.kafka, [this.topic], (batch) => {
      for (const r of batch) if (r.value) entries.push(JSON.parse(r.value.toString('utf8')) as AuditEntry);
    });
    return entries
      .filter(
        (e) =>
          (!filter.who || e.who === filter.who) &&
          (!filter.dlqTopic || e.dlqTopic === filter.dlqTopic) &&
          (!filter.since || Date.parse(e.at) >= filter.since),
      )
      .reverse()
      .slice(0, filter.limit ?? 100);
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }
}
