// The Nest wiring without Kafka: a service with no pipelines (so no runners), a stand-in registry,
// and a service module of its own that injects what JunctionModule provides.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type JunctionConfig } from './config';
import { createService, type RunningService } from './bootstrap';
import { JUNCTION_CONFIG } from './junction-options';
import { JunctionModule } from './junction.module';
import { PipelineHost } from './pipeline-host';
import type { ReadinessReport } from './readiness';
import { fakePipeline } from './test-fixtures/fake-pipeline';

describe('JunctionModule.forRoot', () => {
  it('refuses two pipelines with one name (they would share a consumer group)', () => {
    const p = fakePipeline({ name: 'twice', topic: 'test.twice.v1' });
    expect(() =>
      JunctionModule.forRoot({
        pipelines: [p, fakePipeline({ name: 'once', topic: 'x' }), p],
        config: config('http://r'),
      }),
    ).toThrow('JunctionModule: pipeline names must be unique; repeated: twice');
  });

  it('reads the configuration from env when none is given, failing with every problem', () => {
    expect(() => JunctionModule.forRoot({ pipelines: [], env: { PORT: 'http' } })).toThrow(ConfigError);
    expect(() => JunctionModule.forRoot({ pipelines: [], env: { PORT: 'http' } })).toThrow(
      /KAFKA_BROKERS: missing[^]*SCHEMA_REGISTRY_URL: missing[^]*PORT: expected a TCP port/,
    );
  });
});

@Controller('extra')
class ExtraController {
  constructor(
    @Inject(PipelineHost) private readonly host: PipelineHost,
    @Inject(JUNCTION_CONFIG) private readonly config: JunctionConfig,
  ) {}

  @Get()
  get(): { pipelines: number; service: string | undefined } {
    return { pipelines: this.host.runners.length, service: this.config.serviceName };
  }
}

@Module({ controllers: [ExtraController] })
class ExtraModule {}

function config(schemaRegistryUrl: string): JunctionConfig {
  return {
    kafkaBrokers: ['127.0.0.1:1'],
    kafka: { brokers: ['127.0.0.1:1'], securityProtocol: 'PLAINTEXT' },
    schemaRegistryUrl,
    httpPort: 0,
    httpHost: '127.0.0.1',
    logLevel: 'warn',
    shutdownTimeoutMs: 1_000,
  };
}

describe('a service without pipelines', () => {
  let registryStatus = 200;
  let registry: Server;
  let service: RunningService;

  beforeAll(async () => {
    registry = createServer((_req, res) => res.writeHead(registryStatus).end('[]'));
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    const registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
    service = await createService({
      name: 'wiring-test',
      pipelines: [],
      config: config(registryUrl),
      module: ExtraModule,
      shutdownHooks: false,
    });
  });

  afterAll(async () => {
    await service?.app.close();
    registry.closeAllConnections();
    await new Promise((r) => registry.close(r));
  });

  it('listens on the port it was given (0: any free one) and answers /health/live', async () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${service.url}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /health/ready from the registry check alone', async () => {
    registryStatus = 200;
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(((await ready.json()) as ReadinessReport).status).toBe('ready');

    registryStatus = 500;
    const notReady = await fetch(`${service.url}/health/ready`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as ReadinessReport;
    expect(body.status).toBe('not-ready');
    expect(body.checks.registry).toMatchObject({ ok: false, status: 500, reason: 'HTTP 500' });
  });

  it('answers /stats with no pipelines', async () => {
    expect(await (await fetch(`${service.url}/stats`)).json()).toEqual({});
  });

  it("serves the service's own module, which can inject the host and the configuration", async () => {
    const res = await fetch(`${service.url}/extra`);
    expect(await res.json()).toEqual({ pipelines: 0, service: 'wiring-test' });
    expect(service.host).toBe(service.app.get(PipelineHost));
  });
});
