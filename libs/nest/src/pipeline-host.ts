import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@junction/observability';
import { PipelineRunner, type Pipeline, type RunnerHealth } from '@junction/pipeline';
import type { JunctionConfig } from './config';

// A host runs pipelines of different event and result types side by side; their type parameters
// do not matter here, only their lifecycle.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPipeline = Pipeline<any, any, any, any, any>;

export const JUNCTION_OPTIONS = Symbol('JUNCTION_OPTIONS');

export interface JunctionModuleOptions {
  pipelines: AnyPipeline[];
  config: JunctionConfig;
  logger: Logger;
  /** Read by the pipelines' call factories (endpoint URLs, keys); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Creates one runner per pipeline, starts them with the app and stops them gracefully before it exits. */
@Injectable()
export class PipelineHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly runners: PipelineRunner<unknown, unknown, unknown, unknown, unknown>[];

  constructor(@Inject(JUNCTION_OPTIONS) private readonly options: JunctionModuleOptions) {
    this.runners = options.pipelines.map(
      (p) =>
        new PipelineRunner(p, {
          brokers: options.config.kafkaBrokers,
          schemaRegistryUrl: options.config.schemaRegistryUrl,
          shutdownTimeoutMs: options.config.shutdownTimeoutMs,
          logger: options.logger,
          ...(options.env ? { env: options.env } : {}),
        }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.start()));
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.options.logger.info({ signal }, 'stopping pipelines');
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  health(): Record<string, RunnerHealth> {
    return Object.fromEntries(this.runners.map((r) => [r.pipeline.name, r.health()]));
  }
}
