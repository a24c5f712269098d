// /metrics of a running service after a short burst: the metric families a platform engineer
// dashboards and alerts on, with their labels.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { simulate } from '@junction/cli';
import { createKafka, ensureTopics } from '@junction/kafka';
import { startModelServer, type ModelServer } from '@junction/model-server';
import { createService, loadJunctionConfig } from '@junction/nest';
import { definePipeline } from '@junction/pipeline';
import { eventually, testStack, uniqueSuffix } from '@junction/testing';
import { leadScoring } from '../../services/lead-scoring/src/lead-scoring.pipeline';

let model: ModelServer;
let service: Awaited<ReturnType<typeof createService>>;

beforeAll(async () => {
  model = await startModelServer({ port: 0 });
});
afterAll(async () => {
  await service?.app.close();
  await model.close();
});

it('exposes records, outcomes, latency, lag, in-flight, circuit, quality and model-output families', async () => {
  const sfx = uniqueSuffix();
  const pipeline = definePipeline({
    ...leadScoring,
    name: `lead-scoring-${sfx}`,
    source: { ...leadScoring.source, topic: `${leadScoring.source.topic}.${sfx}` },
    outputs: {
      output: { ...leadScoring.outputs.output, topic: `${leadScoring.outputs.output.topic}.${sfx}` },
      review: { ...leadScoring.outputs.review!, topic: `${leadScoring.outputs.review!.topic}.${sfx}` },
    },
  });
  await ensureTopics(createKafka({ brokers: testStack().brokers }), [
    { topic: pipeline.source.topic, partitions: 3 },
  ]);
  const config = loadJunctionConfig({
    KAFKA_BROKERS: testStack().brokers.join(','),
    SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  service = await createService({
    name: 'metrics-test',
    pipelines: [pipeline],
    config,
    env: { MODEL_SERVER_URL: model.url },
  });
  await simulate({
    systems: ['crm'],
    brokers: testStack().brokers,
    registryUrl: testStack().schemaRegistryUrl,
    rate: 1_000,
    count: 120,
    badShare: 0.2,
    seed: 77,
    topics: { crm: pipeline.source.topic },
  });
  const scrape = async () => (await fetch(`${service.url}/metrics`)).text();
  await eventually(
    async () => /junction_records_out_total\{[^}]*outcome="dlq"[^}]*\} \d+/.test(await scrape()),
    'records finished',
    30_000,
  );
  await eventually(async () => {
    const m = /junction_records_in_total\{pipeline="[^"]+",topic="[^"]+"\} (\d+)/.exec(await scrape());
    return Number(m?.[1]) >= 120;
  }, 'all records counted');

  const text = await scrape();
  const name = pipeline.name;
  expect(text).toMatch(
    new RegExp(`junction_records_in_total\\{pipeline="${name}",topic="${pipeline.source.topic}"\\} \\d+`),
  );
  expect(text).toMatch(
    new RegExp(`junction_records_out_total\\{pipeline="${name}",outcome="output"\\} \\d+`),
  );
  expect(text).toMatch(
    new RegExp(`junction_end_to_end_latency_seconds_bucket\\{le="[0-9.]+",pipeline="${name}"\\}`),
  );
  expect(text).toMatch(
    new RegExp(
      `junction_call_duration_seconds_count\\{pipeline="${name}",endpoint="lead-conversion",outcome="ok"\\} \\d+`,
    ),
  );
  expect(text).toMatch(
    new RegExp(
      `junction_consumer_lag_records\\{pipeline="${name}",topic="${pipeline.source.topic}",partition="\\d+"\\}`,
    ),
  );
  expect(text).toMatch(new RegExp(`junction_records_in_flight\\{pipeline="${name}"\\} \\d+`));
  // once the burst is through, every record is committed: nothing in a call, nothing buffered
  await eventually(
    async () => new RegExp(`junction_records_buffered\\{pipeline="${name}"\\} 0\n`).test(await scrape()),
    'nothing buffered',
    30_000,
  );
  expect(await scrape()).toMatch(new RegExp(`junction_records_in_flight\\{pipeline="${name}"\\} 0\n`));
  expect(text).toMatch(
    new RegExp(`junction_circuit_state\\{pipeline="${name}",endpoint="lead-conversion"\\} 0`),
  );
  expect(text).toMatch(
    new RegExp(
      `junction_quality_failures_total\\{pipeline="${name}",source="${pipeline.source.topic}",rule="range",field="company.employees"\\} \\d+`,
    ),
  );
  expect(text).toMatch(
    new RegExp(
      `junction_model_score_bucket\\{le="0.5",pipeline="${name}",model="lead-conversion",version="1"\\}`,
    ),
  );
  expect(text).toMatch(
    new RegExp(
      `junction_model_class_total\\{pipeline="${name}",model="lead-conversion",version="1",class="(HOT|WARM|COLD)"\\} \\d+`,
    ),
  );
  expect(text).toMatch(/junction_process_resident_memory_bytes \d+/);
}, 90_000);
