import type { IHeaders, Kafka } from 'kafkajs';
import { uniqueGroup } from './test-stack';

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/**
 * Reads a topic from the beginning as a downstream consumer would (read_committed), until `expected`
 * records arrived or no new record came for `idleMs` (after at least `minWaitMs`).
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: { expected?: number; idleMs?: number; minWaitMs?: number; timeoutMs?: number } = {},
): Promise<ReadRecord[]> {
  const { expected, idleMs = 1_500, minWaitMs = 0, timeoutMs = 25_000 } = options;
  const records: ReadRecord[] = [];
  // A reader group that rejoins starts again from the beginning (nothing is committed); what it
  // already read is skipped by position, so a record is counted once however often it is fetched.
  const seen = new Set<string>();
  const consumer = kafka.consumer({ groupId: uniqueGroup('reader'), readUncommitted: false, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const started = Date.now();
  let last = Date.now();
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message }) => {
      const at = `${t}:${partition}:${message.offset}`;
      if (seen.has(at)) return;
      seen.add(at);
      records.push({ topic: t, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers ?? {} });
      last = Date.now();
    },
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = Date.now();
    if (expected !== undefined && records.length >= expected && now - started >= minWaitMs) break;
    if (expected === undefined && now - last >= idleMs && now - started >= Math.max(minWaitMs, idleMs)) break;
    if (now - started > timeoutMs) break;
  }
  await consumer.disconnect();
  return records;
}

/** Waits until `check()` is true, polling; throws with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
