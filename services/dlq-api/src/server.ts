import 'reflect-metadata';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { DeadLetters } from '@junction/dlq';
import { createKafka } from '@junction/kafka';
import type { INestApplication } from '@nestjs/common';
import { ApiKeyGuard, Public } from './api-key.guard';
import { AuditLog } from './audit-log';
import type { DlqApiConfig } from './config';
import { AuditController, DlqController } from './dlq.controller';
import { OPENAPI } from './openapi';
import { DLQ_API_CONFIG } from './tokens';

/** Request bodies are replay requests (a filter and a few numbers): anything larger is refused with 413. */
export const BODY_LIMIT = '16kb';

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
  const app = await NestFactory.create(DlqApiModule.with(config, audit, dlq), {
    logger: ['error', 'warn'],
    bodyParser: false,
  });
  // Security headers (no sniffing, no framing, no referrer, HSTS behind TLS) and bounded bodies.
  app.use(helmet());
  app.use(json({ limit: BODY_LIMIT }));
  app.use(urlencoded({ extended: false, limit: BODY_LIMIT }));
  // Oversized or malformed bodies are the client's error: answered here, not logged as a server error.
  app.use(
    (
      err: { status?: number; type?: string } | undefined,
      _req: Request,
      res: Response,
      next: NextFunction,
    ) => {
      if (err?.type === 'entity.too.large')
        return void res
          .status(413)
          .json({ statusCode: 413, message: `request body larger than ${BODY_LIMIT}` });
      if (err?.type === 'entity.parse.failed')
        return void res.status(400).json({ statusCode: 400, message: 'request body is not valid JSON' });
      next(err);
    },
  );
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
