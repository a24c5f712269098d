/**
 * Idempotency keys whose work is done, so a redelivered or replayed event makes no second call and
 * emits no second result.
 *
 * Durable without extra infrastructure: every completed key is written to a compacted topic in the
 * same transaction as the results and offsets (see the runner), and each instance tails that topic
 * from the beginning with read_committed, so it knows every key completed by any instance of the
 * pipeline, including keys completed before a restart or on another partition owner.
 *
 * Crash safety does not rest on this store (committed offsets never move past unfinished work); it
 * catches the same event arriving again later: a replay, or a producer that sent it twice.
 * Memory: about 100 bytes per key; keys older than `retentionMs` are forgotten (the topic deletes
 * them too, `cleanup.policy=compact,delete`).
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { retryTransient } from '@junction/kafka';

export interface CompletedKeysOptions {
  topic: string;
  retentionMs: number;
  /** Longest wait for the initial restore before processing starts anyway. */
  restoreTimeoutMs?: number;
  groupPrefix: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class CompletedKeys {
  /** key -> completion time (ms) */
  private readonly committed = new Map<string, number>();
  /** Keys finished in memory but not yet committed, with the partition work they belong to. */
  private readonly pending = new Map<string, string>();
  private consumer: Consumer | undefined;
  private evictTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: CompletedKeysOptions,
  ) {}

  get size(): number {
    return this.committed.size;
  }

  has(key: string): boolean {
    return this.committed.has(key) || this.pending.has(key);
  }

  markPending(key: string, owner: string): void {
    this.pending.set(key, owner);
  }

  /** The transaction carrying these keys committed. */
  committedNow(keys: readonly string[], at = Date.now()): void {
    for (const k of keys) {
      this.pending.delete(k);
      this.committed.set(k, at);
    }
  }

  /** These keys' transaction turned out rolled back: their records are to be done again. */
  forget(keys: readonly string[]): void {
    for (const k of keys) this.committed.delete(k);
  }

  /** The work of `owner` was abandoned (rebalance, aborted transaction): its keys are not done. */
  dropPending(owner: string): void {
    for (const [k, o] of this.pending) if (o === owner) this.pending.delete(k);
  }

  /** Restores the keys from the topic and keeps tailing it. Resolves once the restore caught up. */
  async start(): Promise<void> {
    const { topic } = this.options;
    const admin = this.kafka.admin();
    await admin.connect();
    let remaining: Set<number>;
    const targets = new Map<number, bigint>();
    try {
      const offsets = await retryTransient(`reading the end of ${topic}`, () =>
        admin.fetchTopicOffsets(topic),
      );
      for (const o of offsets) if (BigInt(o.high) > BigInt(o.low)) targets.set(o.partition, BigInt(o.high));
      remaining = new Set(targets.keys());
    } finally {
      await admin.disconnect();
    }

    let caughtUp!: () => void;
    const restored = new Promise<void>((resolve) => (caughtUp = resolve));
    if (remaining.size === 0) caughtUp();

    // A group of its own per instance: every instance reads every partition. Nothing is committed.
    this.consumer = this.kafka.consumer({
      groupId: `${this.options.groupPrefix}.${randomUUID()}`,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          if (!m.key) continue;
          const key = m.key.toString('utf8');
          const at = Number(m.timestamp);
          if (m.value === null) this.committed.delete(key);
          else if (now - at < this.options.retentionMs) this.committed.set(key, at);
        }
        const target = targets.get(batch.partition);
        // The last record of a transactional topic is usually its commit marker, which is never
        // delivered: one offset short of the high watermark counts as caught up.
        if (target !== undefined && BigInt(batch.lastOffset()) + 2n >= target) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) caughtUp();
        }
      },
    });

    const timeoutMs = this.options.restoreTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      restored,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.options.log?.('completed-key restore still behind; processing starts anyway', {
            topic,
            behind: [...remaining],
          });
          resolve();
        }, timeoutMs);
      }),
    ]);
    clearTimeout(timer);

    this.evictTimer = setInterval(() => this.evict(), 60_000);
    this.evictTimer.unref();
  }

  private evict(): void {
    const cutoff = Date.now() - this.options.retentionMs;
    for (const [k, at] of this.committed) if (at < cutoff) this.committed.delete(k);
  }

  async stop(): Promise<void> {
    clearInterval(this.evictTimer);
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
