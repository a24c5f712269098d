/**
 * The replay ledger: a compacted topic with one record per replayed dead letter, key
 * `<dlqTopic>:<partition>:<offset>`, written in the same Kafka transaction as the replayed record, so
 * a record is in the ledger exactly when its replay was committed.
 */
import type { Kafka } from 'kafkajs';
import { ensureTopics } from '@junction/kafka';
import { readToEnd } from './reader';

export const REPLAY_LEDGER_TOPIC = 'junction.dlq.replay-ledger';

export interface LedgerEntry {
  replayedAt: string;
  target: string;
  by: string;
}

export function ledgerKey(dlqTopic: string, partition: number, offset: string): string {
  return `${dlqTopic}:${partition}:${offset}`;
}

export async function ensureLedger(kafka: Kafka, topic = REPLAY_LEDGER_TOPIC): Promise<void> {
  await ensureTopics(kafka, [
    { topic, partitions: 1, config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' } },
  ]);
}

/** The ledger's entries for one DLQ topic (read_committed, to its end). */
export async function readLedger(
  kafka: Kafka,
  dlqTopic: string,
  topic = REPLAY_LEDGER_TOPIC,
): Promise<Map<string, LedgerEntry>> {
  const prefix = `${dlqTopic}:`;
  const entries = new Map<string, LedgerEntry>();
  const res = await readToEnd(
    kafka,
    [topic],
    (records) => {
      for (const r of records) {
        const key = r.key?.toString('utf8');
        if (!key?.startsWith(prefix)) continue;
        if (r.value === null) entries.delete(key);
        else {
          try {
            entries.set(key, JSON.parse(r.value.toString('utf8')) as LedgerEntry);
          } catch {
            entries.set(key, { replayedAt: '', target: '', by: '' });
          }
        }
      }
    },
    // small fetches: the ledger holds every replay ever made, and only this topic's entries are kept
    { maxBytes: 4 * 1024 * 1024 },
  );
  if (!res.complete)
    throw new Error(
      `could not read the replay ledger ${topic} to its end (an open transaction? partitions ${res.stalledAt?.join(', ')})`,
    );
  return entries;
}
