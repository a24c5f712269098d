import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Module, type DynamicModule, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { initTracing, createLogger, type Logger } from '@junction/observability';
import type { PipelineEnv } from '@junction/pipeline';
import { ConfigError, loadJunctionConfig, type JunctionConfig } from './config';
import type { AnyPipeline } from './junction-options';
import { JunctionModule } from './junction.module';
import { PinoNestLogger } from './nest-logger';
import { PipelineHost } from './pipeline-host';

/** Anything a Nest module may import: a module class, a dynamic module, a forward reference. */
export type ServiceModuleImport = NonNullable<ModuleMetadata['imports']>[number];

export interface ServiceOptions {
  /** The service's name in logs (unless `SERVICE_NAME` is set). */
  name: string;
  pipelines: readonly AnyPipeline[];
  /**
   * The service's own Nest module (controllers, providers), if it has one. It can inject
   * `PipelineHost`, `JUNCTION_CONFIG` and `JUNCTION_LOGGER`.
   */
  module?: ServiceModuleImport;
  /** Default: `loadJunctionConfig(env)`. */
  config?: JunctionConfig;
  /** Read for the configuration and by the pipelines' call factories. Default: process.env. */
  env?: PipelineEnv;
  /** Default: a JSON logger named after the service at `config.logLevel`. */
  logger?: Logger;
  /** SIGTERM and SIGINT stop the pipelines gracefully, then the process exits 0. Default true. */
  shutdownHooks?: boolean;
}

export interface RunningService {
  app: INestApplication;
  /** Where the HTTP server answers, e.g. `http://127.0.0.1:3000`. */
  url: string;
  config: JunctionConfig;
  logger: Logger;
  host: PipelineHost;
}

@Module({})
class JunctionServiceModule {}

/**
 * Creates the Nest app hosting the pipelines, starts them and listens. Throws on a bad configuration
 * (`ConfigError`) or when a pipeline fails to start (the others are stopped again first).
 */
export async function createService(options: ServiceOptions): Promise<RunningService> {
  const env = options.env ?? process.env;
  const loaded = options.config ?? loadJunctionConfig(env);
  const config: JunctionConfig = { ...loaded, serviceName: loaded.serviceName ?? options.name };
  const logger = options.logger ?? createLogger(config.serviceName!, { level: config.logLevel });
  const nestLogger = new PinoNestLogger(logger);

  const root: DynamicModule = {
    module: JunctionServiceModule,
    imports: [
      JunctionModule.forRoot({ pipelines: options.pipelines, config, env, logger }),
      ...(options.module ? [options.module] : []),
    ],
  };
  // abortOnError: false — a failure while building the app is thrown to the caller instead of Nest
  // calling process.exit itself.
  const app = await NestFactory.create(root, { logger: nestLogger, bufferLogs: true, abortOnError: false });
  app.useLogger(nestLogger); // also flushes what Nest buffered while building the app
  if (options.shutdownHooks !== false) {
    // Only the signals an orchestrator or a terminal sends; Nest's default list includes SIGSEGV & co.
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  }
  try {
    await app.listen(config.httpPort, config.httpHost);
  } catch (err) {
    await app.close().catch(() => {});
    throw err;
  }

  const address = app.getHttpServer().address() as AddressInfo | string | null;
  const port = address !== null && typeof address === 'object' ? address.port : config.httpPort;
  const url = `http://${displayHost(config.httpHost)}:${port}`;
  logger.info(
    { url, listen: `${config.httpHost}:${port}`, pipelines: options.pipelines.map((p) => p.name) },
    'service listening',
  );
  return { app, url, config, logger, host: app.get(PipelineHost) };
}

/**
 * The one line a service's `main.ts` calls:
 *
 * ```ts
 * await runService({ name: 'lead-scoring', pipelines: [leadScoring] });
 * ```
 *
 * A bad configuration prints every problem to stderr, without a stack trace, and exits 1; any other
 * start-up failure is logged (fatal) and exits 1. SIGTERM/SIGINT stop the pipelines gracefully.
 */
export async function runService(options: ServiceOptions): Promise<RunningService> {
  let config: JunctionConfig;
  try {
    config = options.config ?? loadJunctionConfig(options.env ?? process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${options.name}: ${err.message}\n`);
    return process.exit(1);
  }
  // traces go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set; otherwise tracing is off and costs nothing
  const tracing = initTracing({
    serviceName: config.serviceName ?? options.name,
    env: options.env ?? process.env,
  });
  process.once('beforeExit', () => void tracing.shutdown());
  const logger =
    options.logger ?? createLogger(config.serviceName ?? options.name, { level: config.logLevel });
  try {
    return await createService({ ...options, config, logger });
  } catch (err) {
    logger.fatal({ err }, 'service failed to start');
    return process.exit(1);
  }
}

function displayHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
