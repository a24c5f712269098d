/**
 * Service configuration from the environment, validated once at start. Every bad or missing setting
 * is reported in one message, each on its own line saying what is expected and what was found, so a
 * misconfigured deployment is fixed in one round instead of one setting per restart.
 */
import { KafkaSettingsError, kafkaSettingsFromEnv, type KafkaConnectionSettings } from '@junction/kafka';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface JunctionConfig {
  /** `KAFKA_BROKERS`: comma-separated host:port. */
  kafkaBrokers: string[];
  /**
   * The whole connection (`KAFKA_BROKERS`, `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_*`, `KAFKA_SSL_*`), read by
   * `kafkaSettingsFromEnv` so every service, the CLI and the tests share one spec.
   */
  kafka: KafkaConnectionSettings;
  /** `SCHEMA_REGISTRY_URL`: http(s) URL, without a trailing slash. */
  schemaRegistryUrl: string;
  /** `PORT` (default 3000; 0 = any free port). */
  httpPort: number;
  /**
   * `HOST` (default 127.0.0.1): loopback, so a service on a developer machine (with its unauthenticated
   * `/metrics` and health) is not reachable from the network; a container sets 0.0.0.0.
   */
  httpHost: string;
  /** `LOG_LEVEL` (default info). */
  logLevel: LogLevel;
  /** `SHUTDOWN_TIMEOUT_MS` (default 20000): how long a graceful stop may let in-flight records finish. */
  shutdownTimeoutMs: number;
  /** `SERVICE_NAME` (optional): overrides the name the service gives itself in logs. */
  serviceName?: string;
}

/** A configuration that cannot be used; the message lists every problem, one per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(
      `invalid configuration (${problems.length} ${problems.length === 1 ? 'setting' : 'settings'}):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
}

const REGISTRY_EXPECTED = 'an http(s) URL, e.g. http://127.0.0.1:8080/apis/ccompat/v7';
const PORT_EXPECTED = 'a TCP port 0-65535 (0 = any free port)';
const HOST_EXPECTED = 'a host name or IP address to listen on, e.g. 0.0.0.0';
const LEVEL_EXPECTED = `one of ${LOG_LEVELS.join(', ')}`;
const TIMEOUT_EXPECTED = 'a whole number of milliseconds >= 0, e.g. 20000';
const NAME_EXPECTED = 'a name without whitespace, e.g. lead-scoring';

/** `"value"` for the message; credentials in a URL are masked so they never reach logs. */
function found(value: string): string {
  return JSON.stringify(value.replace(/(\/\/[^/@\s:]*:)[^/@\s]*@/, '$1***@'));
}

/** A required setting: absent or blank is `missing`, otherwise `check` reports a bad value. */
function required<T>(expected: string, check: (value: string) => T | undefined) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined || raw.trim() === '') {
        ctx.addIssue({ code: 'custom', message: `missing; expected ${expected}` });
        return z.NEVER;
      }
      const value = check(raw.trim());
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}; found ${found(raw)}` });
        return z.NEVER;
      }
      return value;
    });
}

/** An optional setting: absent or blank takes the default, otherwise `check` reports a bad value. */
function optional<T>(fallback: T, expected: string, check: (value: string) => T | undefined) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = check(raw.trim());
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}; found ${found(raw)}` });
        return z.NEVER;
      }
      return value;
    });
}

function wholeNumber(value: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n <= max ? n : undefined;
}

function httpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return value.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

const schema = z.object({
  SCHEMA_REGISTRY_URL: required(REGISTRY_EXPECTED, httpUrl),
  PORT: optional(3000, PORT_EXPECTED, (v) => wholeNumber(v, 65535)),
  HOST: optional('127.0.0.1', HOST_EXPECTED, (v) => (/^\S+$/.test(v) ? v : undefined)),
  LOG_LEVEL: optional<LogLevel>('info', LEVEL_EXPECTED, (v) => LOG_LEVELS.find((l) => l === v.toLowerCase())),
  SHUTDOWN_TIMEOUT_MS: optional(20_000, TIMEOUT_EXPECTED, (v) => wholeNumber(v)),
  SERVICE_NAME: optional<string | undefined>(undefined, NAME_EXPECTED, (v) =>
    /^\S+$/.test(v) ? v : undefined,
  ),
});

/**
 * Reads and checks the service settings. Throws a `ConfigError` listing every bad or missing setting.
 *
 * Required: `KAFKA_BROKERS`, `SCHEMA_REGISTRY_URL`. Optional: the Kafka security settings
 * (see `kafkaSettingsFromEnv` in @junction/kafka), `PORT` (3000), `HOST` (127.0.0.1),
 * `LOG_LEVEL` (info), `SHUTDOWN_TIMEOUT_MS` (20000), `SERVICE_NAME`.
 */
export function loadJunctionConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): JunctionConfig {
  let kafka: KafkaConnectionSettings | undefined;
  const problems: string[] = [];
  try {
    kafka = kafkaSettingsFromEnv(env);
  } catch (err) {
    if (!(err instanceof KafkaSettingsError)) throw err;
    problems.push(...err.problems);
  }
  const parsed = schema.safeParse({
    SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL,
    PORT: env.PORT,
    HOST: env.HOST,
    LOG_LEVEL: env.LOG_LEVEL,
    SHUTDOWN_TIMEOUT_MS: env.SHUTDOWN_TIMEOUT_MS,
    SERVICE_NAME: env.SERVICE_NAME,
  });
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  if (!parsed.success || kafka === undefined || problems.length > 0) throw new ConfigError(problems);
  const c = parsed.data;
  return {
    kafkaBrokers: kafka.brokers,
    kafka,
    schemaRegistryUrl: c.SCHEMA_REGISTRY_URL,
    httpPort: c.PORT,
    httpHost: c.HOST,
    logLevel: c.LOG_LEVEL,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    ...(c.SERVICE_NAME !== undefined ? { serviceName: c.SERVICE_NAME } : {}),
  };
}
