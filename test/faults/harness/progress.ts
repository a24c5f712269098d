/**
 * How far a scenario got, for deciding when to inject the next fault and when the run is over. Not the
 * check itself (that is `read-topics.ts` + `checker.ts`, reading everything again from the start):
 *
 * - `Tail` follows the result and DLQ topics (`read_committed`) by header only, so it keeps working
 *   while the registry is down, and says which sent events have reached a final topic;
 * - `committed()` is the pipeline group's committed offsets on the source topic against its end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { uniqueSuffix } from '../names';
import type { Expectation } from '../checker';
import { EVENT_ID_HEADER, headerText } from '../read-topics';

export class Tail {
  private readonly done = new Set<string>();
  private consumer: Consumer | undefined;

  private constructor(private readonly kafka: Kafka) {}

  static async start(kafka: Kafka, results: string[], dlq: string): Promise<Tail> {
    const tail = new Tail(kafka);
    const consumer = kafka.consumer({
      groupId: `fault-tail-${uniqueSuffix()}`,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
    });
    tail.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...results, dlq], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const header = batch.topic === dlq ? EVENT_ID_HEADER : 'junction-idempotency-key';
        for (const m of batch.messages) {
          const id = headerText(m.headers ?? {}, header);
          if (id !== undefined) tail.done.add(id);
        }
      },
    });
    return tail;
  }

  /** Sent events not yet on a result or DLQ topic. */
  outstanding(expected: ReadonlyMap<string, Expectation>): number {
    let n = 0;
    for (const id of expected.keys()) if (!this.done.has(id)) n++;
    return n;
  }

  /** Events that reached a final topic so far. */
  get reached(): number {
    return this.done.size;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => {});
  }
}

/** The pipeline group's committed offsets on `topic`, summed, and the topic's end offsets, summed. */
export async function committed(
  admin: Admin,
  group: string,
  topic: string,
): Promise<{ committed: number; end: number }> {
  const [offsets, ends] = await Promise.all([
    admin.fetchOffsets({ groupId: group, topics: [topic] }),
    admin.fetchTopicOffsets(topic),
  ]);
  return {
    committed: offsets[0]?.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0) ?? 0,
    end: ends.reduce((s, p) => s + Number(p.high), 0),
  };
}

/** Polls `check` until it holds; returns false (does not throw) at the deadline. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      // the broker may be down right now: that is the point of these scenarios
    }
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
