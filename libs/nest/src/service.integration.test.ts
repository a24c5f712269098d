// A Nest app hosting a pipeline on the real stack, over its real HTTP server: the health endpoints
// follow the pipeline and its circuit, and closing the app stops the pipeline. The model client is a
// stand-in: this test is about hosting, not the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics } from '@junction/kafka';
import { eventually, testStack, uniqueSuffix, uniqueTopic } from '@junction/testing';
import { createService, type RunningService } from './bootstrap';
import { loadJunctionConfig } from './config';
import type { ReadinessReport } from './readiness';
import { FakeCaller, fakePipeline } from './test-fixtures/fake-pipeline';

const caller = new FakeCaller();
const name = `host-${uniqueSuffix()}`;
let service: RunningService;

async function readiness(): Promise<{ status: number; body: ReadinessReport }> {
  const res = await fetch(`${service.url}/health/ready`);
  return { status: res.status, body: (await res.json()) as ReadinessReport };
}

beforeAll(async () => {
  const topic = uniqueTopic('test.host.event.v1');
  await ensureTopics(createKafka({ brokers: testStack().brokers }), [{ topic, partitions: 2 }]);
  const config = loadJunctionConfig({
    KAFKA_BROKERS: testStack().brokers.join(','),
    SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error', // the circuit changes below are logged as warnings
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  service = await createService({
    name: 'host-test',
    pipelines: [fakePipeline({ name, topic, caller })],
    config,
  });
});

afterAll(async () => {
  await service?.app.close();
});

describe('a service hosting a pipeline', () => {
  it('answers /health/live', async () => {
    const live = await fetch(`${service.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('is ready once the pipeline runs with Kafka connected and the registry answers', async () => {
    await eventually(async () => (await readiness()).status === 200, 'ready');
    // the group join hands the pipeline its partitions (2 source + 2 retry)
    await eventually(
      async () => (await readiness()).body.checks.pipelines[name]?.assignedPartitions.length === 4,
      'partitions assigned',
    );
    const { status, body } = await readiness();
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.kafka).toEqual({ ok: true, brokers: testStack().brokers });
    expect(body.checks.registry).toMatchObject({ ok: true, status: 200 });
    expect(body.checks.pipelines).toEqual({
      [name]: {
        running: true,
        kafkaConnected: true,
        assignedPartitions: expect.arrayContaining([
          expect.stringMatching(/^test\.host\.event\.v1\..*:[01]$/),
        ]),
        inFlight: 0,
        circuit: 'closed',
        ok: true,
      },
    });
  });

  it('is not ready while the circuit is open, and the body says why', async () => {
    caller.setCircuit('open');
    const { status, body } = await readiness();
    expect(status).toBe(503);
    expect(body.status).toBe('not-ready');
    expect(body.checks.kafka.ok).toBe(true);
    expect(body.checks.registry.ok).toBe(true);
    expect(body.checks.pipelines[name]).toMatchObject({
      running: true,
      circuit: 'open',
      ok: false,
      reason: 'circuit open: calls fail fast until it closes',
    });

    caller.setCircuit('closed');
    expect((await readiness()).status).toBe(200);
  });

  it("answers /stats with the pipeline's counters", async () => {
    const res = await fetch(`${service.url}/stats`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      [name]: expect.objectContaining({ consumed: 0, output: 0, deadLettered: 0, inFlight: 0 }),
    });
  });

  it('stops the pipeline when the app closes', async () => {
    const runner = service.host.runner(name)!;
    expect(runner.health().running).toBe(true);
    await service.app.close();
    expect(service.host.stopping).toBe(true);
    expect(runner.health()).toMatchObject({ running: false, kafkaConnected: false });
    await expect(fetch(`${service.url}/health/live`)).rejects.toThrow();
  });
});

describe('a service whose pipeline cannot start', () => {
  it('fails to start, naming the pipeline, after stopping the pipelines that did start', async () => {
    const topic = uniqueTopic('test.host.healthy.v1');
    const brokenTopic = uniqueTopic('test.host.broken.v1');
    await ensureTopics(createKafka({ brokers: testStack().brokers }), [
      { topic, partitions: 1 },
      { topic: brokenTopic, partitions: 1 },
    ]);
    const healthy = new FakeCaller();
    const broken = `broken-${uniqueSuffix()}`;
    const starting = createService({
      name: 'broken-test',
      pipelines: [
        fakePipeline({ name: `healthy-${uniqueSuffix()}`, topic, caller: healthy }),
        fakePipeline({
          name: broken,
          topic: brokenTopic,
          call: () => {
            throw new Error('MODEL_URL is not set');
          },
        }),
      ],
      config: loadJunctionConfig({
        KAFKA_BROKERS: testStack().brokers.join(','),
        SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'fatal',
      }),
      shutdownHooks: false,
    });
    const err = await starting.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toBe(`pipelines failed to start: ${broken}`);
    expect((err?.cause as Error | undefined)?.message).toBe('MODEL_URL is not set');
    // the healthy pipeline started and was stopped again: its caller is closed
    expect(healthy.closed).toBe(true);
  });
});
