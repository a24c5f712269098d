// A pipeline as its own OS process, so the acceptance test can kill -9 it.
// env: WORKER_PIPELINE, WORKER_TOPIC, WORKER_MODEL_URL, KAFKA_BROKERS, SCHEMA_REGISTRY_URL
import { PipelineRunner } from '@junction/pipeline';
import { acceptancePipeline } from './fixtures';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const runner = new PipelineRunner(
  acceptancePipeline(env('WORKER_PIPELINE'), env('WORKER_TOPIC'), env('WORKER_MODEL_URL')),
  {
    brokers: env('KAFKA_BROKERS').split(','),
    schemaRegistryUrl: env('SCHEMA_REGISTRY_URL'),
    sessionTimeoutMs: 8_000,
  },
);

process.on('SIGTERM', () => {
  void runner.stop().then(() => {
    process.stdout.write(`${JSON.stringify({ stats: runner.stats })}\n`);
    process.exit(0);
  });
});
await runner.start();
process.stdout.write('started\n');
