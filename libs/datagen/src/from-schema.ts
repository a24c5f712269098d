// Valid records for any Avro schema, seeded: what `junction simulate <topic>` sends to a topic that has
// no hand-written generator. Names guide the values where a convention exists (`...Id`, `email`,
// `...At` timestamps), so the records read like events rather than noise.
import type { Random } from './random';

type Schema = string | readonly unknown[] | { readonly [k: string]: unknown };
type Named = Map<string, { readonly [k: string]: unknown }>;

const WORDS = ['alpha', 'bravo', 'delta', 'echo', 'kilo', 'lima', 'nova', 'orbit', 'pixel', 'quartz'];

function hex(rng: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.int(0, 15).toString(16);
  return s;
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function value(
  schema: Schema,
  field: string,
  rng: Random,
  index: number,
  named: Named,
  ns?: string,
): unknown {
  if (typeof schema === 'string') {
    switch (schema) {
      case 'null':
        return null;
      case 'boolean':
        return rng.chance(0.5);
      case 'int':
        return rng.int(0, 1000);
      case 'long':
        return /(At|Time|Timestamp)$/.test(field) ? Date.now() - rng.int(0, 3_600_000) : rng.int(0, 100_000);
      case 'float':
      case 'double':
        return Math.round(rng.next() * 100_000) / 100;
      case 'bytes':
        return Buffer.from(hex(rng, 8), 'hex');
      case 'string':
        if (/email$/i.test(field)) return `${rng.pick(WORDS)}.${index}@example.com`;
        if (/id$/i.test(field))
          return `${field.replace(/Id$/i, '').toLowerCase() || 'id'}-${index}-${hex(rng, 6)}`;
        if (/country$/i.test(field)) return rng.pick(['DE', 'FR', 'GB', 'US', 'NL']);
        if (/currency$/i.test(field)) return rng.pick(['EUR', 'USD', 'GBP']);
        return `${rng.pick(WORDS)} ${rng.pick(WORDS)}`;
      default: {
        const ref = named.get(fullName(schema, ns)) ?? named.get(schema);
        if (!ref) throw new Error(`unknown Avro type "${schema}"`);
        return value(ref, field, rng, index, named, ns);
      }
    }
  }
  if (Array.isArray(schema)) {
    // a union: mostly the first non-null branch, sometimes null where null is allowed
    const branches = schema as readonly Schema[];
    const nonNull = branches.filter((b) => b !== 'null');
    if (nonNull.length === 0 || (branches.includes('null') && rng.chance(0.2))) return null;
    return value(rng.pick(nonNull), field, rng, index, named, ns);
  }
  const s = schema as { readonly [k: string]: unknown };
  const type = s.type as Schema;
  const namespace = (s.namespace as string | undefined) ?? ns;
  if (typeof s.name === 'string' && (type === 'record' || type === 'enum' || type === 'fixed'))
    named.set(fullName(s.name, namespace), s);
  switch (type) {
    case 'record':
      return Object.fromEntries(
        (s.fields as { name: string; type: Schema }[]).map((f) => [
          f.name,
          value(f.type, f.name, rng, index, named, namespace),
        ]),
      );
    case 'enum':
      return rng.pick(s.symbols as string[]);
    case 'fixed':
      return Buffer.from(hex(rng, 2 * (s.size as number)), 'hex');
    case 'array':
      return Array.from({ length: rng.int(0, 3) }, () =>
        value(s.items as Schema, field, rng, index, named, namespace),
      );
    case 'map':
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 2) }, (_, i) => [
          `${rng.pick(WORDS)}${i}`,
          value(s.values as Schema, field, rng, index, named, namespace),
        ]),
      );
    default:
      if (s.logicalType === 'timestamp-millis') return Date.now() - rng.int(0, 3_600_000);
      return value(type, field, rng, index, named, namespace);
  }
}

/** Record `index` of a run: a valid value of `schema` (a parsed .avsc), the same for the same seed. */
export function generateFromSchema(schema: object, rng: Random, index: number): Record<string, unknown> {
  return value(schema as Schema, '', rng, index, new Map()) as Record<string, unknown>;
}
