import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import {
  IncompatibleSchemaError,
  InvalidSchemaError,
  parseAvroSchema,
  RegistryClient,
  UnknownSchemaError,
  type AvroType,
} from '@junction/schemas';

export interface SchemaChange {
  subject: string;
  /** The .avsc file, relative to the schemas folder. */
  file: string;
  /**
   * `registered`: a new version; `unchanged`: already the subject's; `would-register` (check only);
   * `incompatible`: the registry's compatibility check refused it; `invalid`: not a usable Avro schema;
   * `skipped`: not registered because another schema of the run was refused (contracts go in together).
   */
  action: 'registered' | 'unchanged' | 'would-register' | 'incompatible' | 'invalid' | 'skipped';
  id?: number;
  version?: number;
  detail?: string;
}

export interface RegisterOptions {
  registryUrl: string;
  /** Folder searched recursively for `*.avsc` (`generated/` and `node_modules/` are skipped). */
  dir: string;
  /** Check compatibility only; register nothing. */
  checkOnly?: boolean;
  /** Per-request timeout towards the registry (default 5000 ms). */
  timeoutMs?: number;
}

/** Every `*.avsc` under `dir`, sorted. */
export function avscFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`schemas folder ${dir} does not exist`);
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const path = join(d, name);
      if (statSync(path).isDirectory())
        return name === 'generated' || name === 'node_modules' ? [] : walk(path);
      return name.endsWith('.avsc') ? [path] : [];
    });
  return walk(dir).sort();
}

/** `crm/crm.lead.created.v1.avsc` → `crm.lead.created.v1-value` (TopicNameStrategy). */
export function subjectForFile(path: string): string {
  return `${basename(path, '.avsc')}-value`;
}

/**
 * Registers every `<topic>.avsc` under `dir` as subject `<topic>-value` (TopicNameStrategy). Each schema
 * is first looked up (already registered: unchanged) and checked for compatibility with the subject's
 * latest version. When any schema is incompatible or invalid, nothing is registered: the refused ones
 * are reported with the registry's verdict and the others as `skipped`.
 */
export async function registerSchemas(options: RegisterOptions): Promise<SchemaChange[]> {
  const client = new RegistryClient({ url: options.registryUrl, timeoutMs: options.timeoutMs ?? 5_000 });
  const changes: SchemaChange[] = [];
  const pending: { change: SchemaChange; schema: string }[] = [];

  for (const path of avscFiles(options.dir)) {
    const subject = subjectForFile(path);
    const file = relative(options.dir, path);
    const schema = readFileSync(path, 'utf8');
    const problem = invalidReason(schema);
    if (problem) {
      changes.push({ subject, file, action: 'invalid', detail: problem });
      continue;
    }
    const existing = await client.lookup(subject, schema);
    if (existing) {
      changes.push({ subject, file, action: 'unchanged', id: existing.id, version: existing.version });
      continue;
    }
    if (!(await client.checkCompatibility(subject, schema))) {
      changes.push({
        subject,
        file,
        action: 'incompatible',
        detail: await explainIncompatibility(client, subject, schema),
      });
      continue;
    }
    const change: SchemaChange = { subject, file, action: 'would-register' };
    changes.push(change);
    pending.push({ change, schema });
  }

  const refused = changes.filter((c) => c.action === 'incompatible' || c.action === 'invalid');
  if (refused.length) {
    for (const { change } of pending) {
      change.action = 'skipped';
      change.detail = `not registered: ${refused.map((r) => r.file).join(', ')} refused`;
    }
    return changes;
  }
  if (options.checkOnly) return changes;

  for (const { change, schema } of pending) {
    try {
      change.id = await client.register(change.subject, schema);
      change.action = 'registered';
    } catch (err) {
      // a version registered by someone else between our check and now
      if (err instanceof IncompatibleSchemaError) {
        change.action = 'incompatible';
        change.detail = err.message;
      } else if (err instanceof InvalidSchemaError) {
        change.action = 'invalid';
        change.detail = err.message;
      } else throw err;
    }
  }
  return changes;
}

function invalidReason(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  try {
    parseAvroSchema(json as object);
    return undefined;
  } catch (err) {
    return `not a valid Avro schema: ${(err as Error).message}`;
  }
}

/**
 * Why the registry said no, as far as it can be told: the registry's own messages (Confluent answers
 * them with `?verbose=true`; Apicurio does not), its compatibility level and latest version, and where
 * Avro schema resolution between the two fails.
 */
async function explainIncompatibility(
  client: RegistryClient,
  subject: string,
  schema: string,
): Promise<string> {
  const url = client.url;
  const post = async (path: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema, schemaType: 'AVRO' }),
      signal: AbortSignal.timeout(5_000),
    });
    return (await res.json()) as { is_compatible?: boolean; messages?: unknown };
  };
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
    return res.ok
      ? ((await res.json()) as { compatibilityLevel?: string; compatibility?: string })
      : undefined;
  };
  const parts: string[] = [];
  let level = 'BACKWARD';
  try {
    const cfg =
      (await get(`/config/${encodeURIComponent(subject)}?defaultToGlobal=true`)) ?? (await get('/config'));
    level = cfg?.compatibilityLevel ?? cfg?.compatibility ?? level;
  } catch {
    // the level is a nicety in the message; the verdict below is what matters
  }
  let latestVersion: string | undefined;
  let latestSchema: string | undefined;
  try {
    const latest = await client.latest(subject);
    latestVersion = `version ${latest.version} (id ${latest.id})`;
    latestSchema = latest.schema;
  } catch (err) {
    if (!(err instanceof UnknownSchemaError)) throw err;
  }
  parts.push(`registry: not ${level} compatible with ${latestVersion ?? 'the latest version'} of ${subject}`);
  try {
    const verbose = await post(
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
    );
    if (Array.isArray(verbose.messages) && verbose.messages.length)
      parts.push(`registry says: ${verbose.messages.map(String).join('; ')}`);
  } catch {
    // verbose messages are optional
  }
  if (latestSchema !== undefined) {
    const why = resolutionProblems(level, schema, latestSchema);
    if (why.length) parts.push(why.join('; '));
  }
  return parts.join('; ');
}

/** Where Avro resolution fails in the directions the level requires (BACKWARD: new reads old data). */
function resolutionProblems(level: string, next: string, latest: string): string[] {
  let nextType: AvroType;
  let latestType: AvroType;
  try {
    nextType = parseAvroSchema(next);
    latestType = parseAvroSchema(latest);
  } catch {
    return [];
  }
  const problems: string[] = [];
  const check = (what: string, reader: AvroType, writer: AvroType) => {
    try {
      reader.createResolver(writer);
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  if (level.startsWith('BACKWARD') || level.startsWith('FULL'))
    check('the new schema cannot read data written with the latest', nextType, latestType);
  if (level.startsWith('FORWARD') || level.startsWith('FULL'))
    check('the latest schema cannot read data written with the new one', latestType, nextType);
  return problems;
}
