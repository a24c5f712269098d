/**
 * Service configuration from the environment, validated once at start. Every bad or missing setting
 * is reported in one message, each on its own line with what is expected and what was found.
 */
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const schema = z.object({
  KAFKA_BROKERS: z
    .string({ error: 'missing; expected comma-separated host:port, e.g. 127.0.0.1:9092' })
    .refine((v) => v.split(',').every((b) => hostPort.test(b.trim())), {
      error: (i) => `expected comma-separated host:port, e.g. 127.0.0.1:9092; got "${String(i.input)}"`,
    }),
  SCHEMA_REGISTRY_URL: z
    .string({ error: 'missing; expected the registry URL, e.g. http://127.0.0.1:8080/apis/ccompat/v7' })
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), {
      error: (i) => `expected an http(s) URL; got "${String(i.input)}"`,
    }),
  PORT: z.coerce
    .number({ error: (i) => `expected a TCP port (1-65535); got "${String(i.input)}"` })
    .int({ error: (i) => `expected a TCP port (1-65535); got "${String(i.input)}"` })
    .min(0, {
      error: (i) => `expected a TCP port (1-65535, or 0 for any free port); got "${String(i.input)}"`,
    })
    .max(65535, { error: (i) => `expected a TCP port (1-65535); got "${String(i.input)}"` })
    .default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: (i) =>
        `expected one of fatal, error, warn, info, debug, trace, silent; got "${String(i.input)}"`,
    })
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: (i) => `expected milliseconds (a whole number >= 0); got "${String(i.input)}"` })
    .int({ error: (i) => `expected milliseconds (a whole number >= 0); got "${String(i.input)}"` })
    .min(0, { error: (i) => `expected milliseconds (a whole number >= 0); got "${String(i.input)}"` })
    .default(20_000),
});

export interface JunctionConfig {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  httpPort: number;
  httpHost: string;
  logLevel: string;
  shutdownTimeoutMs: number;
}

export function loadJunctionConfig(env: NodeJS.ProcessEnv = process.env): JunctionConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const c = parsed.data;
  return {
    kafkaBrokers: c.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    schemaRegistryUrl: c.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''),
    httpPort: c.PORT,
    httpHost: c.HOST,
    logLevel: c.LOG_LEVEL,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
  };
}
