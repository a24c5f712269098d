/**
 * Sends a scenario's stream to its source topic, paced (events/s) or as fast as the broker takes it,
 * while faults happen. The ledger of what was sent is what the checker counts against.
 *
 * A send that fails (the broker is restarting, its leader just died) is sent again until it is
 * acknowledged, so no event is lost on the way in. A failed send may still have been written: those
 * ids are remembered as `resent`, since the broker may hold them twice (the pipeline must still emit one
 * result per valid event; a poison record written twice is dead-lettered twice).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Producer } from 'kafkajs';
import type { Expectation, Ledger } from '../checker';
import type { FaultEvent } from '../stream';

export interface FeedOptions {
  total: number;
  /** Events per second; undefined: as fast as the broker acknowledges. */
  rate?: number;
  /** Events per send. */
  chunk?: number;
  /** Gives up (rejects) when one chunk cannot be sent for this long. */
  sendTimeoutMs?: number;
  log?: (line: string) => void;
}

export class Feed implements Ledger {
  readonly expected = new Map<string, Expectation>();
  readonly resent = new Set<string>();
  sent = 0;
  failedSends = 0;
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly next: (i: number) => FaultEvent,
    private readonly options: FeedOptions,
  ) {}

  /** Sends the whole stream; resolves once every event was acknowledged. */
  async run(): Promise<void> {
    const { total, rate } = this.options;
    const chunk = this.options.chunk ?? (rate ? Math.max(1, Math.round(rate / 20)) : 500);
    const started = Date.now();
    try {
      for (let i = 0; i < total; i += chunk) {
        const events: FaultEvent[] = [];
        for (let j = i; j < Math.min(total, i + chunk); j++) {
          const e = this.next(j);
          this.expected.set(e.id, e.expect);
          events.push(e);
        }
        await this.send(events);
        this.sent += events.length;
        if (rate) {
          const due = started + (this.sent / rate) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
        }
      }
    } finally {
      await this.producer?.disconnect().catch(() => {});
    }
  }

  private async connect(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async send(events: FaultEvent[]): Promise<void> {
    const deadline = Date.now() + (this.options.sendTimeoutMs ?? 180_000);
    for (let attempt = 1; ; attempt++) {
      try {
        const producer = await this.connect();
        await producer.send({
          topic: this.topic,
          acks: -1,
          messages: events.map((e) => ({ key: e.key, value: e.value, headers: e.headers })),
        });
        return;
      } catch (err) {
        this.failedSends++;
        for (const e of events) this.resent.add(e.id);
        if (Date.now() > deadline) throw err;
        if (attempt === 1 || attempt % 10 === 0)
          this.options.log?.(
            `feed: send failed (attempt ${attempt}), sending again: ${(err as Error).message}`,
          );
        // a fresh producer: the idempotent one may be stuck on a sequence the restarted broker forgot
        await this.producer?.disconnect().catch(() => {});
        this.producer = undefined;
        await sleep(Math.min(2_000, 200 * attempt));
      }
    }
  }
}
