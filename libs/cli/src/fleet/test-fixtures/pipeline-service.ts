// A stand-in pipeline service for tests: one real pipeline (FIXTURE_PIPELINE, reading FIXTURE_TOPIC,
// echoing into FIXTURE_TOPIC.out) with a health URL on 127.0.0.1:PORT; stops gracefully on SIGTERM.
import { createServer } from 'node:http';
import { definePipeline, PipelineRunner } from '@junction/pipeline';

interface Ping {
  id: string;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`pipeline-service: ${name} is missing`);
  return value;
};
const schema = {
  type: 'record',
  name: 'Ping',
  namespace: 'junction.test',
  fields: [{ name: 'id', type: 'string' }],
};
const topic = env('FIXTURE_TOPIC');

const pipeline = definePipeline<Ping, Ping, Ping, Ping>({
  name: env('FIXTURE_PIPELINE'),
  source: { topic, schema },
  key: (p) => p.id,
  idempotencyKey: (p) => p.id,
  call: () => ({
    endpoint: 'echo',
    call: (request) => Promise.resolve({ output: request }),
    circuitState: () => 'closed',
    onCircuitChange: () => () => {},
    close: () => Promise.resolve(),
  }),
  request: (p) => p,
  result: (_p, out) => out,
  outputs: { output: { topic: `${topic}.out`, schema } },
});

const runner = new PipelineRunner(pipeline, {
  brokers: env('KAFKA_BROKERS').split(','),
  schemaRegistryUrl: env('SCHEMA_REGISTRY_URL'),
  sessionTimeoutMs: 10_000,
});
let ready = false;
const server = createServer((req, res) => {
  res.writeHead(req.url === '/health/ready' && ready ? 200 : 503).end();
});
server.listen(Number(env('PORT')), '127.0.0.1');
await runner.start();
ready = true;
console.log(`pipeline-service ${pipeline.name} ready on ${env('PORT')}`);
process.on('SIGTERM', () => {
  ready = false;
  void runner.stop().finally(() => server.close(() => process.exit(0)));
});
