import { trace } from '@opentelemetry/api';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * A JSON logger for a Junction process. Level from `LOG_LEVEL` (default `info`, `warn` under tests);
 * fields named in `redact` (dotted paths, e.g. the personal-data fields of a schema) are censored.
 */
export function createLogger(name: string, options: { level?: string; redact?: string[] } = {}): Logger {
  const defaultLevel = process.env.VITEST ? 'warn' : 'info';
  const config: LoggerOptions = {
    name,
    level: options.level ?? process.env.LOG_LEVEL ?? defaultLevel,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // lines logged inside an active span carry its ids, so logs and traces join
    mixin: () => {
      const span = trace.getActiveSpan()?.spanContext();
      return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
    },
  };
  if (options.redact?.length) config.redact = { paths: options.redact, censor: '[redacted]' };
  return pino(config);
}
