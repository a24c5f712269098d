/**
 * The schema-compatibility gate: every `.avsc` against its last released version (kept in
 * `schemas/schemas.lock.json`, written by `junction schemas release`), under the subject's
 * compatibility level, with Avro's own resolution rules (avsc's resolver). A break names the subject,
 * the field and the rule.
 *
 * BACKWARD: the new schema reads data written with the released one. FORWARD: the released schema
 * reads data written with the new one. FULL: both.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAvroSchema, type AvroType } from '@junction/schemas';
import { avscFiles, subjectForFile } from './register-schemas';

export type Compatibility = 'BACKWARD' | 'FORWARD' | 'FULL';

export interface ReleasedSchema {
  version: number;
  /** The .avsc, relative to the schemas folder. */
  file: string;
  compatibility: Compatibility;
  schema: Record<string, unknown>;
}

/** Subject → its last released schema. */
export type SchemaLock = Record<string, ReleasedSchema>;

export const LOCK_FILE = 'schemas.lock.json';

export interface CompatProblem {
  subject: string;
  file: string;
  /** The field (dotted path) where resolution fails, or `(record)` for the schema as a whole. */
  field: string;
  rule: string;
}

interface RecordField {
  name: string;
  type: AvroType;
  defaultValue(): unknown;
}
const fieldsOf = (t: AvroType): RecordField[] | undefined =>
  (t as unknown as { fields?: RecordField[] }).fields;
const typeName = (t: AvroType): string => (t as unknown as { typeName: string }).typeName;

/** Why `reader` cannot read what `writer` wrote, per field; empty when it can. */
export function resolutionProblems(
  reader: AvroType,
  writer: AvroType,
  path = '',
): { field: string; rule: string }[] {
  try {
    reader.createResolver(writer);
    return [];
  } catch (err) {
    const rf = fieldsOf(reader);
    const wf = fieldsOf(writer);
    if (!rf || !wf)
      return [
        {
          field: path || '(record)',
          rule: `Avro cannot resolve ${typeName(writer)} to ${typeName(reader)} (${(err as Error).message})`,
        },
      ];
    const found: { field: string; rule: string }[] = [];
    for (const r of rf) {
      const at = path ? `${path}.${r.name}` : r.name;
      const w = wf.find((f) => f.name === r.name);
      if (!w) {
        if (r.defaultValue() === undefined)
          found.push({
            field: at,
            rule: 'a field added without a default: the new reader has no value for it in data written before',
          });
        continue;
      }
      found.push(...resolutionProblems(r.type, w.type, at));
    }
    return found.length ? found : [{ field: path || '(record)', rule: (err as Error).message }];
  }
}

/** Problems of one schema change under a compatibility level. */
export function compatibilityProblems(
  released: Record<string, unknown>,
  current: Record<string, unknown>,
  level: Compatibility,
): { field: string; rule: string }[] {
  const [was, now] = [parseAvroSchema(released), parseAvroSchema(current)];
  const backward =
    level === 'FORWARD'
      ? []
      : resolutionProblems(now, was).map((p) => ({ ...p, rule: `BACKWARD: ${p.rule}` }));
  const forward =
    level === 'BACKWARD'
      ? []
      : resolutionProblems(was, now).map((p) => ({ ...p, rule: `FORWARD: ${p.rule}` }));
  return [...backward, ...forward];
}

export function readLock(schemasDir: string): SchemaLock {
  const path = join(schemasDir, LOCK_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SchemaLock) : {};
}

/** Every .avsc under `schemasDir` against its released version in the lock. */
export function checkAgainstLock(schemasDir: string, lock = readLock(schemasDir)): CompatProblem[] {
  const problems: CompatProblem[] = [];
  for (const path of avscFiles(schemasDir)) {
    const subject = subjectForFile(path);
    const released = lock[subject];
    if (!released) continue; // never released: nothing downstream depends on it yet
    const file = relative(schemasDir, path);
    const current = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    for (const p of compatibilityProblems(released.schema, current, released.compatibility))
      problems.push({ subject, file, ...p });
  }
  return problems;
}

/** The schema-compatibility gate failed; the message names subject, field and rule of each break. */
export class SchemaCompatibilityError extends Error {
  override name = 'SchemaCompatibilityError';

  constructor(readonly problems: readonly CompatProblem[]) {
    super(
      `incompatible with the released schemas:\n${problems.map((p) => `  ${p.subject} (${p.file}) field ${p.field}: ${p.rule}`).join('\n')}`,
    );
  }
}

/**
 * `junction schemas release`: checks every schema against its released version, then writes the lock
 * with the changed and new ones as the next released versions. Nothing is written when one breaks.
 */
export function releaseSchemas(
  schemasDir: string,
  options: { compatibility?: Compatibility } = {},
): { released: string[]; unchanged: string[] } {
  const lock = readLock(schemasDir);
  const problems = checkAgainstLock(schemasDir, lock);
  if (problems.length) throw new SchemaCompatibilityError(problems);
  const released: string[] = [];
  const unchanged: string[] = [];
  // a released subject whose file is gone stays in the lock: downstream may still read it
  const next: SchemaLock = { ...lock };
  for (const path of avscFiles(schemasDir)) {
    const subject = subjectForFile(path);
    const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const before = lock[subject];
    if (before && JSON.stringify(before.schema) === JSON.stringify(schema)) {
      next[subject] = before;
      unchanged.push(subject);
      continue;
    }
    next[subject] = {
      version: (before?.version ?? 0) + 1,
      file: relative(schemasDir, path),
      compatibility: before?.compatibility ?? options.compatibility ?? 'BACKWARD',
      schema,
    };
    released.push(subject);
  }
  writeFileSync(join(schemasDir, LOCK_FILE), `${JSON.stringify(next, null, 2)}\n`);
  return { released, unchanged };
}
