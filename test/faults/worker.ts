// The service under test, as an OS process the suite can kill: the real lead-scoring pipeline
// definition (services/lead-scoring) re-targeted onto a scenario's own topics, run by PipelineRunner.
// env: FAULT_PIPELINE, FAULT_SOURCE, FAULT_OUTPUT, FAULT_REVIEW, FAULT_SESSION_TIMEOUT_MS,
//      KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MODEL_SERVER_URL, LOG_LEVEL
import { createLogger } from '@junction/observability';
import { definePipeline, PipelineRunner } from '@junction/pipeline';
import { leadScoring } from '../../services/lead-scoring/src/lead-scoring.pipeline';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const name = env('FAULT_PIPELINE');
const pipeline = definePipeline({
  ...leadScoring,
  name,
  source: { ...leadScoring.source, topic: env('FAULT_SOURCE') },
  outputs: {
    output: { ...leadScoring.outputs.output, topic: env('FAULT_OUTPUT') },
    review: { ...leadScoring.outputs.review!, topic: env('FAULT_REVIEW') },
  },
});
const runner = new PipelineRunner(pipeline, {
  brokers: env('KAFKA_BROKERS').split(','),
  schemaRegistryUrl: env('SCHEMA_REGISTRY_URL'),
  env: process.env,
  // killed members should hand their partitions over in seconds, not the default 30
  sessionTimeoutMs: Number(process.env.FAULT_SESSION_TIMEOUT_MS ?? 6_000),
  logger: createLogger(name, { level: process.env.LOG_LEVEL ?? 'warn' }),
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void runner.stop().then(() => {
    process.stdout.write(`${JSON.stringify({ stats: runner.stats })}\n`);
    process.exit(0);
  });
});
await runner.start();
process.stdout.write('started\n');
