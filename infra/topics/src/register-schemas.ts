import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { IncompatibleSchemaError, RegistryClient } from '@junction/schemas';

export interface SchemaChange {
  subject: string;
  file: string;
  action: 'registered' | 'unchanged' | 'incompatible' | 'would-register';
  id?: number;
  detail?: string;
}

function avscFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'generated' || name === 'node_modules' ? [] : avscFiles(path);
    return name.endsWith('.avsc') ? [path] : [];
  });
}

/**
 * Registers every `<topic>.avsc` under `dir` as subject `<topic>-value` (TopicNameStrategy). Each schema
 * is checked for compatibility first; an incompatible one is reported and not registered.
 */
export async function registerSchemas(options: {
  registryUrl: string;
  dir: string;
  checkOnly?: boolean;
}): Promise<SchemaChange[]> {
  const client = new RegistryClient({ url: options.registryUrl });
  const changes: SchemaChange[] = [];
  for (const path of avscFiles(options.dir).sort()) {
    const subject = `${basename(path, '.avsc')}-value`;
    const file = relative(options.dir, path);
    const schema = readFileSync(path, 'utf8');
    const existing = await client.lookup(subject, schema);
    if (existing) {
      changes.push({ subject, file, action: 'unchanged', id: existing.id });
      continue;
    }
    if (!(await client.checkCompatibility(subject, schema))) {
      changes.push({
        subject,
        file,
        action: 'incompatible',
        detail: 'not BACKWARD compatible with the latest registered version',
      });
      continue;
    }
    if (options.checkOnly) {
      changes.push({ subject, file, action: 'would-register' });
      continue;
    }
    try {
      changes.push({ subject, file, action: 'registered', id: await client.register(subject, schema) });
    } catch (err) {
      if (err instanceof IncompatibleSchemaError)
        changes.push({ subject, file, action: 'incompatible', detail: err.message });
      else throw err;
    }
  }
  return changes;
}
