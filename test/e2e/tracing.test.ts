// One trace for one event, with an in-memory exporter: the simulator's publish, the pipeline's
// process (decode, call), the model server's infer, and the result's publish, linked parent to child.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { simulate } from '@junction/cli';
import { createKafka, ensureTopics } from '@junction/kafka';
import { startModelServer, type ModelServer } from '@junction/model-server';
import { initTracing, type Tracing } from '@junction/observability';
import { definePipeline, PipelineRunner } from '@junction/pipeline';
import { eventually, testStack, uniqueSuffix } from '@junction/testing';
import { leadScoring } from '../../services/lead-scoring/src/lead-scoring.pipeline';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let model: ModelServer;

beforeAll(async () => {
  tracing = initTracing({ serviceName: 'e2e', exporter });
  model = await startModelServer({ port: 0 });
});
afterAll(async () => {
  await model.close();
  await tracing.shutdown();
});

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

it('links producer → consume → decode → call → model server → produce in one trace', async () => {
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
    { topic: pipeline.source.topic, partitions: 1 },
  ]);
  const runner = new PipelineRunner(pipeline, {
    brokers: testStack().brokers,
    schemaRegistryUrl: testStack().schemaRegistryUrl,
    env: { MODEL_SERVER_URL: model.url },
  });
  await runner.start();
  try {
    await simulate({
      systems: ['crm'],
      brokers: testStack().brokers,
      registryUrl: testStack().schemaRegistryUrl,
      rate: 10,
      count: 1,
      badShare: 0,
      seed: 9,
      topics: { crm: pipeline.source.topic },
    });
    await eventually(() => runner.stats.output + runner.stats.review === 1, 'the event processed');
  } finally {
    await runner.stop();
  }

  const spans = exporter.getFinishedSpans();
  const publish = spans.find((s) => s.name === `${pipeline.source.topic} publish`)!;
  expect(publish, 'simulator publish span').toBeDefined();
  const traceId = publish.spanContext().traceId;
  const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
  const process = inTrace.find((s) => s.name === `${pipeline.source.topic} process`)!;
  const decode = inTrace.find((s) => s.name === 'decode')!;
  const call = inTrace.find((s) => s.name === 'call lead-conversion')!;
  const infer = inTrace.find((s) => s.name === 'infer lead-conversion')!;
  const produce = inTrace.find((s) => s.name.endsWith('publish') && s !== publish)!;

  expect(parentOf(process)).toBe(publish.spanContext().spanId);
  expect(process.attributes['messaging.destination.name']).toBe(pipeline.source.topic);
  expect(process.attributes['messaging.system']).toBe('kafka');
  expect(parentOf(decode)).toBe(process.spanContext().spanId);
  expect(parentOf(call)).toBe(process.spanContext().spanId);
  expect(parentOf(infer)).toBe(call.spanContext().spanId);
  expect(infer.attributes['junction.batch_size']).toBe(1);
  expect(parentOf(produce)).toBe(process.spanContext().spanId);
  expect(
    [pipeline.outputs.output.topic, pipeline.outputs.review!.topic].map((t) => `${t} publish`),
  ).toContain(produce.name);
}, 60_000);
