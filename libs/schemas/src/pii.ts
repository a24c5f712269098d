// Personal data in a schema: fields marked `"pii": true` in the .avsc, as paths for log redaction.
import { parseAvroSchema, schemaJson, type AvroSchemaInput, type AvroType } from './avro';

interface RawField {
  name: string;
  type: unknown;
  pii?: unknown;
}

interface AvscRecord extends AvroType {
  fields: { name: string; type: AvroType }[];
}
interface AvscUnion extends AvroType {
  types: AvroType[];
}

/**
 * Dotted paths of the fields marked `"pii": true`, e.g. `['email', 'address.street', 'contacts.*.phone']`.
 * `*` stands for any array index, map key or (ambiguous, wrapped) union branch, so the paths work as
 * they are with pino's `redact` (fast-redact). A marked record field covers everything under it.
 * Recursive types are followed once.
 */
export function piiFields(schema: AvroSchemaInput): string[] {
  const type = parseAvroSchema(schema);
  const out = new Set<string>();
  const defs = new Map<string, unknown>(); // raw definitions by full name, for named references
  walk(schemaJson(schema), type, [], false, new Set(), defs, out);
  return [...out];
}

// `covered`: under a field already marked (nothing more to report, but definitions must still be seen).
function walk(
  raw: unknown,
  type: AvroType,
  path: string[],
  covered: boolean,
  seen: Set<string>,
  defs: Map<string, unknown>,
  out: Set<string>,
): void {
  const typeName = type.typeName;
  if (typeName.startsWith('union')) {
    const branches = (type as AvscUnion).types;
    const rawBranches = Array.isArray(raw) ? raw : [];
    const wrapped = typeName === 'union:wrapped';
    branches.forEach((branch, i) =>
      walk(rawBranches[i], branch, wrapped ? [...path, '*'] : path, covered, seen, defs, out),
    );
    return;
  }
  if (typeName === 'array') {
    walk(
      child(raw, 'items'),
      (type as unknown as { itemsType: AvroType }).itemsType,
      [...path, '*'],
      covered,
      seen,
      defs,
      out,
    );
    return;
  }
  if (typeName === 'map') {
    walk(
      child(raw, 'values'),
      (type as unknown as { valuesType: AvroType }).valuesType,
      [...path, '*'],
      covered,
      seen,
      defs,
      out,
    );
    return;
  }
  if (typeName !== 'record' && typeName !== 'error') return;

  const name = type.name ?? '';
  let def = raw;
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) defs.set(name, raw);
  else def = defs.get(name); // a reference by name to a record defined earlier
  if (seen.has(name)) return;
  seen.add(name);
  const rawFields = ((def as { fields?: RawField[] } | undefined)?.fields ?? []) as RawField[];
  for (const [i, field] of (type as AvscRecord).fields.entries()) {
    const rawField = rawFields[i];
    const fieldPath = [...path, field.name];
    const marked = rawField?.pii === true;
    if (marked && !covered) out.add(fieldPath.join('.'));
    walk(rawField?.type, field.type, fieldPath, covered || marked, seen, defs, out);
  }
  seen.delete(name);
}

function child(raw: unknown, key: 'items' | 'values'): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
}
