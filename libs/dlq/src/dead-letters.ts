/**
 * Dead-letter topics as a platform engineer works with them: which exist and what is in them, the
 * records matching filters, one record in full, and replays back to the source (or another topic).
 */
import { hostname, userInfo } from 'node:os';
import type { IHeaders, Kafka, Message, Producer, Transaction } from 'kafkajs';
import { createKafka, H, headerNumber, headerText, JUNCTION_FAILURE_HEADERS } from '@junction/kafka';
import { parseAvroSchema, parseWireFormat, RegistryClient } from '@junction/schemas';
import { displayHeaders, matches, text, type DlqFilters } from './filters';
import { ensureLedger, ledgerKey, readLedger, REPLAY_LEDGER_TOPIC } from './ledger';
import { partitionOffsets, readToEnd, type RawRecord, type ReadOptions } from './reader';
import { TokenBucket } from './token-bucket';

export class DlqError extends Error {
  override name = 'DlqError';
  constructor(
    message: string,
    /** `unknown-topic`, `not-a-dlq`, `no-record`, `unknown-target`, `incomplete-read`, `fenced`. */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface DeadLettersOptions {
  brokers: string[];
  /** Confluent-compatible registry base URL; without it payloads are shown as hex. */
  registryUrl?: string;
  clientId?: string;
  /** Who replays, for the ledger. Default `<user>@<host>`. */
  by?: string;
  /** Default `junction.dlq.replay-ledger`; tests may use their own. */
  ledgerTopic?: string;
}

export interface DlqRecord extends RawRecord {
  errorClass: string | undefined;
  errorMessage: string | undefined;
  errorCode: string | undefined;
  pipeline: string | undefined;
  originalTopic: string | undefined;
  attempts: number | undefined;
}

export interface DlqTopicSummary {
  topic: string;
  partitions: number;
  /** Committed records (read with read_committed). */
  count: number;
  /** Sum of end − start offsets: with transaction markers, more than `count`. */
  offsetSpan: number;
  oldest: number | undefined;
  newest: number | undefined;
  errorClasses: { errorClass: string; count: number }[];
  pipelines: string[];
}

export interface ShownRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  key: string | null;
  value:
    | { encoding: 'avro'; schemaId: number; value: unknown }
    | { encoding: 'hex'; reason: string; hex: string | null };
  headers: Record<string, string>;
  error: {
    class: string | undefined;
    message: string | undefined;
    kind: string | undefined;
    code: string | undefined;
    stacktrace: string | undefined;
  };
  original: {
    topic: string | undefined;
    partition: number | undefined;
    offset: string | undefined;
    timestamp: number | undefined;
  };
  attempts: number | undefined;
  replayed: { replayedAt: string; target: string; by: string } | undefined;
}

export interface ReplayOptions {
  /** `original` (default): each record's `kafka_dlt-original-topic`; else this topic. */
  to?: 'original' | string;
  /** Records per second; unthrottled when absent. */
  ratePerSec?: number;
  /** Replay at most this many (not counting ones skipped as already replayed). */
  limit?: number;
  /** Count what would be replayed; send nothing. */
  dryRun?: boolean;
  /** Records per produce request (each with its ledger record). Default 500. */
  batchSize?: number;
  onProgress?: (p: ReplayProgress) => void;
  /** Called once the plan is known (before the first send). */
  onPlan?: (plan: { total: number; skippedAlreadyReplayed: number; targets: Record<string, number> }) => void;
}

export interface ReplayProgress {
  total: number;
  sent: number;
  committed: number;
  elapsedMs: number;
}

export interface ReplayResult {
  dlqTopic: string;
  matched: number;
  replayed: number;
  skippedAlreadyReplayed: number;
  /** Records with no `kafka_dlt-original-topic` (with `to: 'original'`). */
  skippedNoTarget: number;
  targets: Record<string, number>;
  dryRun: boolean;
  durationMs: number;
  /** Replay records per second (sending and committing, after the DLQ and ledger were read). */
  ratePerSec: number;
  /** Most records the replay held at once waiting to be sent (at most the send chunk); 0 when nothing was sent. */
  bufferedHighWater: number;
}

function toDlqRecord(r: RawRecord): DlqRecord {
  const attempts = headerText(r.headers, H.attempts);
  return {
    ...r,
    errorClass: headerText(r.headers, H.dltExceptionFqcn),
    errorMessage: headerText(r.headers, H.dltExceptionMessage),
    errorCode: headerText(r.headers, H.errorCode),
    pipeline: headerText(r.headers, H.pipeline),
    originalTopic: headerText(r.headers, H.dltOriginalTopic),
    attempts: attempts === undefined ? undefined : Number(attempts),
  };
}

/** Headers Junction adds when a record fails; stripped on replay (the idempotency key is kept). */
const FAILURE_HEADERS = new Set<string>([...JUNCTION_FAILURE_HEADERS, H.replayOf]);

/** The record's original headers (as the producer sent them), the idempotency key, and `junction-replay-of`. */
export function replayHeaders(headers: IHeaders, replayOf: string): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || FAILURE_HEADERS.has(k) || k.startsWith('kafka_dlt-')) continue;
    out[k] = v;
  }
  out[H.replayOf] = replayOf;
  return out;
}

export class DeadLetters {
  readonly kafka: Kafka;
  private readonly registry: RegistryClient | undefined;
  private readonly ledgerTopic: string;

  constructor(private readonly options: DeadLettersOptions) {
    this.kafka = createKafka({ brokers: options.brokers, clientId: options.clientId ?? 'junction-dlq' });
    this.registry = options.registryUrl ? new RegistryClient({ url: options.registryUrl }) : undefined;
    this.ledgerTopic = options.ledgerTopic ?? REPLAY_LEDGER_TOPIC;
  }

  /** Every topic whose name ends in `.dlq`, sorted. */
  async topicNames(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((t) => t.endsWith('.dlq')).sort();
    } finally {
      await admin.disconnect();
    }
  }

  /** Throws DlqError `not-a-dlq` / `unknown-topic` naming what is expected. */
  async requireDlqTopic(topic: string): Promise<void> {
    if (!topic.endsWith('.dlq'))
      throw new DlqError(
        `expected a dead-letter topic (a name ending in .dlq, e.g. crm.lead.created.v1.lead-scoring.dlq), got ${topic}.`,
        'not-a-dlq',
      );
    const names = await this.topicNames();
    if (!names.includes(topic))
      throw new DlqError(
        `no topic ${topic}; expected one of the dead-letter topics: ${names.length ? names.join(', ') : '(none exist)'} (see \`junction dlq topics\`).`,
        'unknown-topic',
      );
  }

  /** Each DLQ topic with its committed record count, oldest/newest timestamps and top error classes. */
  async topics(options: { topics?: string[]; top?: number } = {}): Promise<DlqTopicSummary[]> {
    const names = options.topics ?? (await this.topicNames());
    const offsets = await partitionOffsets(this.kafka, names);
    const acc = new Map<
      string,
      {
        count: number;
        oldest?: number;
        newest?: number;
        classes: Map<string, number>;
        pipelines: Set<string>;
      }
    >();
    for (const t of names) acc.set(t, { count: 0, classes: new Map(), pipelines: new Set() });
    const res = await readToEnd(this.kafka, names, (records) => {
      for (const r of records) {
        const a = acc.get(r.topic)!;
        a.count++;
        if (a.oldest === undefined || r.timestamp < a.oldest) a.oldest = r.timestamp;
        if (a.newest === undefined || r.timestamp > a.newest) a.newest = r.timestamp;
        const c = headerText(r.headers, H.dltExceptionFqcn) ?? '(none)';
        a.classes.set(c, (a.classes.get(c) ?? 0) + 1);
        const p = headerText(r.headers, H.pipeline);
        if (p) a.pipelines.add(p);
      }
    });
    if (!res.complete)
      throw new DlqError(
        `could not read to the end of ${res.stalledAt?.join(', ')} (an open transaction?)`,
        'incomplete-read',
      );
    return names.map((topic) => {
      const a = acc.get(topic)!;
      const parts = offsets.get(topic) ?? [];
      return {
        topic,
        partitions: parts.length,
        count: a.count,
        offsetSpan: parts.reduce((s, p) => s + Number(p.high - p.low), 0),
        oldest: a.oldest,
        newest: a.newest,
        errorClasses: [...a.classes]
          .map(([errorClass, count]) => ({ errorClass, count }))
          .sort((x, y) => y.count - x.count || x.errorClass.localeCompare(y.errorClass))
          .slice(0, options.top ?? 3),
        pipelines: [...a.pipelines].sort(),
      };
    });
  }

  /**
   * Calls `each` for every record of `topic` matching `filters`, in offset order per partition, until the
   * end offsets the topic had at the start; `each` returning `'stop'` ends early.
   */
  async scan(
    topic: string,
    filters: DlqFilters,
    each: (r: DlqRecord) => void | 'stop' | Promise<void | 'stop'>,
    read: Pick<ReadOptions, 'ends' | 'maxBytes'> = {},
  ): Promise<{ complete: boolean }> {
    await this.requireDlqTopic(topic);
    let stop = false;
    const res = await readToEnd(
      this.kafka,
      [topic],
      async (records) => {
        for (const r of records) {
          if (!matches(filters, r)) continue;
          if ((await each(toDlqRecord(r))) === 'stop') {
            stop = true;
            return 'stop';
          }
        }
        return undefined;
      },
      read,
    );
    if (!res.complete && !stop)
      throw new DlqError(
        `could not read to the end of ${res.stalledAt?.join(', ')} (an open transaction?)`,
        'incomplete-read',
      );
    return { complete: !stop };
  }

  /** The matching records (at most `limit`). */
  async list(topic: string, filters: DlqFilters = {}, limit = Infinity): Promise<DlqRecord[]> {
    const out: DlqRecord[] = [];
    if (limit <= 0) return out;
    await this.scan(topic, filters, (r) => {
      out.push(r);
      return out.length >= limit ? 'stop' : undefined;
    });
    return out;
  }

  /** Async iteration over the matching records. */
  async *records(topic: string, filters: DlqFilters = {}): AsyncGenerator<DlqRecord> {
    const queue: DlqRecord[] = [];
    let finished = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    let drained: (() => void) | undefined;
    let cancelled = false;
    const scanning = this.scan(topic, filters, async (r) => {
      if (cancelled) return 'stop';
      queue.push(r);
      wake?.();
      if (queue.length >= 5_000) await new Promise<void>((res) => (drained = res));
      return cancelled ? 'stop' : undefined;
    })
      .catch((err: unknown) => (failure = err))
      .finally(() => {
        finished = true;
        wake?.();
      });
    try {
      for (;;) {
        if (queue.length) {
          yield queue.shift()!;
          if (queue.length === 0) drained?.();
          continue;
        }
        if (finished) break;
        await new Promise<void>((res) => (wake = res));
        wake = undefined;
      }
      if (failure) throw failure;
    } finally {
      cancelled = true;
      drained?.();
      await scanning;
    }
  }

  /** One record in full: payload decoded through the registry (else hex), every header, the whole error. */
  async show(topic: string, partition: number, offset: string | number | bigint): Promise<ShownRecord> {
    await this.requireDlqTopic(topic);
    const parts = (await partitionOffsets(this.kafka, [topic])).get(topic) ?? [];
    const p = parts.find((x) => x.partition === partition);
    if (!p)
      throw new DlqError(
        `${topic} has no partition ${partition}; expected 0..${parts.length - 1}.`,
        'no-record',
      );
    const want = BigInt(offset);
    if (want < p.low || want >= p.high)
      throw new DlqError(
        `no record at ${topic} ${partition}:${want}; partition ${partition} holds offsets ${p.low}..${p.high - 1n}${p.high === p.low ? ' (it is empty)' : ''}.`,
        'no-record',
      );
    let found: RawRecord | undefined;
    await readToEnd(
      this.kafka,
      [topic],
      (records) => {
        for (const r of records) {
          if (r.partition !== partition) continue;
          const o = BigInt(r.offset);
          if (o === want) found = r;
          if (o >= want) return 'stop';
        }
        return undefined;
      },
      { seek: { topic, partition, offset: String(want) }, stallMs: 5_000 },
    );
    if (!found)
      throw new DlqError(
        `no record at ${topic} ${partition}:${want} (that offset is a transaction marker or an aborted record).`,
        'no-record',
      );
    const r = found;
    const ledger = await this.ledgerEntries(topic);
    const ts = headerNumber(r.headers, H.dltOriginalTimestamp);
    const part = headerNumber(r.headers, H.dltOriginalPartition);
    const off = headerNumber(r.headers, H.dltOriginalOffset);
    return {
      topic,
      partition,
      offset: r.offset,
      timestamp: r.timestamp,
      key: r.key === null ? null : text(r.key),
      value: await this.decode(r.value),
      headers: displayHeaders(r.headers),
      error: {
        class: headerText(r.headers, H.dltExceptionFqcn),
        message: headerText(r.headers, H.dltExceptionMessage),
        kind: headerText(r.headers, H.errorKind),
        code: headerText(r.headers, H.errorCode),
        stacktrace: headerText(r.headers, H.dltExceptionStacktrace),
      },
      original: {
        topic: headerText(r.headers, H.dltOriginalTopic),
        partition: part === undefined ? undefined : Number(part),
        offset: off === undefined ? undefined : String(off),
        timestamp: ts === undefined ? undefined : Number(ts),
      },
      attempts:
        headerText(r.headers, H.attempts) === undefined
          ? undefined
          : Number(headerText(r.headers, H.attempts)),
      replayed: ledger.get(ledgerKey(topic, partition, r.offset)),
    };
  }

  private async decode(value: Buffer | null): Promise<ShownRecord['value']> {
    const hex = (reason: string) => ({
      encoding: 'hex' as const,
      reason,
      hex: value?.toString('hex') ?? null,
    });
    if (value === null) return hex('null value (a tombstone)');
    if (!this.registry) return hex('no schema registry given');
    try {
      const { schemaId, payload } = parseWireFormat(value);
      const schema = await this.registry.getSchemaById(schemaId);
      return { encoding: 'avro', schemaId, value: parseAvroSchema(schema.schema).fromBuffer(payload) };
    } catch (err) {
      return hex((err as Error).message);
    }
  }

  private async ledgerEntries(dlqTopic: string) {
    const admin = this.kafka.admin();
    await admin.connect();
    const exists = (await admin.listTopics().finally(() => admin.disconnect())).includes(this.ledgerTopic);
    return exists ? readLedger(this.kafka, dlqTopic, this.ledgerTopic) : new Map();
  }

  /**
   * Produces each matching record again with its original key, value and headers (failure headers
   * stripped, idempotency key kept, `junction-replay-of` added), and records it in the replay ledger
   * in the same transaction. Records already in the ledger are skipped, so a second identical replay
   * sends nothing.
   */
  async replay(
    dlqTopic: string,
    filters: DlqFilters = {},
    options: ReplayOptions = {},
  ): Promise<ReplayResult> {
    const started = performance.now();
    await this.requireDlqTopic(dlqTopic);
    if (!options.dryRun) await ensureLedger(this.kafka, this.ledgerTopic);
    // One transactional id per DLQ topic: starting the first transaction fences an older replay of the
    // same topic still running (its open transaction is aborted, later sends fail) and waits for its
    // commits, so the ledger read next is complete and no record is replayed twice.
    const producer = options.dryRun
      ? undefined
      : this.kafka.producer({
          transactionalId: `junction.dlq.replay.${dlqTopic}`,
          idempotent: true,
          maxInFlightRequests: 1,
          transactionTimeout: 60_000,
          // kafkajs retries CONCURRENT_TRANSACTIONS with this back-off (as the runner does)
          retry: { initialRetryTime: 20, maxRetryTime: 1_000, retries: Number.MAX_SAFE_INTEGER },
        });
    let txn: Transaction | undefined;
    try {
      if (producer) {
        await producer.connect();
        txn = await producer.transaction();
      }
      return await this.replayWith(dlqTopic, filters, options, started, producer, txn);
    } catch (err) {
      const type = (err as { type?: string }).type ?? '';
      if (['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING'].includes(type))
        throw new DlqError(
          `another replay of ${dlqTopic} started and took over (fenced: ${type}); what this one committed is in the ledger, its open transaction was discarded. Run it again to replay the rest.`,
          'fenced',
        );
      throw err;
    } finally {
      if (txn?.isActive()) await txn.abort().catch(() => {});
      await producer?.disconnect().catch(() => {});
    }
  }

  /**
   * Two reads of the DLQ, both to the end offsets it had when the replay began: the first counts
   * (the plan: totals, targets, and the check that every target exists, before anything is sent),
   * the second sends in chunks as it reads, so memory holds one chunk, not the whole replay.
   */
  private async replayWith(
    dlqTopic: string,
    filters: DlqFilters,
    options: ReplayOptions,
    started: number,
    producer: Producer | undefined,
    firstTxn: Transaction | undefined,
  ): Promise<ReplayResult> {
    const to = options.to ?? 'original';
    const limit = options.limit ?? Infinity;
    const ledger = await this.ledgerEntries(dlqTopic);
    const ends = new Map<string, bigint>();
    for (const p of (await partitionOffsets(this.kafka, [dlqTopic])).get(dlqTopic) ?? [])
      ends.set(`${dlqTopic}:${p.partition}`, p.high);

    /** One read of the DLQ deciding, per record, skip or replay; `replay` may wait (backpressure). */
    const pass = async (replay: (r: DlqRecord, target: string, ref: string) => void | Promise<void>) => {
      const counts = { matched: 0, planned: 0, skippedAlreadyReplayed: 0, skippedNoTarget: 0 };
      const targets: Record<string, number> = {};
      if (limit > 0)
        await this.scan(
          dlqTopic,
          filters,
          async (r) => {
            counts.matched++;
            const ref = ledgerKey(dlqTopic, r.partition, r.offset);
            if (ledger.has(ref)) {
              counts.skippedAlreadyReplayed++;
              return undefined;
            }
            const target = to === 'original' ? r.originalTopic : to;
            if (!target) {
              counts.skippedNoTarget++;
              return undefined;
            }
            targets[target] = (targets[target] ?? 0) + 1;
            counts.planned++;
            await replay(r, target, ref);
            return counts.planned >= limit ? 'stop' : undefined;
          },
          { ends, maxBytes: REPLAY_FETCH_BYTES },
        );
      return { ...counts, targets };
    };

    const plan = await pass(() => {});
    const existing = new Set(await this.allTopics());
    const missing = Object.keys(plan.targets).filter((t) => !existing.has(t));
    if (missing.length)
      throw new DlqError(
        `the target topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist; expected --to original or an existing topic.`,
        'unknown-target',
      );
    options.onPlan?.({
      total: plan.planned,
      skippedAlreadyReplayed: plan.skippedAlreadyReplayed,
      targets: plan.targets,
    });
    const result = (
      counts: typeof plan,
      replayed: number,
      sendStart: number,
      bufferedHighWater = 0,
    ): ReplayResult => {
      const now = performance.now();
      return {
        dlqTopic,
        matched: counts.matched,
        replayed,
        skippedAlreadyReplayed: counts.skippedAlreadyReplayed,
        skippedNoTarget: counts.skippedNoTarget,
        targets: counts.targets,
        dryRun: !!options.dryRun,
        durationMs: Math.round(now - started),
        ratePerSec: replayed ? Math.round(replayed / Math.max(0.001, (now - sendStart) / 1000)) : 0,
        bufferedHighWater,
      };
    };
    if (!producer || plan.planned === 0) return result(plan, 0, performance.now());

    const batchSize = options.batchSize ?? 500;
    const chunk = options.ratePerSec
      ? Math.max(1, Math.min(batchSize, Math.floor(options.ratePerSec / 20)))
      : batchSize;
    const bucket = options.ratePerSec ? new TokenBucket(options.ratePerSec, chunk) : undefined;
    const by = this.options.by ?? `${safeUser()}@${hostname()}`;
    const sendStart = performance.now();
    let sent = 0;
    let committed = 0;
    let highWater = 0;
    const progress = () =>
      options.onProgress?.({
        total: plan.planned,
        sent,
        committed,
        elapsedMs: Math.round(performance.now() - sendStart),
      });
    let txn = firstTxn!;
    let txnOpen = true;
    let txnStarted = performance.now();
    let inTxn = 0;
    let buffer: { target: string; ref: string; message: Message }[] = [];
    let bufferBytes = 0;

    const commit = async () => {
      await txn.commit();
      txnOpen = false;
      committed += inTxn;
      inTxn = 0;
    };
    // one send: at most `chunk` records and about MAX_SEND_BYTES (one record batch per partition must
    // stay under the broker's message.max.bytes, 1 MiB by default)
    const flush = async () => {
      if (buffer.length === 0) return;
      const slice = buffer;
      buffer = [];
      bufferBytes = 0;
      if (bucket) await bucket.take(slice.length);
      if (!txnOpen) {
        txn = await producer.transaction();
        txnOpen = true;
        txnStarted = performance.now();
      }
      const byTopic = new Map<string, Message[]>();
      const replayedAt = new Date().toISOString();
      for (const p of slice) {
        let list = byTopic.get(p.target);
        if (!list) byTopic.set(p.target, (list = []));
        list.push(p.message);
      }
      await txn.sendBatch({
        acks: -1,
        topicMessages: [
          ...[...byTopic].map(([topic, messages]) => ({ topic, messages })),
          {
            topic: this.ledgerTopic,
            messages: slice.map((p) => ({
              key: p.ref,
              value: JSON.stringify({ replayedAt, target: p.target, by }),
            })),
          },
        ],
      });
      sent += slice.length;
      inTxn += slice.length;
      if (inTxn >= 20_000 || performance.now() - txnStarted >= 1_000) await commit();
      progress();
    };

    const done = await pass(async (r, target, ref) => {
      const headers = replayHeaders(r.headers, ref);
      const size = recordSize(r.key, r.value, headers) + ref.length + 100;
      if (buffer.length > 0 && bufferBytes + size > MAX_SEND_BYTES) await flush();
      buffer.push({ target, ref, message: { key: r.key, value: r.value, headers } });
      bufferBytes += size;
      highWater = Math.max(highWater, buffer.length);
      if (buffer.length >= chunk) await flush();
    });
    await flush();
    if (txnOpen && inTxn > 0) await commit();
    progress();
    return result(done, committed, sendStart, highWater);
  }

  private async allTopics(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  }
}

/** Bytes per produce request, over all its records (and their ledger records). */
const MAX_SEND_BYTES = 512 * 1024;
/** Fetch size of a replay's reads: with the send chunk, what a replay holds in memory at once. */
const REPLAY_FETCH_BYTES = 4 * 1024 * 1024;

function recordSize(key: Buffer | null, value: Buffer | null, headers: IHeaders): number {
  let n = 20 + (key?.length ?? 0) + (value?.length ?? 0);
  for (const [k, v] of Object.entries(headers)) {
    const one = Array.isArray(v) ? v[v.length - 1] : v;
    n += k.length + 4 + (Buffer.isBuffer(one) ? one.length : Buffer.byteLength(String(one ?? '')));
  }
  return n;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
