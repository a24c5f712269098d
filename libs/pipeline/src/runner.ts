/**
 * Runs one pipeline: consume → decode → validate → schedule → call → route → produce, with results,
 * consumer offsets and completed idempotency keys committed in one Kafka transaction per partition.
 *
 * Exactly-once, in short:
 * - each source partition has its own transactional producer (`junction.<pipeline>.<topic>.<p>`);
 *   whoever owns the partition initialises it, which fences a previous owner still running;
 * - after fencing, the new owner reads the committed offset (the floor) and skips anything below it,
 *   so a record committed by the old owner is never processed twice;
 * - a partition's offset advances only over the contiguous prefix of finished records
 *   (OffsetWatermark), and the results of those records are written in the same transaction;
 * - on any failed commit the partition's uncommitted work is dropped and fetched again.
 */
import { randomUUID } from 'node:crypto';
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Producer,
  Transaction,
} from 'kafkajs';
import type { Caller, CircuitState } from '@junction/calls';
import { createKafka, ensureTopics, retryTransient } from '@junction/kafka';
import {
  createLogger,
  createPipelineMetrics,
  SpanKind,
  tracer,
  type Logger,
  type PipelineMetrics,
} from '@junction/observability';
import { AvroEncodeError, AvroSerde, piiFields, RegistryClient } from '@junction/schemas';
import { CompletedKeys } from './completed-keys';
import type { CallMeta, Pipeline, PipelineEnv } from './definition';
import { classify, MappingError, type Failure } from './errors';
import {
  deadLetterHeaders,
  H,
  readRetryState,
  resultHeaders,
  retryHeaders,
  type Origin,
  type RetryState,
} from './headers';
import { KeyScheduler } from './key-scheduler';
import { RecordTracer, type RecordTrace } from './record-trace';
import { PartitionWork, type Emission, type OutMessage } from './partition-work';
import { decodeRecord, type Decoder } from './stages/decode';
import { routeResult } from './stages/route';
import { subjectFor, transactionalIdFor } from './topic-names';

export interface RunnerOptions {
  brokers: string[];
  schemaRegistryUrl: string;
  /** Read by the pipeline's call factory (endpoint URLs, API keys). Default: process.env. */
  env?: PipelineEnv;
  logger?: Logger;
  clientId?: string;
  /** Graceful-stop deadline for in-flight work. Default 20 s. */
  shutdownTimeoutMs?: number;
  /**
   * How long the group waits for a silent member (a killed process) before giving its partitions to
   * others. Default 30 s; lower it where processes are expected to die and restart quickly.
   */
  sessionTimeoutMs?: number;
  /** Where the pipeline's Prometheus metrics go; one set per process, shared by its pipelines. */
  metrics?: PipelineMetrics;
}

export interface RunnerStats {
  consumed: number;
  output: number;
  review: number;
  dropped: number;
  duplicates: number;
  retried: number;
  deadLettered: number;
  degraded: number;
  commits: number;
  abortedCommits: number;
  rebalances: number;
}

export interface RunnerHealth {
  running: boolean;
  kafkaConnected: boolean;
  assignedPartitions: string[];
  pausedPartitions: number;
  /** Records in their call (or its batch) right now; at most `maxInFlight`. */
  inFlight: number;
  /** Records fetched and not yet committed; at `maxBuffered` the partitions pause. */
  buffered: number;
  circuit: CircuitState;
}

interface Encoder<T> {
  encode(value: T): Buffer;
}

interface InRecord {
  work: PartitionWork;
  epoch: number;
  offset: bigint;
  message: KafkaMessage;
  origin: Origin;
  retry: RetryState | undefined;
  /** The record's `process` span (or the incoming trace passed on when tracing is off). */
  trace: RecordTrace;
}

const MAX_TXN_ATTEMPTS = 5;

export class PipelineRunner<In, Req, Res, Out, Rev = Out> {
  readonly stats: RunnerStats = {
    consumed: 0,
    output: 0,
    review: 0,
    dropped: 0,
    duplicates: 0,
    retried: 0,
    deadLettered: 0,
    degraded: 0,
    commits: 0,
    abortedCommits: 0,
    rebalances: 0,
  };

  private readonly kafka: Kafka;
  private readonly log: Logger;
  private readonly scheduler: KeyScheduler;
  private readonly partitions = new Map<string, PartitionWork>();
  private readonly instanceId = randomUUID().slice(0, 8);
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private caller: Caller<Req, Res> | undefined;
  private completed: CompletedKeys | undefined;
  private decoder: Decoder<In> | undefined;
  private outputEncoder: Encoder<Out> | undefined;
  private reviewEncoder: Encoder<Rev> | undefined;
  private paused = false;
  /** Partitions of the completed-keys topic: a partition's keys go to the same-numbered one. */
  private completedPartitions = 1;
  private running = false;
  private stopping = false;
  private kafkaConnected = false;
  private readonly metrics: PipelineMetrics;
  private readonly metricChildren = new Map<string, unknown>();
  private readonly tracer = new RecordTracer(tracer('junction-pipeline'));

  constructor(
    readonly pipeline: Pipeline<In, Req, Res, Out, Rev>,
    private readonly options: RunnerOptions,
  ) {
    this.kafka = createKafka({
      brokers: options.brokers,
      clientId: options.clientId ?? `junction-${pipeline.name}`,
    });
    // personal-data fields of the source schema are censored wherever an event is logged
    this.log = (options.logger ?? createLogger(pipeline.name)).child(
      { pipeline: pipeline.name },
      { redact: { paths: piiFields(pipeline.source.schema).map((f) => `event.${f}`), censor: '[redacted]' } },
    );
    this.metrics = options.metrics ?? createPipelineMetrics(undefined, { defaultMetrics: false });
    this.scheduler = new KeyScheduler(pipeline.resolved.maxInFlight, (err) =>
      this.log.error({ err }, 'record task failed outside its own error handling'),
    );
  }

  /** Records in their call right now. */
  get inFlight(): number {
    return this.scheduler.active;
  }

  /** Records fetched and not yet committed, over all partitions. */
  get buffered(): number {
    let n = 0;
    for (const w of this.partitions.values()) n += w.watermark.pending;
    return n;
  }

  health(): RunnerHealth {
    return {
      running: this.running,
      kafkaConnected: this.kafkaConnected,
      assignedPartitions: [...this.partitions.values()].filter((w) => w.state === 'active').map((w) => w.id),
      pausedPartitions: this.paused
        ? this.partitions.size
        : [...this.partitions.values()].filter((w) => w.dueTimer).length,
      inFlight: this.inFlight,
      buffered: this.buffered,
      circuit: this.caller?.circuitState() ?? 'closed',
    };
  }

  async start(): Promise<void> {
    const p = this.pipeline;
    const { resolved } = p;
    this.admin = this.kafka.admin();
    await this.admin.connect();

    // Topics the pipeline owns are created when missing, with the source's partition count.
    const admin = this.admin;
    const sourceMeta = await retryTransient(`source topic ${p.source.topic}`, () =>
      admin.fetchTopicMetadata({ topics: [p.source.topic] }),
    );
    const partitions = p.partitions ?? sourceMeta.topics[0]?.partitions.length ?? 1;
    await retryTransient('creating the pipeline topics', () =>
      ensureTopics(this.kafka, [
        { topic: resolved.retryTopic, partitions },
        { topic: resolved.dlqTopic, partitions },
        {
          topic: resolved.completedTopic,
          partitions,
          config: {
            'cleanup.policy': 'compact,delete',
            'retention.ms': String(resolved.idempotencyRetentionMs),
          },
        },
        { topic: p.outputs.output.topic, partitions },
        ...(p.outputs.review ? [{ topic: p.outputs.review.topic, partitions }] : []),
      ]),
    );
    const completedMeta = await retryTransient(`topic ${resolved.completedTopic}`, () =>
      admin.fetchTopicMetadata({ topics: [resolved.completedTopic] }),
    );
    this.completedPartitions = Math.max(1, completedMeta.topics[0]?.partitions.length ?? 1);

    const serde = new AvroSerde(new RegistryClient({ url: this.options.schemaRegistryUrl }));
    this.decoder = serde.decoder<In>(p.source.schema);
    this.outputEncoder = await serde.encoder<Out>(
      subjectFor(p.outputs.output.topic),
      p.outputs.output.schema,
    );
    if (p.outputs.review) {
      this.reviewEncoder = await serde.encoder<Rev>(
        subjectFor(p.outputs.review.topic),
        p.outputs.review.schema,
      );
    }

    this.caller = p.call(this.options.env ?? process.env);
    this.caller.onCircuitChange((state) =>
      this.log.warn({ endpoint: this.caller?.endpoint, state }, 'circuit state changed'),
    );

    this.completed = new CompletedKeys(this.kafka, {
      topic: resolved.completedTopic,
      retentionMs: resolved.idempotencyRetentionMs,
      groupPrefix: `${resolved.group}.completed`,
      log: (msg, fields) => this.log.warn(fields ?? {}, msg),
    });
    await this.completed.start();

    const consumer = this.kafka.consumer({
      groupId: resolved.group,
      readUncommitted: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: 60_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 6)),
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 1024 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CONNECT, () => (this.kafkaConnected = true));
    consumer.on(consumer.events.DISCONNECT, () => (this.kafkaConnected = false));
    consumer.on(consumer.events.CRASH, (e) => {
      this.kafkaConnected = false;
      this.log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.stats.rebalances++;
      this.onAssignment(e.payload.memberAssignment);
    });

    await consumer.connect();
    this.kafkaConnected = true;
    await consumer.subscribe({ topics: [p.source.topic, resolved.retryTopic], fromBeginning: true });
    this.running = true;
    this.metrics.onScrape(() => this.updateGauges());
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, Math.min(partitions * 2, 8)),
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.log.info({ group: resolved.group, source: p.source.topic, partitions }, 'pipeline started');
  }

  /** Graceful stop: stop fetching, finish in-flight work within the deadline, commit, leave the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = Date.now() + (this.options.shutdownTimeoutMs ?? 20_000);
    this.pauseAll();
    await Promise.race([this.scheduler.idle(), sleep(Math.max(0, deadline - Date.now()))]);
    // commit what finished; records whose predecessors did not finish stay uncommitted and are
    // fetched again by the next owner
    for (;;) {
      for (const work of this.partitions.values()) this.commitPartition(work);
      const committing = [...this.partitions.values()].flatMap((w) => (w.committing ? [w.committing] : []));
      if (committing.length === 0 || Date.now() > deadline) break;
      await Promise.all(committing);
    }
    for (const work of this.partitions.values()) clearTimeout(work.commitTimer);
    this.running = false;
    await this.consumer
      ?.disconnect()
      .catch((err: unknown) => this.log.warn({ err }, 'consumer disconnect failed'));
    await Promise.all([...this.partitions.values()].map((w) => w.producer?.disconnect().catch(() => {})));
    await this.completed?.stop();
    await this.caller?.close();
    await this.admin?.disconnect().catch(() => {});
    this.log.info({ stats: this.stats }, 'pipeline stopped');
  }

  // ---------------------------------------------------------------------------------- assignment

  private onAssignment(assignment: Record<string, number[]>): void {
    const assigned = new Set<string>();
    for (const [topic, parts] of Object.entries(assignment))
      for (const p of parts) assigned.add(`${topic}:${p}`);
    // Every partition starts over from its committed offset: work in flight across a rebalance is
    // abandoned (its records are fetched again), which keeps the floor logic the only source of truth.
    for (const work of this.partitions.values()) {
      work.resetWork();
      this.completed?.dropPending(work.id);
      if (!assigned.has(work.id)) {
        work.state = 'revoked';
        this.partitions.delete(work.id);
        clearTimeout(work.dueTimer);
        clearTimeout(work.commitTimer);
        const w = work;
        void (async () => {
          await w.committing?.catch(() => {});
          await w.producer?.disconnect().catch(() => {});
        })();
      }
    }
    for (const id of assigned) {
      let work = this.partitions.get(id);
      if (!work) {
        const sep = id.lastIndexOf(':');
        work = new PartitionWork(id.slice(0, sep), Number(id.slice(sep + 1)));
        this.partitions.set(id, work);
      }
      work.state = 'joining';
      clearTimeout(work.dueTimer);
      work.dueTimer = undefined;
      work.ready = this.reactivate(work);
    }
    this.paused = false;
    const tps = this.topicPartitions(() => true);
    if (tps.length) this.consumer?.resume(tps);
    this.log.info({ assigned: [...assigned] }, 'partitions assigned');
  }

  /**
   * Activates the partition once the activations started before have finished. Each may initialise a
   * producer, and every InitProducerId fences the ones before it: run side by side (a rebalance while
   * a failed commit re-activates), the last producer installed could be a fenced one, and the
   * partition would wait for a rebalance that never comes.
   */
  private reactivate(work: PartitionWork): Promise<void> {
    const epoch = work.epoch;
    return work.ready.catch(() => {}).then(() => this.activate(work, epoch));
  }

  /** Fences any previous owner (transactional producer init), then reads the committed offset. */
  private async activate(work: PartitionWork, epoch: number): Promise<void> {
    let fenced = false;
    for (let attempt = 1; ; attempt++) {
      if (work.epoch !== epoch) return; // a later activation has the partition
      try {
        await work.committing?.catch(() => {});
        if (!work.producer) {
          const producer = this.kafka.producer({
            transactionalId: transactionalIdFor(this.pipeline.name, work.topic, work.partition),
            idempotent: true,
            maxInFlightRequests: 1,
            transactionTimeout: 60_000,
            // kafkajs retries CONCURRENT_TRANSACTIONS with this back-off; the default (300 ms) makes
            // every transaction started right after a commit wait that long.
            retry: { initialRetryTime: 20, maxRetryTime: 1_000, retries: Number.MAX_SAFE_INTEGER },
          });
          await producer.connect();
          // connect() only gets kafkajs a plain idempotent producer id: the transactional id is
          // registered, and a previous owner fenced (its open transaction aborted, or a committing
          // one waited out), by the first transaction(). That must happen before the committed
          // offset is read, or the previous owner can still commit what this one will redo.
          await (await producer.transaction()).abort();
          work.producer = producer;
          fenced = true;
        }
        const admin = this.admin!;
        const offsets = await retryTransient('reading committed offsets', () =>
          admin.fetchOffsets({ groupId: this.pipeline.resolved.group, topics: [work.topic] }),
        );
        const committed = offsets[0]?.partitions.find((p) => p.partition === work.partition)?.offset ?? '-1';
        if (work.epoch !== epoch) return;
        const floor = BigInt(committed);
        if (fenced && floor < work.floor) {
          const redo = work.rolledBack(floor);
          this.completed!.forget(redo);
          this.log.warn(
            { partition: work.id, committed, acknowledged: work.floor.toString(), redo: redo.length },
            'transactions acknowledged as committed were rolled back by the broker; their records are done again',
          );
        }
        work.floor = floor;
        work.state = 'active';
        return;
      } catch (err) {
        this.log.warn({ err, partition: work.id, attempt }, 'partition activation failed; retrying');
        if (work.epoch !== epoch || this.stopping) return;
        await work.producer?.disconnect().catch(() => {});
        work.producer = undefined;
        await sleep(Math.min(5_000, 200 * attempt));
      }
    }
  }

  // ---------------------------------------------------------------------------------- intake

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const work = this.partitions.get(`${batch.topic}:${batch.partition}`);
    if (!work) return;
    await work.ready;
    if (work.state !== 'active' || this.stopping) return;
    const epoch = work.epoch;
    const max = this.pipeline.resolved.maxBuffered;
    const name = this.pipeline.name;
    this.metrics.consumerLag.set(
      { pipeline: name, topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(batch.offsetLag())),
    );
    const traced = this.tracer.enabled();
    let taken = 0;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || work.epoch !== epoch || this.stopping) break;
      if (this.buffered >= max) {
        this.pauseAll();
        break;
      }
      const offset = BigInt(message.offset);
      if (offset < work.floor || (work.lastTracked !== undefined && offset <= work.lastTracked)) {
        resolveOffset(message.offset);
        continue;
      }
      const retry =
        batch.topic === this.pipeline.resolved.retryTopic ? readRetryState(message.headers) : undefined;
      if (retry && retry.dueAt > Date.now()) {
        this.pauseUntilDue(work, retry.dueAt);
        break;
      }
      work.watermark.track(offset);
      work.lastTracked = offset;
      resolveOffset(message.offset);
      this.stats.consumed++;
      taken++;
      const recordTrace = this.tracer.start(traced, message.headers, `${batch.topic} process`, {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': batch.topic,
        'messaging.destination.partition.id': String(batch.partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.consumer.group.name': this.pipeline.resolved.group,
        'junction.pipeline': name,
      });
      await this.accept({
        work,
        epoch,
        offset,
        message,
        retry,
        trace: recordTrace,
        origin: retry?.origin ?? {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          timestamp: message.timestamp,
        },
      });
    }
    if (taken > 0) this.metric('in', batch.topic, () => this.metrics.recordsIn.labels(name, batch.topic)).inc(taken);
    await heartbeat();
  }

  /** Decodes and validates in fetch order (the key comes from the event), then schedules by key. */
  private async accept(rec: InRecord): Promise<void> {
    const p = this.pipeline;
    const decodeSpan = rec.trace.child('decode');
    const r = await decodeRecord(rec.message.value, {
      decoder: this.decoder!,
      quality: p.quality ?? [],
      key: p.key,
      idempotencyKey: p.idempotencyKey,
    });
    if (!r.ok && r.stage !== 'keys') decodeSpan.fail(r.error);
    decodeSpan.end();
    if (r.ok) {
      this.scheduler.submit(r.key, () => this.process(rec, r.event, r.key, r.idempotencyKey));
      return;
    }
    if (r.quality) {
      this.log.debug(
        { event: r.event, rule: r.quality.rule, field: r.quality.field, ...this.recordFields(rec) },
        'record failed a data-quality rule',
      );
      this.metrics.qualityFailures.inc({ pipeline: p.name, source: rec.origin.topic, ...r.quality });
    }
    this.finish(rec, this.failed(rec, r.failure, undefined));
  }

  // ---------------------------------------------------------------------------------- processing

  private async process(rec: InRecord, event: In, key: string, idem: string): Promise<void> {
    if (rec.epoch !== rec.work.epoch) return; // abandoned by a rebalance
    const p = this.pipeline;
    if (this.completed!.has(idem)) {
      this.finish(rec, { messages: [], outcome: 'duplicate' });
      return;
    }
    let output: Res;
    let meta: CallMeta;
    try {
      let request: Req;
      try {
        request = p.request(event);
      } catch (err) {
        throw new MappingError('request', err);
      }
      const endpoint = this.caller!.endpoint;
      const callSpan = rec.trace.child(`call ${endpoint}`, SpanKind.CLIENT, {
        'junction.endpoint': endpoint,
        'junction.idempotency_key': idem,
      });
      const traceparent = callSpan.traceparent;
      const ctx = traceparent ? { idempotencyKey: idem, traceparent } : { idempotencyKey: idem };
      const started = performance.now();
      try {
        const r = await this.caller!.call(request, ctx);
        callSpan.end();
        this.observeCall(started, 'ok');
        output = r.output;
        meta = r.model ? { model: r.model, degraded: false } : { degraded: false };
      } catch (err) {
        callSpan.fail(err);
        callSpan.end();
        this.observeCall(
          started,
          err instanceof MappingError
            ? 'mapping'
            : p.fallback && classify(err).kind === 'retriable'
              ? 'fallback'
              : 'failed',
        );
        throw err;
      }
    } catch (err) {
      const failure = classify(err);
      if (failure.kind === 'retriable' && p.fallback) {
        try {
          output = p.fallback(event, failure);
          meta = { degraded: true, model: { name: 'fallback', version: p.name } };
        } catch (fallbackErr) {
          this.finish(rec, this.failed(rec, classify(new MappingError('fallback', fallbackErr)), idem));
          return;
        }
      } else {
        this.finish(rec, this.failed(rec, failure, idem));
        return;
      }
    }
    if (rec.epoch !== rec.work.epoch) return;
    try {
      const result = p.result(event, output, meta);
      const routed = routeResult(result, event, {
        route: p.route,
        review: p.review,
        hasReview: this.reviewEncoder !== undefined,
      });
      if (p.monitor) this.monitor(p.monitor(result), meta);
      const messages: OutMessage[] = [];
      if (routed.outcome === 'output')
        messages.push(
          this.resultMessage(rec, key, idem, p.outputs.output.topic, this.outputEncoder!.encode(routed.value), meta, 'output'),
        );
      else if (routed.outcome === 'review')
        messages.push(
          this.resultMessage(rec, key, idem, p.outputs.review!.topic, this.reviewEncoder!.encode(routed.value), meta, 'review'),
        );
      this.completed!.markPending(idem, rec.work.id);
      this.finish(rec, {
        eventTime: Number(rec.origin.timestamp),
        messages,
        completedKey: idem,
        outcome: routed.outcome,
        degraded: meta.degraded,
      });
    } catch (err) {
      const f = classify(err instanceof AvroEncodeError ? err : new MappingError('result', err));
      this.finish(rec, this.failed(rec, f, idem));
    }
  }

  /** Where a record is and which trace it belongs to, for log lines about it. */
  private recordFields(rec: InRecord): Record<string, unknown> {
    return {
      topic: rec.origin.topic,
      partition: rec.origin.partition,
      offset: rec.origin.offset,
      ...rec.trace.logIds(),
    };
  }

  /**
   * A metric's child for one set of label values, made once: prom-client hashes the labels object on
   * every call otherwise, which per record added up.
   */
  private metric<T>(kind: string, key: string, make: () => T): T {
    const k = `${kind}\u0000${key}`;
    let child = this.metricChildren.get(k) as T | undefined;
    if (child === undefined) {
      child = make();
      this.metricChildren.set(k, child);
    }
    return child;
  }

  private observeCall(started: number, outcome: string): void {
    const endpoint = this.caller?.endpoint ?? 'unknown';
    this.metric('call', outcome, () => this.metrics.callSeconds.labels(this.pipeline.name, endpoint, outcome)).observe(
      (performance.now() - started) / 1000,
    );
  }

  private monitor(m: { score?: number; label?: string }, meta: CallMeta): void {
    const model = meta.model?.name ?? 'unknown';
    const version = meta.model?.version ?? 'unknown';
    const name = this.pipeline.name;
    if (typeof m.score === 'number' && Number.isFinite(m.score))
      this.metric('score', `${model}\u0000${version}`, () => this.metrics.modelScore.labels(name, model, version)).observe(
        m.score,
      );
    if (m.label !== undefined) {
      const label = m.label;
      this.metric('class', `${model}\u0000${version}\u0000${label}`, () =>
        this.metrics.modelClass.labels(name, model, version, label),
      ).inc();
    }
  }

  private resultMessage(
    rec: InRecord,
    key: string,
    idem: string,
    topic: string,
    value: Buffer,
    meta: CallMeta,
    route: string,
  ): OutMessage {
    const produceSpan = rec.trace.child(`${topic} publish`, SpanKind.PRODUCER, {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topic,
    });
    produceSpan.end();
    const traceparent = produceSpan.traceparent;
    const headers = resultHeaders({
      pipeline: this.pipeline.name,
      id: `${idem}/${topic}`,
      type: topic,
      time: Date.now(),
      subject: key,
      ...(traceparent ? { traceparent } : {}),
      idempotencyKey: idem,
      origin: rec.origin,
      ...(meta.model ? { model: meta.model } : {}),
      degraded: meta.degraded,
      route,
    });
    return { topic, key, value, headers };
  }

  /** Retry topic while attempts remain and the failure is retriable; otherwise the DLQ. */
  private failed(rec: InRecord, failure: Failure, idem: string | undefined): Emission {
    const { resolved, name } = this.pipeline;
    const now = Date.now();
    const attempts = (rec.retry?.attempts ?? 0) + 1;
    // A failure has no idempotency key to dedupe on (poison has none at all), so this delivery's
    // coordinates stand in: a record fetched again after a commit whose outcome was unknown (a broker
    // lost mid-commit) is not retried or dead-lettered a second time. A replay is a new record with
    // new coordinates, so it is never mistaken for one.
    const deliveryKey = deliveryKeyFor(rec.origin, attempts);
    if (this.completed!.has(deliveryKey)) return { messages: [], outcome: 'duplicate' };
    this.completed!.markPending(deliveryKey, rec.work.id);
    const ctx = {
      pipeline: name,
      consumerGroup: resolved.group,
      origin: rec.origin,
      attempts,
      firstFailure: rec.retry?.firstFailure ?? now,
      lastFailure: now,
      failure,
      ...(idem !== undefined ? { idempotencyKey: idem } : {}),
    };
    const original = rec.message.headers as IHeaders | undefined;
    if (failure.kind === 'retriable' && attempts <= resolved.retryDelaysMs.length) {
      const delay = Math.max(resolved.retryDelaysMs[attempts - 1] ?? 0, failure.retryAfterMs ?? 0);
      return {
        outcome: 'retry',
        messages: [
          {
            topic: resolved.retryTopic,
            key: rec.message.key,
            value: rec.message.value,
            headers: retryHeaders(original, ctx, now + delay),
          },
        ],
        completedKey: deliveryKey,
      };
    }
    if (failure.kind !== 'retriable')
      this.log.debug({ code: failure.code, ...this.recordFields(rec) }, 'record dead-lettered');
    return {
      outcome: 'dlq',
      messages: [
        {
          topic: resolved.dlqTopic,
          key: rec.message.key,
          value: rec.message.value,
          headers: deadLetterHeaders(original, ctx),
        },
      ],
      completedKey: deliveryKey,
    };
  }

  private finish(rec: InRecord, emission: Emission): void {
    rec.trace.end(emission.outcome, emission.outcome === 'dlq' || emission.outcome === 'retry');
    if (rec.epoch !== rec.work.epoch) return;
    rec.work.watermark.finish(rec.offset, emission);
    this.scheduleCommit(rec.work);
  }

  // ---------------------------------------------------------------------------------- commit

  private updateGauges(): void {
    const name = this.pipeline.name;
    const h = this.health();
    this.metrics.inFlight.set({ pipeline: name }, h.inFlight);
    this.metrics.buffered.set({ pipeline: name }, h.buffered);
    this.metrics.pausedPartitions.set({ pipeline: name }, h.pausedPartitions);
    this.metrics.circuitState.set(
      { pipeline: name, endpoint: this.caller?.endpoint ?? 'unknown' },
      h.circuit === 'open' ? 2 : h.circuit === 'half-open' ? 1 : 0,
    );
  }

  /**
   * Commits a partition's finished prefix after `commitIntervalMs`, so records finishing together
   * share a transaction. While a transaction is running nothing is scheduled: its completion commits
   * what finished meanwhile at once, so transactions grow with the load instead of queueing.
   */
  private scheduleCommit(work: PartitionWork): void {
    if (work.commitTimer || work.committing || !work.watermark.releasable) return;
    work.commitTimer = setTimeout(() => {
      work.commitTimer = undefined;
      this.commitPartition(work);
    }, this.pipeline.resolved.commitIntervalMs);
  }

  private commitPartition(work: PartitionWork): void {
    if (work.state !== 'active' || work.committing) return;
    clearTimeout(work.commitTimer);
    work.commitTimer = undefined;
    const released = work.watermark.release();
    if (!released) return;
    work.committing = this.commit(work, work.epoch, released.values, released.commitOffset).finally(() => {
      work.committing = undefined;
      this.maybeResume();
      if (work.watermark.releasable && !this.stopping) this.commitPartition(work);
    });
  }

  private async commit(
    work: PartitionWork,
    epoch: number,
    values: Emission[],
    commitOffset: bigint,
  ): Promise<void> {
    const byTopic = new Map<
      string,
      { key: Buffer | string | null; value: Buffer | null; headers: IHeaders; partition?: number }[]
    >();
    const completedKeys: string[] = [];
    for (const v of values) {
      for (const m of v.messages) {
        let list = byTopic.get(m.topic);
        if (!list) byTopic.set(m.topic, (list = []));
        list.push({ key: m.key, value: m.value, headers: m.headers });
      }
      if (v.completedKey !== undefined) completedKeys.push(v.completedKey);
    }
    if (completedKeys.length > 0) {
      const at = String(Date.now());
      byTopic.set(
        this.pipeline.resolved.completedTopic,
        completedKeys.map((k) => ({
          // co-partitioned with the source partition: each transaction touches one partition of
          // this topic (every instance reads all of them, so which one does not matter otherwise)
          partition: work.partition % this.completedPartitions,
          key: k,
          value: Buffer.from(at),
          headers: { [H.pipeline]: this.pipeline.name },
        })),
      );
    }
    const producer = work.producer as Producer;
    let began = 0;
    for (let attempt = 1; ; attempt++) {
      began = performance.now();
      let txn: Transaction | undefined;
      try {
        // inside the try: after a failed abort kafkajs refuses to begin (state ABORTING), and a
        // rejection here would be unhandled and end the process
        txn = await producer.transaction();
        if (byTopic.size > 0) {
          await txn.sendBatch({
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
        }
        await txn.sendOffsets({
          consumerGroupId: this.pipeline.resolved.group,
          topics: [
            {
              topic: work.topic,
              partitions: [{ partition: work.partition, offset: commitOffset.toString() }],
            },
          ],
        });
        await txn.commit();
      } catch (err) {
        this.stats.abortedCommits++;
        this.metrics.commits.inc({ pipeline: this.pipeline.name, result: 'aborted' });
        const fenced = isFenced(err);
        const concurrent = (err as { type?: string }).type === 'CONCURRENT_TRANSACTIONS';
        if (concurrent && attempt < MAX_TXN_ATTEMPTS && !fenced) {
          await txn?.abort().catch(() => {});
          await sleep(20 * attempt);
          continue;
        }
        // No abort otherwise: the producer is replaced below, and the new one's InitProducerId aborts
        // what this transaction left open, on a coordinator that is up. An abort sent while the
        // broker shuts down (every commit in flight fails then) was recorded as complete without its
        // markers reaching the partitions (Kafka 4.4, one broker), so the next transaction's commit
        // made the aborted results visible after all, next to their redone copies.
        this.log.warn(
          { err, partition: work.id, fenced },
          'commit failed; uncommitted work of the partition is dropped',
        );
        // The transaction's outcome is unknown (an EndTxn without an answer may still commit) and so
        // is kafkajs's state: whoever activates the partition next, also after a rebalance, makes a
        // fresh producer, whose InitProducerId waits the transaction out or aborts it before the
        // committed offset is read.
        if (work.producer === producer) work.producer = undefined;
        await producer.disconnect().catch(() => {});
        if (work.epoch !== epoch) return;
        this.completed!.dropPending(work.id);
        work.resetWork();
        if (fenced) {
          // another instance owns the partition now; a rebalance will tell us
          work.state = 'fenced';
          return;
        }
        work.state = 'joining';
        work.ready = this.reactivate(work).then(() => {
          if (work.state !== 'active') return;
          try {
            this.consumer?.seek({
              topic: work.topic,
              partition: work.partition,
              offset: String(work.floor < 0n ? 0n : work.floor),
            });
          } catch (seekErr) {
            // kafkajs refuses a seek while its consumer restarts after a crash (the broker went
            // away, as it does when the commit failed); the restarted consumer joins again and
            // fetches from the committed offsets, which is what the seek was for. Thrown here it
            // was an unhandled rejection that killed the process.
            this.log.warn(
              { err: seekErr, partition: work.id },
              'seek after a failed commit left to the consumer restart',
            );
          }
        });
        return;
      }
      break;
    }
    // Committed. Nothing below may be taken for a failed commit, so it stays out of the try above.
    this.committed(work, values, completedKeys, commitOffset, began);
  }

  /** Bookkeeping of a committed transaction: the partition's floor, completed keys, counters. */
  private committed(
    work: PartitionWork,
    values: Emission[],
    completedKeys: string[],
    commitOffset: bigint,
    began: number,
  ): void {
    const name = this.pipeline.name;
    this.completed!.committedNow(completedKeys);
    work.acknowledge({ commitOffset, completedKeys });
    work.floor = commitOffset;
    this.stats.commits++;
    this.metrics.commits.inc({ pipeline: name, result: 'committed' });
    this.metrics.transactionSeconds.observe({ pipeline: name }, (performance.now() - began) / 1000);
    this.metrics.transactionRecords.observe({ pipeline: name }, values.length);
    const now = Date.now();
    const endToEnd = this.metric('e2e', '', () => this.metrics.endToEndSeconds.labels(name));
    const outcomes = new Map<Emission['outcome'], number>();
    let degraded = 0;
    for (const v of values) {
      this.count(v);
      outcomes.set(v.outcome, (outcomes.get(v.outcome) ?? 0) + 1);
      if (v.degraded) degraded++;
      if (v.eventTime !== undefined && (v.outcome === 'output' || v.outcome === 'review'))
        endToEnd.observe(Math.max(0, now - v.eventTime) / 1000);
    }
    for (const [outcome, n] of outcomes)
      this.metric('out', outcome, () => this.metrics.recordsOut.labels(name, outcome)).inc(n);
    if (degraded > 0) this.metrics.degraded.inc({ pipeline: name }, degraded);
  }

  private count(v: Emission): void {
    switch (v.outcome) {
      case 'output':
        this.stats.output++;
        break;
      case 'review':
        this.stats.review++;
        break;
      case 'drop':
        this.stats.dropped++;
        break;
      case 'duplicate':
        this.stats.duplicates++;
        break;
      case 'retry':
        this.stats.retried++;
        break;
      case 'dlq':
        this.stats.deadLettered++;
        break;
    }
    if (v.degraded) this.stats.degraded++;
  }

  // ---------------------------------------------------------------------------------- backpressure

  private topicPartitions(filter: (w: PartitionWork) => boolean): { topic: string; partitions: number[] }[] {
    const byTopic = new Map<string, number[]>();
    for (const w of this.partitions.values()) {
      if (!filter(w)) continue;
      byTopic.set(w.topic, [...(byTopic.get(w.topic) ?? []), w.partition]);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  private pauseAll(): void {
    if (this.paused || !this.consumer) return;
    this.paused = true;
    const tps = this.topicPartitions(() => true);
    if (tps.length) this.consumer.pause(tps);
  }

  private maybeResume(): void {
    if (!this.paused || this.stopping || !this.consumer) return;
    if (this.buffered > this.pipeline.resolved.maxBuffered / 2) return;
    this.paused = false;
    const tps = this.topicPartitions((w) => !w.dueTimer);
    if (tps.length) this.consumer.resume(tps);
  }

  /** A retry record not yet due: pause just that partition until it is (the source keeps flowing). */
  private pauseUntilDue(work: PartitionWork, dueAt: number): void {
    if (work.dueTimer || !this.consumer) return;
    this.consumer.pause([{ topic: work.topic, partitions: [work.partition] }]);
    work.dueTimer = setTimeout(
      () => {
        work.dueTimer = undefined;
        if (!this.paused && !this.stopping)
          this.consumer?.resume([{ topic: work.topic, partitions: [work.partition] }]);
      },
      Math.max(10, dueAt - Date.now()),
    );
    work.dueTimer.unref();
  }
}

/** The completed-keys entry of a failed delivery: where the record came from, and which attempt. */
export function deliveryKeyFor(origin: Origin, attempt: number): string {
  return `junction-delivery:${origin.topic}/${origin.partition}/${origin.offset}/${attempt}`;
}

function isFenced(err: unknown): boolean {
  const e = err as { type?: string; name?: string; message?: string };
  return (
    e.type === 'INVALID_PRODUCER_EPOCH' ||
    e.type === 'PRODUCER_FENCED' ||
    e.name === 'KafkaJSProducerFencedError' ||
    /fenced/i.test(e.message ?? '')
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
