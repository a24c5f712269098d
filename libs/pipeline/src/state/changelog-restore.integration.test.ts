// KeyState restoring from a real changelog topic through @junction/kafka's PartitionReader:
// keys written in transactions (so every partition ends on a commit marker), some aborted, a tombstone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics, PartitionReader } from '@junction/kafka';
import { testStack, uniqueTopic } from '@junction/testing';
import { KeyState } from './key-state';

let kafka: ReturnType<typeof createKafka>;
let topic: string;
let dir: string;

beforeAll(async () => {
  kafka = createKafka({ brokers: testStack().brokers, clientId: 'changelog-restore-it' });
  topic = uniqueTopic('junction.state-it.completed');
  dir = mkdtempSync(join(tmpdir(), 'junction-changelog-it-'));
  await ensureTopics(kafka, [{ topic, partitions: 2 }]);
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function writeTransaction(keys: string[], partition: number, commit: boolean, value?: string | null) {
  const producer = kafka.producer({
    transactionalId: `${topic}.writer`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const txn = await producer.transaction();
    await txn.send({
      topic,
      messages: keys.map((key) => ({
        key,
        partition,
        value: value === null ? null : (value ?? String(Date.now())),
      })),
    });
    await (commit ? txn.commit() : txn.abort());
  } finally {
    await producer.disconnect();
  }
}

describe('KeyState on a Kafka changelog', () => {
  it('restores committed keys of its partition only, skips aborted ones, and re-reads only the tail', async () => {
    const keysA = Array.from({ length: 3000 }, (_, i) => `evt-${i}`);
    await writeTransaction(keysA.slice(0, 1500), 0, true);
    await writeTransaction(['aborted-1', 'aborted-2'], 0, false);
    await writeTransaction(keysA.slice(1500), 0, true);
    await writeTransaction(['evt-7'], 0, true, null);
    await writeTransaction(['on-partition-1'], 1, true);

    const reader = new PartitionReader({ brokers: testStack().brokers }, topic);
    const options = { dir, pipeline: 'state-it', windowMs: 3_600_000, changelog: reader };
    const first = new KeyState(options);
    const keys = await first.assign(0);
    expect(keys.has('evt-0')).toBe(true);
    expect(keys.has('evt-2999')).toBe(true);
    expect(keys.has('evt-7')).toBe(false);
    expect(keys.has('aborted-1')).toBe(false);
    expect(keys.has('on-partition-1')).toBe(false);
    expect(keys.size).toBe(2999);

    // the end is the partition's end offset, past the last commit marker
    const admin = kafka.admin();
    await admin.connect();
    const high = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0)!.high;
    await admin.disconnect();
    expect(first.restores[0]).toMatchObject({ partition: 0, from: 0n, to: BigInt(high), full: true });
    await first.close();

    await writeTransaction(['later'], 0, true);
    const second = new KeyState(options);
    const again = await second.assign(0);
    expect(again.has('later')).toBe(true);
    expect(again.has('evt-1234')).toBe(true);
    expect(second.restores[0]).toMatchObject({ from: BigInt(high), records: 1, full: false });
    await second.close();
  });
});
