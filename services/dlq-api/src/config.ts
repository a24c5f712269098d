import { createHash } from 'node:crypto';
import { z } from 'zod';

export type Role = 'viewer' | 'operator';

export interface ApiKey {
  /** SHA-256 of the key, hex: the key itself is never kept in memory after start, nor logged. */
  keyHash: string;
  role: Role;
  /** Who the key belongs to, for the audit log. */
  name: string;
}

export interface DlqApiConfig {
  brokers: string[];
  registryUrl: string;
  port: number;
  host: string;
  keys: ApiKey[];
  /** Requests per minute per client (IP). */
  rateLimitPerMinute: number;
  auditTopic: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The form an API key is stored and compared in. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const HASHED = /^sha256=([0-9a-f]{64})$/;

/**
 * `DLQ_API_KEYS` holds `key:role[:name]` entries separated by commas, e.g.
 * `s3cret-view:viewer:dashboards,s3cret-ops:operator:alice`. Viewers list and show; operators also replay.
 * A key may be given by its SHA-256 instead (`sha256=<64 hex>:operator:alice`, from
 * `printf %s "$KEY" | sha256sum`), so the deployment's secret need not hold the key at all. Messages
 * name an entry by its position and never quote it (it holds the key).
 */
export function parseKeys(text: string): ApiKey[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [key, role, name] = entry.split(':');
      const at = `DLQ_API_KEYS entry ${i + 1}`;
      const hashed = HASHED.exec(key ?? '')?.[1];
      if (!hashed && (!key || key.length < 8))
        throw new ConfigError(`${at}: a key must have at least 8 characters (or be sha256=<64 hex digits>)`);
      if (role !== 'viewer' && role !== 'operator')
        throw new ConfigError(`${at}: role must be viewer or operator`);
      const keyHash = hashed ?? hashApiKey(key!);
      return { keyHash, role, name: name || `${role}-${keyHash.slice(0, 8)}` };
    });
}

const schema = z.object({
  KAFKA_BROKERS: z.string({ error: 'missing; expected comma-separated host:port' }),
  SCHEMA_REGISTRY_URL: z
    .string({ error: 'missing; expected the registry URL' })
    .regex(/^https?:\/\/\S+$/, 'expected an http(s) URL'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  HOST: z.string().default('127.0.0.1'),
  DLQ_API_KEYS: z.string({
    error: 'missing; expected key:role[:name] entries, e.g. s3cret-view:viewer,s3cret-ops:operator:alice',
  }),
  DLQ_API_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
  DLQ_API_AUDIT_TOPIC: z.string().default('junction.dlq.audit'),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DlqApiConfig {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(
      `invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const c = parsed.data;
  const keys = parseKeys(c.DLQ_API_KEYS);
  if (keys.length === 0) throw new ConfigError('DLQ_API_KEYS: at least one key is needed');
  return {
    brokers: c.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    registryUrl: c.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''),
    port: c.PORT,
    host: c.HOST,
    keys,
    rateLimitPerMinute: c.DLQ_API_RATE_LIMIT,
    auditTopic: c.DLQ_API_AUDIT_TOPIC,
  };
}
