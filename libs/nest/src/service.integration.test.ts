// A Nest app hosting a pipeline on the real stack: health endpoints follow the pipeline's state, and
// closing the app stops the pipeline. The model client is a stand-in: this test is about hosting.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Caller, CircuitState } from '@junction/calls';
import { createKafka, ensureTopics } from '@junction/kafka';
import { definePipeline } from '@junction/pipeline';
import { eventually, testStack, uniqueSuffix, uniqueTopic } from '@junction/testing';
import { createService } from './bootstrap';
import { loadJunctionConfig } from './config';

const Event = {
  type: 'record',
  name: 'HostEvent',
  namespace: 'junction.test',
  fields: [{ name: 'id', type: 'string' }],
} as const;

let circuit: CircuitState = 'closed';
const fakeCaller: Caller<{ id: string }, { ok: boolean }> = {
  endpoint: 'fake',
  call: async () => ({ output: { ok: true } }),
  circuitState: () => circuit,
  onCircuitChange: () => () => {},
  close: async () => {},
};

let service: Awaited<ReturnType<typeof createService>>;

beforeAll(async () => {
  const topic = uniqueTopic('test.host.event.v1');
  await ensureTopics(createKafka({ brokers: testStack().brokers }), [{ topic, partitions: 2 }]);
  const pipeline = definePipeline<{ id: string }, { id: string }, { ok: boolean }, { id: string }>({
    name: `host-${uniqueSuffix()}`,
    source: { topic, schema: Event },
    key: (e) => e.id,
    idempotencyKey: (e) => e.id,
    call: () => fakeCaller,
    request: (e) => e,
    result: (e) => ({ id: e.id }),
    outputs: { output: { topic: `${topic}.out`, schema: Event } },
  });
  const config = loadJunctionConfig({
    KAFKA_BROKERS: testStack().brokers.join(','),
    SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  service = await createService({ name: 'host-test', pipelines: [pipeline], config });
});

afterAll(async () => {
  await service?.app.close();
});

it('answers /health/live, and /health/ready follows the pipeline and its circuit', async () => {
  const live = await fetch(`${service.url}/health/live`);
  expect(live.status).toBe(200);
  expect(await live.json()).toEqual({ status: 'ok' });

  await eventually(async () => (await fetch(`${service.url}/health/ready`)).status === 200, 'service ready');
  const ready = (await (await fetch(`${service.url}/health/ready`)).json()) as {
    status: string;
    checks: {
      registry: { up: boolean };
      pipelines: Record<string, { running: boolean; kafkaConnected: boolean }>;
    };
  };
  expect(ready.status).toBe('ready');
  expect(ready.checks.registry.up).toBe(true);
  expect(Object.values(ready.checks.pipelines)).toEqual([
    expect.objectContaining({ running: true, kafkaConnected: true }),
  ]);

  circuit = 'open';
  const notReady = await fetch(`${service.url}/health/ready`);
  expect(notReady.status).toBe(503);
  const body = (await notReady.json()) as { status: string; problems: string[] };
  expect(body.status).toBe('not-ready');
  expect(body.problems).toEqual([expect.stringMatching(/model circuit open/)]);
  circuit = 'closed';

  const [runner] = service.app.get(await import('./pipeline-host').then((m) => m.PipelineHost)).runners;
  await service.app.close();
  expect(runner!.health().running).toBe(false);
});
