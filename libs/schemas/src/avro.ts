// One way to turn a schema into an avsc Type, shared by the serde, the type generator and piiFields,
// so that all three agree on how values look in JavaScript:
//   - logical types are NOT converted: a value is its underlying Avro type (timestamp-millis is a
//     number of epoch milliseconds, date a number of days, decimal a Buffer, uuid a string);
//   - long is a JS number (avsc throws "potential precision loss" beyond 2^53);
//   - bytes and fixed are Buffers;
//   - unions are unwrapped (`T | null`) unless ambiguous (two records, int+long, string+enum...),
//     in which case avsc wraps them as `{ 'branch.Name': value }` (avsc's `wrapUnions: 'auto'`).
// Arrays and maps are parsed with block-count checks: avsc trusts a block count read from the bytes,
// so a corrupt count (say 2^33) would loop for minutes and exhaust memory instead of failing.
import avro from 'avsc';
import type { Schema, Type } from 'avsc';

export type { Type as AvroType } from 'avsc';

/** A schema as JSON text, a parsed schema object (e.g. a generated `...Schema` const), or an avsc Type. */
export type AvroSchemaInput = string | object;

export type AvroResolver = ReturnType<Type['createResolver']>;

/** A block of more items than bytes left is only possible for zero-size items (null, empty records). */
const MAX_ZERO_SIZE_BLOCK = 1_000_000;

interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  skipString(): void;
}
interface ItemReader {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
}

function blockCount(tap: Tap, size: number): number {
  const left = tap.buf.length - tap.pos;
  if (size > left && size > MAX_ZERO_SIZE_BLOCK) {
    throw new Error(`corrupt block count ${size} with ${left} byte(s) left`);
  }
  return size;
}

function checkTap(tap: Tap): void {
  if (tap.pos > tap.buf.length) throw new Error('truncated buffer');
}

function readArray(this: { itemsType: ItemReader }, tap: Tap): unknown[] {
  const items = this.itemsType;
  const val: unknown[] = [];
  let n: number;
  while ((n = tap.readLong())) {
    if (n < 0) {
      n = -n;
      tap.skipLong();
    }
    blockCount(tap, n);
    while (n--) {
      val.push(items._read(tap));
      checkTap(tap);
    }
  }
  return val;
}

function skipArray(this: { itemsType: ItemReader }, tap: Tap): void {
  const items = this.itemsType;
  let n: number;
  while ((n = tap.readLong())) {
    if (n < 0) {
      tap.pos += tap.readLong();
      checkTap(tap);
      continue;
    }
    blockCount(tap, n);
    while (n--) {
      items._skip(tap);
      checkTap(tap);
    }
  }
}

function readMap(this: { valuesType: ItemReader }, tap: Tap): Record<string, unknown> {
  const values = this.valuesType;
  const val: Record<string, unknown> = {};
  let n: number;
  while ((n = tap.readLong())) {
    if (n < 0) {
      n = -n;
      tap.skipLong();
    }
    blockCount(tap, n);
    while (n--) {
      const key = tap.readString();
      val[key] = values._read(tap);
      checkTap(tap);
    }
  }
  return val;
}

function skipMap(this: { valuesType: ItemReader }, tap: Tap): void {
  const values = this.valuesType;
  let n: number;
  while ((n = tap.readLong())) {
    if (n < 0) {
      tap.pos += tap.readLong();
      checkTap(tap);
      continue;
    }
    blockCount(tap, n);
    while (n--) {
      tap.skipString();
      values._skip(tap);
      checkTap(tap);
    }
  }
}

// Subclasses whose read/skip check block counts. avsc's resolvers copy `this._read` from the reader
// type, so resolved reads are covered as well as skipped writer-only fields.
class CheckedArrayType extends avro.types.ArrayType {}
class CheckedMapType extends avro.types.MapType {}
Object.assign(CheckedArrayType.prototype, { _read: readArray, _skip: skipArray });
Object.assign(CheckedMapType.prototype, { _read: readMap, _skip: skipMap });

function typeHook(schema: unknown, opts: object): Type | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const s = schema as { type?: unknown; logicalType?: unknown };
  if (s.logicalType !== undefined) return undefined;
  if (s.type === 'array') return new CheckedArrayType(schema as Schema, opts);
  if (s.type === 'map') return new CheckedMapType(schema as Schema, opts);
  return undefined;
}

/**
 * Parses a schema the way the whole package does (see the top of this file). Throws avsc's error
 * for an invalid schema.
 */
export function parseAvroSchema(schema: AvroSchemaInput): Type {
  if (avro.Type.isType(schema)) return schema as Type;
  const json: unknown = typeof schema === 'string' ? JSON.parse(schema) : schema;
  // avsc mutates its options (registry of names): a fresh object per call.
  return avro.Type.forSchema(json as Schema, { wrapUnions: 'auto', omitRecordMethods: true, typeHook });
}

/** The schema as JSON text for the registry; custom attributes (`doc`, `pii`) are kept when given as JSON. */
export function schemaText(schema: AvroSchemaInput): string {
  if (typeof schema === 'string') return schema;
  if (avro.Type.isType(schema)) return JSON.stringify((schema as Type).schema({ exportAttrs: true }));
  return JSON.stringify(schema);
}

/** The parsed schema JSON (for walking custom attributes such as `pii`). */
export function schemaJson(schema: AvroSchemaInput): unknown {
  if (typeof schema === 'string') return JSON.parse(schema);
  if (avro.Type.isType(schema)) return (schema as Type).schema({ exportAttrs: true });
  return schema;
}

export function isAvroType(value: unknown): value is Type {
  return avro.Type.isType(value);
}
