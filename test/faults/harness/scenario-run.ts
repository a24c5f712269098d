/**
 * One scenario's run on the private stack: its own topics and pipeline name, the real model server,
 * the pipeline workers, the stream being sent, and at the end the check of everything a downstream
 * consumer can read. Scenarios only say which faults to inject when (see `scenarios.ts`).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { logLevel, type Admin, type Kafka } from 'kafkajs';
import { createKafka, ensureTopics, retryTransient } from '@junction/kafka';
import { consumerGroupFor, dlqTopicFor, retryTopicFor } from '@junction/pipeline';
import { AvroSerde, RegistryClient } from '@junction/schemas';
import { uniqueSuffix } from '../names';
import { tally, type ScenarioFigures } from '../checker';
import { observe, type PipelineTopics } from '../read-topics';
import { FaultStream } from '../stream';
import { Feed } from './feed';
import type { PrivateStack } from './private-stack';
import { startModelServer, startWorker, type ModelServer, type Worker } from './processes';
import { committed, Tail, until } from './progress';

export interface SuiteContext {
  stack: PrivateStack;
  /** Where each run's process logs go (a folder per run). */
  logRoot: string;
  log: (line: string) => void;
}

export interface RunOptions {
  /** kebab-case; names the pipeline and the topics. */
  scenario: string;
  events: number;
  /** Events per second while faults happen; undefined with `preload`. */
  rate?: number;
  /** Send the whole stream before any worker starts (a backlog). */
  preload?: boolean;
  /** One record in this many is poison. */
  poisonEvery: number;
  replicas: number;
  seed: number;
  /** Workers and the model server run in this network namespace. */
  netns?: string;
  modelLatencyMs?: number;
  /** Register a second version of the source schema for the stream to use (`stream.useV2`). */
  withV2?: boolean;
  /** How long the run may take once the stream is sent. */
  settleTimeoutMs: number;
}

export class ScenarioRun {
  readonly kafka: Kafka;
  readonly workers: Worker[] = [];
  readonly faults: string[] = [];
  readonly notes: Record<string, number | string> = {};
  readonly logDir: string;
  private readonly retired: Worker[] = [];
  private admin!: Admin;
  private tail!: Tail;
  private feeding: Promise<void> | undefined;
  private workerCount = 0;
  private readonly startedAt = Date.now();

  readonly pipeline: string;
  readonly source: string;
  readonly topics: PipelineTopics;
  model!: ModelServer;
  stream!: FaultStream;
  feed!: Feed;

  private constructor(
    readonly ctx: SuiteContext,
    readonly options: RunOptions,
  ) {
    const suffix = uniqueSuffix();
    this.pipeline = `faults-${options.scenario}-${suffix}`;
    this.source = `faults.lead.created.v1.${options.scenario}.${suffix}`;
    this.topics = {
      output: `${this.source}.scored`,
      review: `${this.source}.review`,
      retry: retryTopicFor(this.source, this.pipeline),
      dlq: dlqTopicFor(this.source, this.pipeline),
    };
    this.logDir = join(ctx.logRoot, `${options.scenario}-${suffix}`);
    this.kafka = createKafka({
      brokers: ctx.stack.brokers,
      clientId: 'fault-suite',
      logLevel: logLevel.NOTHING,
    });
  }

  /** Creates the source topic, registers the schemas, starts the model server, the workers and the stream. */
  static async start(ctx: SuiteContext, options: RunOptions): Promise<ScenarioRun> {
    const run = new ScenarioRun(ctx, options);
    try {
      await run.open();
    } catch (err) {
      await run.close();
      throw err;
    }
    return run;
  }

  private async open(): Promise<void> {
    const o = this.options;
    this.admin = this.kafka.admin();
    await this.admin.connect();
    // a broker that just restarted may not know a new topic for a moment: retried, as the runner does
    await retryTransient('creating the source topic', () =>
      ensureTopics(this.kafka, [{ topic: this.source, partitions: 12 }]),
    );
    const serde = new AvroSerde(new RegistryClient({ url: this.ctx.stack.registryUrl }));
    this.stream = await FaultStream.create(serde, this.source, {
      runId: o.scenario,
      seed: o.seed,
      poisonEvery: o.poisonEvery,
      withV2: o.withV2 ?? false,
    });
    this.feed = new Feed(this.kafka, this.source, (i) => this.stream.event(i), {
      total: o.events,
      ...(o.rate !== undefined ? { rate: o.rate } : {}),
      log: this.ctx.log,
    });
    this.model = await startModelServer({
      logDir: this.logDir,
      ...(o.netns ? { netns: o.netns } : {}),
      latencyMs: o.modelLatencyMs ?? 0,
    });
    if (o.preload) {
      const t = Date.now();
      await this.feed.run();
      this.notes['preload s'] = ((Date.now() - t) / 1000).toFixed(1);
    }
    await Promise.all(Array.from({ length: o.replicas }, () => this.addWorker()));
    // the pipeline creates its output, review and DLQ topics when it starts
    this.tail = await Tail.start(this.kafka, [this.topics.output, this.topics.review], this.topics.dlq);
    if (!o.preload) this.feeding = this.feed.run();
    // a feed failure must surface in the scenario, not as an unhandled rejection
    this.feeding?.catch(() => {});
  }

  /** Starts one more worker and waits until its pipeline has started. */
  async addWorker(): Promise<Worker> {
    const w = startWorker({
      name: `worker-${++this.workerCount}`,
      pipeline: this.pipeline,
      source: this.source,
      output: this.topics.output,
      review: this.topics.review,
      brokers: this.ctx.stack.brokers,
      registryUrl: this.ctx.stack.registryUrl,
      modelUrl: this.model.url,
      logDir: this.logDir,
      ...(this.options.netns ? { netns: this.options.netns } : {}),
    });
    this.workers.push(w);
    await w.started;
    return w;
  }

  /** SIGKILLs a worker and waits until it is gone. */
  async killWorker(w: Worker): Promise<void> {
    const gone = w.exited;
    w.kill('SIGKILL');
    await gone;
    this.retire(w);
  }

  /** Stops a worker gracefully (SIGTERM: finish, commit, leave the group). */
  async stopWorker(w: Worker): Promise<void> {
    await w.stop();
    this.retire(w);
  }

  private retire(w: Worker): void {
    this.workers.splice(this.workers.indexOf(w), 1);
    this.retired.push(w);
  }

  /** Share of the stream whose source offsets the pipeline has committed (0..1). */
  async progress(): Promise<number> {
    const c = await committed(this.admin, consumerGroupFor(this.pipeline), this.source);
    return c.committed / this.options.events;
  }

  /** Waits until `share` of the stream is committed. */
  async reach(share: number, timeoutMs = 300_000): Promise<void> {
    const ok = await until(async () => (await this.progress()) >= share, timeoutMs, 200);
    if (!ok)
      throw new Error(
        `${this.options.scenario}: ${Math.round(share * 100)}% of the stream not committed within ${timeoutMs / 1000} s; logs in ${this.logDir}`,
      );
  }

  /** Waits until `share` of the stream has been sent (the stream is paced: a point in time of the run). */
  async sent(share: number, timeoutMs = 300_000): Promise<void> {
    const ok = await until(() => this.feed.sent >= share * this.options.events, timeoutMs, 100);
    if (!ok)
      throw new Error(
        `${this.options.scenario}: ${Math.round(share * 100)}% of the stream not sent within ${timeoutMs / 1000} s`,
      );
  }

  fault(description: string): void {
    this.faults.push(description);
    this.ctx.log(`${this.options.scenario}: ${description}`);
  }

  elapsed(): number {
    return Date.now() - this.startedAt;
  }

  /**
   * Waits for the stream to be sent and for every event to reach a result or DLQ topic with the
   * source fully committed, stops the workers gracefully, then reads every output, review, retry and
   * DLQ record from the start and counts.
   */
  async finish(): Promise<ScenarioFigures> {
    await this.feeding;
    const group = consumerGroupFor(this.pipeline);
    const settled = await until(
      async () => {
        if (this.tail.outstanding(this.feed.expected) > 0) return false;
        const c = await committed(this.admin, group, this.source);
        return c.committed >= c.end;
      },
      this.options.settleTimeoutMs,
      500,
    );
    if (!settled) {
      this.notes['unsettled'] = this.tail.outstanding(this.feed.expected);
      this.ctx.log(
        `${this.options.scenario}: not settled within ${this.options.settleTimeoutMs / 1000} s; checking what is there (logs: ${this.logDir})`,
      );
    }
    for (const w of [...this.workers]) await this.stopWorker(w);
    const observations = await observe(this.kafka, this.ctx.stack.registryUrl, this.topics);
    const stats = this.retired
      .map((w) => w.stats)
      .filter((s): s is Record<string, number> => s !== undefined);
    if (stats.length > 0) {
      this.notes['rebalances'] = stats.reduce((n, s) => n + (s.rebalances ?? 0), 0);
      this.notes['aborted-commits'] = stats.reduce((n, s) => n + (s.abortedCommits ?? 0), 0);
    }
    if (this.feed.failedSends > 0) this.notes['failed-sends (resent)'] = this.feed.failedSends;
    return {
      scenario: this.options.scenario,
      tally: tally(this.feed, observations),
      faults: this.faults.length > 0 ? this.faults.join(', ') : 'none',
      peakRssBytes: Math.max(...this.retired.map((w) => w.peakRss)),
      durationMs: this.elapsed(),
      notes: this.notes,
    };
  }

  /** Stops everything the run started (also after a failure). */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop(5_000)));
    await this.model?.stop(5_000);
    await this.tail?.stop();
    await this.admin?.disconnect().catch(() => {});
  }

  /** A pause that scenarios use between injecting and healing a fault. */
  static hold(ms: number): Promise<void> {
    return sleep(ms);
  }
}
