import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { createPipelineMetrics, type Logger, type PipelineMetrics } from '@junction/observability';
import { PipelineRunner, type RunnerHealth, type RunnerStats } from '@junction/pipeline';
import { JUNCTION_OPTIONS, type ResolvedJunctionOptions } from './junction-options';

/**
 * How long after the in-flight deadline (`shutdownTimeoutMs`) the host still waits for the runners
 * to commit and disconnect before it gives up on a clean stop and lets the process exit.
 */
export const STOP_GRACE_MS = 5_000;

type AnyRunner = PipelineRunner<unknown, unknown, unknown, unknown, unknown>;

/**
 * Creates one runner per pipeline, starts them all when the app boots and stops them all, at the same
 * time, before the app shuts down (on SIGTERM with `app.enableShutdownHooks()`, or on `app.close()`).
 */
@Injectable()
export class PipelineHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly runners: readonly AnyRunner[];
  /** The process's Prometheus registry and the pipelines' metrics, served on /metrics. */
  readonly metrics: PipelineMetrics;
  private readonly log: Logger;
  private readonly shutdownTimeoutMs: number;
  private started: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(@Inject(JUNCTION_OPTIONS) options: ResolvedJunctionOptions) {
    const { config, env, logger } = options;
    this.log = logger;
    this.shutdownTimeoutMs = config.shutdownTimeoutMs;
    this.metrics = createPipelineMetrics();
    this.runners = options.pipelines.map(
      (pipeline): AnyRunner =>
        new PipelineRunner(pipeline, {
          brokers: config.kafkaBrokers,
          schemaRegistryUrl: config.schemaRegistryUrl,
          shutdownTimeoutMs: config.shutdownTimeoutMs,
          logger,
          env,
          metrics: this.metrics,
        }),
    );
  }

  /** True from the moment a stop begins: the service should get no new traffic. */
  get stopping(): boolean {
    return this.stopped !== undefined;
  }

  /** The runner of a pipeline, by name. */
  runner(name: string): AnyRunner | undefined {
    return this.runners.find((r) => r.pipeline.name === name);
  }

  health(): Record<string, RunnerHealth> {
    return Object.fromEntries(this.runners.map((r) => [r.pipeline.name, r.health()]));
  }

  stats(): Record<string, RunnerStats> {
    return Object.fromEntries(this.runners.map((r) => [r.pipeline.name, { ...r.stats }]));
  }

  /** Starts every runner. If any fails to start, all are stopped again and the start fails. */
  onApplicationBootstrap(): Promise<void> {
    this.started ??= this.startAll();
    return this.started;
  }

  beforeApplicationShutdown(signal?: string): Promise<void> {
    return this.stop(signal ?? 'app closed');
  }

  /**
   * Stops every runner concurrently (each: stop fetching, finish in-flight records within
   * `shutdownTimeoutMs`, commit, leave the group) and logs their stats. Idempotent; a stop that
   * arrives while the runners are starting waits for the start to settle first.
   */
  stop(reason = 'stop requested'): Promise<void> {
    this.stopped ??= this.bounded(this.stopAll(reason, this.started));
    return this.stopped;
  }

  private async startAll(): Promise<void> {
    const names = this.runners.map((r) => r.pipeline.name);
    const results = await Promise.allSettled(this.runners.map((r) => r.start()));
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ pipeline: names[i], err: r.reason as unknown }] : [],
    );
    if (failures.length === 0) {
      this.log.info({ pipelines: names }, 'pipelines started');
      return;
    }
    for (const f of failures) this.log.error(f, 'pipeline failed to start');
    // A stop requested meanwhile is waiting for this start to settle and stops the runners itself.
    if (!this.stopped) {
      this.stopped = this.bounded(this.stopAll('a pipeline failed to start'));
      await this.stopped;
    }
    // the first failure is the cause; every failure was logged above
    throw new Error(`pipelines failed to start: ${failures.map((f) => f.pipeline).join(', ')}`, {
      cause: failures[0]!.err,
    });
  }

  private async stopAll(reason: string, starting?: Promise<void>): Promise<void> {
    await starting?.catch(() => {});
    const started = Date.now();
    this.log.info({ reason, pipelines: this.runners.map((r) => r.pipeline.name) }, 'stopping pipelines');
    const results = await Promise.allSettled(this.runners.map((r) => r.stop()));
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        this.log.error(
          { err: r.reason as unknown, pipeline: this.runners[i]?.pipeline.name },
          'pipeline stop failed',
        );
    });
    this.log.info({ stats: this.stats(), durationMs: Date.now() - started }, 'pipelines stopped');
  }

  /** Lets a stuck stop (a broker that never answers) hold up the process exit only so long. */
  private bounded(stopping: Promise<void>): Promise<void> {
    const limitMs = this.shutdownTimeoutMs + STOP_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log.error(
          { limitMs, stats: this.stats() },
          'pipelines did not stop in time; giving up on a clean stop',
        );
        resolve();
      }, limitMs);
      timer.unref();
    });
    return Promise.race([stopping, deadline]).finally(() => clearTimeout(timer));
  }
}
