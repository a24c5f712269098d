import { describe, expect, it } from 'vitest';
import { WireFormatError } from './errors';
import { HEADER_SIZE, parseWireFormat, toWireFormat } from './wire-format';

describe('Confluent wire format', () => {
  it('round-trips a schema id and body', () => {
    const body = Buffer.from([1, 2, 3, 4]);
    const buf = toWireFormat(258, body);
    expect([...buf]).toEqual([0, 0, 0, 1, 2, 1, 2, 3, 4]);
    const parsed = parseWireFormat(buf);
    expect(parsed.schemaId).toBe(258);
    expect([...parsed.payload]).toEqual([1, 2, 3, 4]);
  });

  it('returns the body as a view on the input, not a copy', () => {
    const buf = toWireFormat(7, Buffer.from('abc'));
    const { payload } = parseWireFormat(buf);
    buf[HEADER_SIZE] = 0x7a;
    expect(payload.toString()).toBe('zbc');
  });

  it('accepts a plain Uint8Array (a slice of a larger buffer) and an empty body', () => {
    const big = new Uint8Array([9, 9, 0, 0, 0, 0, 42, 0x10, 9]);
    expect(parseWireFormat(big.subarray(2, 8))).toMatchObject({ schemaId: 42 });
    expect([...parseWireFormat(big.subarray(2, 8)).payload]).toEqual([0x10]);
    expect(parseWireFormat(toWireFormat(1, Buffer.alloc(0))).payload.length).toBe(0);
  });

  it('reads the id as a signed big-endian int32', () => {
    expect(parseWireFormat(Buffer.from([0, 0x7f, 0xff, 0xff, 0xff])).schemaId).toBe(2147483647);
    expect(parseWireFormat(Buffer.from([0, 0xff, 0xff, 0xff, 0xff])).schemaId).toBe(-1);
  });

  it.each([
    ['null', null, /found null/],
    ['undefined', undefined, /found undefined/],
    ['an empty buffer', Buffer.alloc(0), /found an empty buffer/],
    ['a buffer shorter than 5 bytes', Buffer.from([0, 0, 1]), /at least 5 bytes .* found 3/],
    ['a wrong magic byte', Buffer.from('{"leadId":"L-1"}'), /magic byte 0x00 .* found 0x7b/],
    ['a wrong magic byte on a short buffer', Buffer.from([1, 2]), /found 0x01/],
  ])('rejects %s with a WireFormatError that says what it found', (_what, input, message) => {
    let caught: unknown;
    try {
      parseWireFormat(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WireFormatError);
    const err = caught as WireFormatError;
    expect(err.name).toBe('WireFormatError');
    expect(err.retriable).toBe(false);
    expect(err.message).toMatch(message);
  });

  it('refuses a schema id that does not fit in 32 bits', () => {
    expect(() => toWireFormat(2 ** 31, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => toWireFormat(1.5, Buffer.alloc(0))).toThrow(RangeError);
  });
});
