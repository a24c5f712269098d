import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';
import { AdminController } from './admin.controller';
import { faultsFromEnv, type Faults } from './faults';
import { bodyErrorHandler, JsonErrorFilter } from './json-error.filter';
import { MODEL_HOST, ModelHost } from './model-host';
import { OipController } from './oip.controller';

/** Request bodies up to this size are read (a batch of 64 tickets is about 50 KB). */
export const BODY_LIMIT = '8mb';

@Module({})
class ModelServerModule {
  static with(host: ModelHost): DynamicModule {
    return {
      module: ModelServerModule,
      controllers: [OipController, AdminController],
      providers: [{ provide: MODEL_HOST, useValue: host }],
    };
  }
}

export interface ModelServer {
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** The models, fault knobs, latency figures and idempotency store (tests read and change them). */
  host: ModelHost;
  close(): Promise<void>;
}

export interface ModelServerOptions {
  /** TCP port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Fault knobs; default from MODEL_LATENCY_MS, MODEL_ERROR_RATE, MODEL_TIMEOUT_RATE, MODEL_DOWN (all off). */
  faults?: Partial<Faults>;
}

/** Trains the models (once per process) and serves them over OIP v2. */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const host = new ModelHost({ ...faultsFromEnv(), ...options.faults });
  const app = await NestFactory.create<NestExpressApplication>(ModelServerModule.with(host), {
    logger: ['error', 'warn'],
    bodyParser: false,
  });
  // body errors (not JSON, too large) answered here, before Nest turns them into a bare 400
  app.use(json({ limit: BODY_LIMIT }));
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) =>
    bodyErrorHandler(err, res, next),
  );
  app.useGlobalFilters(new JsonErrorFilter());
  app.disable('x-powered-by');
  const address = options.host ?? '127.0.0.1';
  await app.listen(options.port ?? 8000, address);
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    host,
    close: async () => {
      // requests held open by the timeout knob would otherwise keep close() waiting
      app.getHttpServer().closeAllConnections?.();
      await app.close();
    },
  };
}
