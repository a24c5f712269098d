/**
 * Reads what a downstream consumer sees, the way it would: from the beginning, `read_committed`, up to
 * the end each partition had when the read began (the service is stopped by then, so that end is
 * final). Aborted transactions and commit markers take offsets but are never delivered, so "the end"
 * is told by kafkajs's batch events, which report the last offset a fetch covered, delivered or not.
 */
import type { IHeaders, Kafka } from 'kafkajs';
import { AvroSerde, RegistryClient } from '@junction/schemas';
import { LeadReviewSchema, LeadScoredSchema } from '@junction/schema-types';
import { uniqueSuffix } from './names';
import type { Observation, ObservedTopic } from './checker';

/** The header the fault stream puts on every event it sends, kept byte for byte on retries and dead letters. */
export const EVENT_ID_HEADER = 'fault-event-id';

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Every committed record of `topics`, read to the end they had when called. */
export async function readToEnd(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs = 120_000,
): Promise<RawRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}:${p.partition}`, BigInt(p.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const records: RawRecord[] = [];
  if (ends.size === 0) return records;

  const seen = new Set<string>();
  const behind = new Set(ends.keys());
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const consumer = kafka.consumer({
    groupId: `fault-checker-${uniqueSuffix()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const id = `${payload.topic}:${payload.partition}`;
    const end = ends.get(id);
    if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) {
      behind.delete(id);
      if (behind.size === 0) done();
    }
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          // a reader group that rejoins fetches again from the start: count each offset once
          const at = `${batch.topic}:${batch.partition}:${m.offset}`;
          if (seen.has(at)) continue;
          seen.add(at);
          records.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key,
            value: m.value,
            headers: m.headers ?? {},
          });
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `reading ${topics.join(', ')}: partitions ${[...behind].join(', ')} not read to their end within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([finished, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect();
  }
  return records;
}

export function headerText(headers: IHeaders, name: string): string | undefined {
  const v = headers[name];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return undefined;
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

export interface PipelineTopics {
  output: string;
  review: string;
  retry: string;
  dlq: string;
}

/**
 * Reads the pipeline's four topics and reduces every record to an observation: results by the
 * `sourceEventId` in their Avro value (decoded through the registry, as a downstream system would),
 * retries and dead letters by the event-id header they kept from the original record.
 */
export async function observe(
  kafka: Kafka,
  registryUrl: string,
  topics: PipelineTopics,
): Promise<Observation[]> {
  const serde = new AvroSerde(new RegistryClient({ url: registryUrl }));
  const scored = serde.decoder<{ sourceEventId: string }>(LeadScoredSchema);
  const review = serde.decoder<{ sourceEventId: string }>(LeadReviewSchema);
  const kinds = new Map<string, ObservedTopic>([
    [topics.output, 'output'],
    [topics.review, 'review'],
    [topics.retry, 'retry'],
    [topics.dlq, 'dlq'],
  ]);
  const records = await readToEnd(kafka, [...kinds.keys()]);
  const observations: Observation[] = [];
  for (const r of records) {
    const topic = kinds.get(r.topic)!;
    if (topic === 'output' || topic === 'review') {
      let id: string | undefined;
      try {
        id = (await (topic === 'output' ? scored : review).decode(r.value)).sourceEventId;
      } catch {
        id = undefined; // an unreadable result is as bad as an unexpected one
      }
      observations.push({ topic, id, degraded: headerText(r.headers, 'junction-degraded') === 'true' });
      continue;
    }
    const errorClass = headerText(r.headers, 'kafka_dlt-exception-fqcn');
    const errorCode = headerText(r.headers, 'junction-error-code');
    const errorMessage = headerText(r.headers, 'kafka_dlt-exception-message');
    observations.push({
      topic,
      id: headerText(r.headers, EVENT_ID_HEADER),
      ...(errorClass !== undefined ? { errorClass } : {}),
      ...(errorCode !== undefined ? { errorCode } : {}),
      ...(errorMessage !== undefined ? { errorMessage } : {}),
    });
  }
  return observations;
}
