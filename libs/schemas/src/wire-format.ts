// Confluent wire format: [0x00 magic byte][int32 big-endian schema id][Avro binary body].
import { WireFormatError } from './errors';

export const MAGIC_BYTE = 0;
export const HEADER_SIZE = 5;

export interface WireFormatMessage {
  schemaId: number;
  /** The Avro body: a view on the input buffer, not a copy. */
  payload: Buffer;
}

/** Splits a record value into its schema id and Avro body; throws `WireFormatError` (poison) when it is not wire format. */
export function parseWireFormat(buf: Buffer | Uint8Array | null | undefined): WireFormatMessage {
  if (buf === null || buf === undefined) {
    throw new WireFormatError(
      `expected a Confluent wire-format value, found ${buf === null ? 'null' : 'undefined'} (a tombstone?)`,
    );
  }
  if (buf.length === 0)
    throw new WireFormatError('expected a Confluent wire-format value, found an empty buffer');
  if (buf[0] !== MAGIC_BYTE) {
    throw new WireFormatError(
      `expected magic byte 0x00 at offset 0, found 0x${buf[0]!.toString(16).padStart(2, '0')} (first bytes: ${hexHead(buf)}); not Confluent wire format`,
    );
  }
  if (buf.length < HEADER_SIZE) {
    throw new WireFormatError(
      `expected at least ${HEADER_SIZE} bytes (magic byte + 4-byte schema id), found ${buf.length} (${hexHead(buf)})`,
    );
  }
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return { schemaId: b.readInt32BE(1), payload: b.subarray(HEADER_SIZE) };
}

/** Prefixes an Avro body with the magic byte and the schema id (one copy). */
export function toWireFormat(schemaId: number, payload: Buffer | Uint8Array): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < -0x80000000 || schemaId > 0x7fffffff) {
    throw new RangeError(`schema id must be a 32-bit integer, got ${schemaId}`);
  }
  const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  out[0] = MAGIC_BYTE;
  out.writeInt32BE(schemaId, 1);
  out.set(payload, HEADER_SIZE);
  return out;
}

function hexHead(buf: Uint8Array): string {
  const head = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.length, 4)).toString('hex');
  return buf.length > 4 ? `${head}…` : head;
}
