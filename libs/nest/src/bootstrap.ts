import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { createLogger, type Logger } from '@junction/observability';
import { ConfigError, loadJunctionConfig, type JunctionConfig } from './config';
import { JunctionModule } from './junction.module';
import type { AnyPipeline } from './pipeline-host';

/** Nest's own log lines, into the service's JSON logger. */
function nestLogger(log: Logger): LoggerService {
  return {
    log: (message: unknown, context?: string) => log.debug({ context }, String(message)),
    error: (message: unknown, trace?: string, context?: string) =>
      log.error({ context, trace }, String(message)),
    warn: (message: unknown, context?: string) => log.warn({ context }, String(message)),
    debug: (message: unknown, context?: string) => log.debug({ context }, String(message)),
    verbose: (message: unknown, context?: string) => log.trace({ context }, String(message)),
  };
}

export interface ServiceOptions {
  name: string;
  pipelines: AnyPipeline[];
  config?: JunctionConfig;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Creates the Nest app hosting the pipelines and listens; SIGTERM/SIGINT stop it gracefully. */
export async function createService(
  options: ServiceOptions,
): Promise<{ app: INestApplication; url: string; logger: Logger }> {
  const config = options.config ?? loadJunctionConfig();
  const logger = createLogger(options.name, { level: config.logLevel });
  const app = await NestFactory.create(
    JunctionModule.forRoot({
      pipelines: options.pipelines,
      config,
      logger,
      ...(options.env ? { env: options.env } : {}),
    }),
    { logger: nestLogger(logger) },
  );
  app.enableShutdownHooks();
  await app.listen(config.httpPort, config.httpHost);
  const address = app.getHttpServer().address() as { port: number } | string;
  const port = typeof address === 'string' ? config.httpPort : address.port;
  const url = `http://${config.httpHost === '0.0.0.0' ? '127.0.0.1' : config.httpHost}:${port}`;
  logger.info({ url, pipelines: options.pipelines.map((p) => p.name) }, 'service ready');
  return { app, url, logger };
}

/** The one line a service's main.ts calls. A configuration error prints its message and exits 1. */
export async function runService(options: ServiceOptions): Promise<void> {
  try {
    await createService(options);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${options.name}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
