// PORT (8000), HOST (127.0.0.1); fault knobs MODEL_LATENCY_MS, MODEL_ERROR_RATE, MODEL_TIMEOUT_RATE, MODEL_DOWN.
import { startModelServer } from './server';

const port = Number(process.env.PORT ?? 8000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`model-server: PORT=${process.env.PORT}: expected a TCP port (0-65535)\n`);
  process.exit(1);
}
const server = await startModelServer({ port, host: process.env.HOST ?? '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify({ level: 'info', service: 'model-server', msg: 'ready', url: server.url, models: [...server.host.models.values()].map((m) => ({ name: m.name, version: m.version, ...m.parameters })) })}\n`,
);
