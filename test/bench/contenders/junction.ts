// Junction: the real lead-scoring pipeline definition on the bench topics, run by PipelineRunner.
// BENCH_TRACING=1 turns OpenTelemetry on, exporting to a dummy OTLP/HTTP sink in this process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, createPipelineMetrics, initTracing, type PipelineMetrics } from '@junction/observability';
import { definePipeline, PipelineRunner } from '@junction/pipeline';
import { leadScoring } from '../../../services/lead-scoring/src/lead-scoring.pipeline';
import { benchEnv, firstConsume, onStop, signal } from './common';

const env = benchEnv();
let spansBytes = 0;
let tracing: { shutdown(): Promise<void> } = { shutdown: async () => {} };
let sink: ReturnType<typeof createServer> | undefined;
if (process.env.BENCH_TRACING === '1') {
  sink = createServer((req, res) => {
    req.on('data', (c: Buffer) => (spansBytes += c.length));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => sink!.listen(0, '127.0.0.1', r));
  const { port } = sink.address() as AddressInfo;
  tracing = initTracing({
    serviceName: 'bench-junction',
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
  });
}

const name = env.group.replace(/^junction\./, '');
const pipeline = definePipeline({
  ...leadScoring,
  name,
  source: { ...leadScoring.source, topic: env.source },
  outputs: {
    output: { ...leadScoring.outputs.output, topic: env.output },
    review: { ...leadScoring.outputs.review!, topic: `${env.output}.review` },
  },
});
// BENCH_INSTRUMENTATION=none: the baseline for "cheap when off": every metric is a no-op (and tracing
// is off), as if the pipeline had been built without instrumentation.
const real = createPipelineMetrics(undefined, { defaultMetrics: false });
const metrics: PipelineMetrics =
  process.env.BENCH_INSTRUMENTATION === 'none' ? withoutInstrumentation(real) : real;

function withoutInstrumentation(m: PipelineMetrics): PipelineMetrics {
  const noop = { inc() {}, observe() {}, set() {}, labels: () => noop };
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, k === 'registry' || typeof v === 'function' ? v : noop]),
  ) as unknown as PipelineMetrics;
}
const runner = new PipelineRunner(pipeline, {
  metrics,
  brokers: env.brokers,
  schemaRegistryUrl: env.registryUrl,
  env: { MODEL_SERVER_URL: env.modelUrl },
  clientId: 'bench-junction',
  logger: createLogger(name, { level: process.env.LOG_LEVEL ?? 'warn' }),
});
await runner.start();
const poll = setInterval(() => {
  if (runner.stats.consumed > 0) {
    firstConsume();
    clearInterval(poll);
  }
}, 2);
signal('started');
/** Committed transactions: how many, their mean duration and size (from the pipeline's own histograms). */
async function transactionFigures(): Promise<Record<string, number>> {
  const sumCount = async (name: string) => {
    const values = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
    const pick = (suffix: string) =>
      values.find((v) => (v as { metricName?: string }).metricName === `${name}_${suffix}`)?.value ?? 0;
    return { sum: pick('sum'), count: pick('count') };
  };
  const t = await sumCount('junction_transaction_duration_seconds');
  const r = await sumCount('junction_transaction_records');
  return {
    transactions: t.count,
    meanMs: t.count ? Math.round((t.sum / t.count) * 1000) : 0,
    meanRecords: r.count ? Math.round(r.sum / r.count) : 0,
  };
}

onStop(async () => {
  await runner.stop();
  await tracing.shutdown();
  signal('stats', { ...runner.stats, otlpBytes: spansBytes });
  signal('tx', await transactionFigures());
  sink?.close();
});
