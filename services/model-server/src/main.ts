// The model server as a process: PORT (8000), HOST (127.0.0.1); fault knobs MODEL_LATENCY_MS,
// MODEL_ERROR_RATE, MODEL_TIMEOUT_RATE, MODEL_DOWN (all off by default). Stops on SIGTERM / SIGINT.
import { initTracing } from '@junction/observability';
import { faultsFromEnv } from './faults';
import { startModelServer } from './server';

// traces go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set; otherwise tracing is off
initTracing({ serviceName: 'model-server' });

function fail(message: string): never {
  process.stderr.write(`model-server: ${message}\n`);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 8000);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`PORT=${process.env.PORT}: expected a TCP port (0-65535)`);
let faults;
try {
  faults = faultsFromEnv();
} catch (err) {
  fail((err as Error).message);
}

const started = performance.now();
const server = await startModelServer({ port, host: process.env.HOST ?? '127.0.0.1', faults });
process.stdout.write(
  `${JSON.stringify({
    level: 'info',
    service: 'model-server',
    msg: 'ready',
    url: server.url,
    startMs: Math.round(performance.now() - started),
    faults,
    models: [...server.host.models.values()].map((m) => ({
      name: m.name,
      version: m.version,
      ...m.parameters,
    })),
  })}\n`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(
    `${JSON.stringify({ level: 'info', service: 'model-server', msg: 'stopping', signal })}\n`,
  );
  server.close().then(
    () => process.exit(0),
    (err: unknown) => fail(`close failed: ${String(err)}`),
  );
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
