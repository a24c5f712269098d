/**
 * Reads topics from their start to the end offsets they had when the read began, as a downstream
 * consumer sees them (read_committed: aborted records and transaction markers are skipped). Each
 * transaction marker takes an offset, so end − start offsets over-count transactional topics; reading
 * is the only exact count.
 */
import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

export interface ReadOptions {
  /** Start a partition here instead of at its start (records below are skipped). */
  seek?: { topic: string; partition: number; offset: string };
  /** Give up when nothing moves for this long (an open transaction holds read_committed back). Default 10 s. */
  stallMs?: number;
  clientId?: string;
  /** Read each partition up to these offsets (`<topic>:<partition>` → end) instead of its end now. */
  ends?: Map<string, bigint>;
  /** Bytes per fetch (kafkajs `maxBytes`, and a quarter of it per partition). Default 50 MiB. */
  maxBytes?: number;
}

export interface ReadResult {
  /** false when the read stopped before the end offsets (stalled or stopped by the callback). */
  complete: boolean;
  stalledAt?: string[];
}

/** Partition end offsets (high watermarks) and start offsets, per topic. */
export async function partitionOffsets(
  kafka: Kafka,
  topics: string[],
): Promise<Map<string, { partition: number; low: bigint; high: bigint }[]>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, { partition: number; low: bigint; high: bigint }[]>();
    for (const topic of topics) {
      const offs = await admin.fetchTopicOffsets(topic);
      out.set(
        topic,
        offs
          .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
          .sort((a, b) => a.partition - b.partition),
      );
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Calls `onBatch` with each fetched batch (in partition order within a partition) until every partition
 * of `topics` reached the end offset it had at the start. `onBatch` returning `'stop'` ends the read.
 */
export async function readToEnd(
  kafka: Kafka,
  topics: string[],
  onBatch: (records: RawRecord[]) => void | 'stop' | Promise<void | 'stop'>,
  options: ReadOptions = {},
): Promise<ReadResult> {
  const ends = await partitionOffsets(kafka, topics);
  const position = new Map<string, bigint>();
  const target = new Map<string, bigint>();
  for (const [topic, parts] of ends)
    for (const p of parts) {
      const id = `${topic}:${p.partition}`;
      const start =
        options.seek && options.seek.topic === topic && options.seek.partition === p.partition
          ? BigInt(options.seek.offset)
          : p.low;
      const end = options.ends?.get(id) ?? (options.ends ? start : p.high);
      if (end > start) {
        target.set(id, end);
        position.set(id, start);
      }
    }
  if (target.size === 0) return { complete: true };
  const active = [...new Set([...target.keys()].map((id) => id.slice(0, id.lastIndexOf(':'))))];

  const consumer = kafka.consumer({
    groupId: `junction-dlq-reader-${process.pid}-${randomBytes(4).toString('hex')}`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    maxBytes: options.maxBytes ?? 50 * 1024 * 1024,
    maxBytesPerPartition: options.maxBytes ? Math.ceil(options.maxBytes / 4) : 8 * 1024 * 1024,
  });
  let stopped = false;
  let last = Date.now();
  let busy = false;
  let failure: { err: unknown } | undefined;
  const remaining = () => [...target].filter(([id, end]) => (position.get(id) ?? 0n) < end).map(([id]) => id);
  let finished: () => void = () => {};
  const done = new Promise<void>((r) => (finished = r));
  const advance = (topic: string, partition: number, lastOffset: string | null | undefined) => {
    if (lastOffset === null || lastOffset === undefined) return;
    const id = `${topic}:${partition}`;
    const next = BigInt(lastOffset) + 1n;
    if (next > (position.get(id) ?? 0n)) position.set(id, next);
    last = Date.now();
    if (remaining().length === 0) finished();
  };
  // emitted for every processed batch, also for ones holding only transaction markers (which never reach eachBatch)
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) =>
    advance(e.payload.topic, e.payload.partition, e.payload.lastOffset),
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: active, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat }) => {
        if (stopped) return;
        const id = `${batch.topic}:${batch.partition}`;
        const end = target.get(id);
        if (end === undefined) return;
        const from = position.get(id) ?? 0n;
        const records: RawRecord[] = [];
        for (const m of batch.messages) {
          const o = BigInt(m.offset);
          if (o < from || o >= end) continue;
          records.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            timestamp: Number(m.timestamp),
            key: m.key ?? null,
            value: m.value ?? null,
            headers: (m.headers ?? {}) as IHeaders,
          });
        }
        last = Date.now();
        if (records.length) {
          // a callback that takes its time (a paced replay sends as it reads) is neither a stall nor
          // a reason for the group to drop this consumer
          busy = true;
          const beat = setInterval(() => void heartbeat().catch(() => {}), 3_000);
          try {
            if ((await onBatch(records)) === 'stop') {
              stopped = true;
              finished();
            }
          } catch (err) {
            // the callback's own failure (a fenced replay) is the read's result, not a stall
            failure = { err };
            stopped = true;
            finished();
          } finally {
            clearInterval(beat);
            busy = false;
            last = Date.now();
          }
        }
        await heartbeat();
      },
    });
    if (options.seek)
      consumer.seek({
        topic: options.seek.topic,
        partition: options.seek.partition,
        offset: options.seek.offset,
      });
    const stallMs = options.stallMs ?? 10_000;
    await Promise.race([
      done,
      (async () => {
        while (remaining().length > 0 && !stopped) {
          if (!busy && Date.now() - last > stallMs) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
    ]);
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  if (failure) throw failure.err;
  const left = remaining();
  return stopped || left.length
    ? { complete: false, ...(left.length && !stopped ? { stalledAt: left } : {}) }
    : { complete: true };
}
