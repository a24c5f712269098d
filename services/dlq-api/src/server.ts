import 'reflect-metadata';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { DeadLetters } from '@junction/dlq';
import { createKafka } from '@junction/kafka';
import type { INestApplication } from '@nestjs/common';
import { ApiKeyGuard, Public } from './api-key.guard';
import { AuditLog } from './audit-log';
import type { DlqApiConfig } from './config';
import { AuditController, DlqController } from './dlq.controller';
import { OPENAPI } from './openapi';
import { DLQ_API_CONFIG } from './tokens';

@Controller()
class OpenApiController {
  @Get('openapi.json')
  @Public()
  doc() {
    return OPENAPI;
  }
}

@Module({})
class DlqApiModule {
  static with(config: DlqApiConfig, audit: AuditLog, dlq: DeadLetters): DynamicModule {
    return {
      module: DlqApiModule,
      imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: config.rateLimitPerMinute }])],
      controllers: [DlqController, AuditController, OpenApiController],
      providers: [
        { provide: DLQ_API_CONFIG, useValue: config },
        { provide: AuditLog, useValue: audit },
        { provide: DeadLetters, useValue: dlq },
        // rate limit first, so unauthenticated floods are limited too
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}

export interface DlqApi {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

export async function startDlqApi(config: DlqApiConfig): Promise<DlqApi> {
  const kafka = createKafka({ brokers: config.brokers, clientId: 'junction-dlq-api' });
  const audit = new AuditLog(kafka, config.auditTopic);
  await audit.start();
  const dlq = new DeadLetters({
    brokers: config.brokers,
    registryUrl: config.registryUrl,
    clientId: 'junction-dlq-api',
  });
  const app = await NestFactory.create(DlqApiModule.with(config, audit, dlq), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    close: async () => {
      await app.close();
      await audit.stop();
    },
  };
}
