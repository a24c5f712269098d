import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AdminController } from './admin.controller';
import { faultsFromEnv, type Faults } from './faults';
import { MODEL_HOST, ModelHost } from './model-host';
import { OipController } from './oip.controller';

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
  url: string;
  host: ModelHost;
  close(): Promise<void>;
}

/** Trains the models and serves them. `port: 0` picks a free port. */
export async function startModelServer(
  options: { port?: number; host?: string; faults?: Partial<Faults> } = {},
): Promise<ModelServer> {
  const host = new ModelHost({ ...faultsFromEnv(), ...options.faults });
  const app = await NestFactory.create<NestExpressApplication>(ModelServerModule.with(host), {
    logger: ['error', 'warn'],
  });
  app.useBodyParser('json', { limit: '16mb' });
  app.enableShutdownHooks();
  await app.listen(options.port ?? 8000, options.host ?? '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    host,
    close: async () => {
      app.getHttpServer().closeAllConnections?.();
      await app.close();
    },
  };
}
