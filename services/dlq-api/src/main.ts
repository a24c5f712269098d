// The dead-letter API as a process. KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DLQ_API_KEYS (key:role[:name],...)
// required; PORT (3100), HOST (127.0.0.1), DLQ_API_RATE_LIMIT (requests/min, 120), DLQ_API_AUDIT_TOPIC.
import { ConfigError, loadConfig } from './config';
import { startDlqApi } from './server';

try {
  const api = await startDlqApi(loadConfig());
  process.stdout.write(
    `${JSON.stringify({ level: 'info', service: 'dlq-api', msg: 'ready', url: api.url })}\n`,
  );
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`dlq-api: ${err.message}\n`);
  process.exit(1);
}
