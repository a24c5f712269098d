import { describe, expect, it } from 'vitest';
import { WireFormatError } from '@junction/schemas';
import { range, required } from '../quality';
import { decodeRecord, type AcceptOptions, type Decoder } from './decode';

interface Lead {
  leadId: string;
  eventId: string;
  email: string | null;
  employees: number;
}

// a stand-in for the Avro decoder: JSON behind a one-byte marker, so bad bytes fail like the wire format does
const decoder: Decoder<Lead> = {
  async decode(buf) {
    if (buf[0] !== 0) throw new WireFormatError('not in the Confluent wire format');
    return JSON.parse(buf.subarray(1).toString('utf8')) as Lead;
  },
};
const wire = (v: unknown) => Buffer.concat([Buffer.from([0]), Buffer.from(JSON.stringify(v))]);
const options: AcceptOptions<Lead> = {
  decoder,
  quality: [required('email'), range('employees', 0, 10_000_000)],
  key: (l) => l.leadId,
  idempotencyKey: (l) => l.eventId,
};
const lead: Lead = { leadId: 'L-1', eventId: 'e-1', email: 'a@example.com', employees: 12 };

describe('decode, validate and key a record', () => {
  it('accepts a good record with its ordering and idempotency keys', async () => {
    expect(await decodeRecord(wire(lead), options)).toEqual({
      ok: true,
      event: lead,
      key: 'L-1',
      idempotencyKey: 'e-1',
    });
  });

  it('bytes that are not the wire format, and tombstones, are poison from the decode stage', async () => {
    expect(await decodeRecord(Buffer.from('{}'), options)).toMatchObject({
      ok: false,
      stage: 'decode',
      failure: { kind: 'poison', code: 'wire-format' },
    });
    expect(await decodeRecord(null, options)).toMatchObject({
      ok: false,
      stage: 'decode',
      failure: { kind: 'poison', code: 'null-value' },
    });
  });

  it('a failed quality rule is poison, names the rule and field, and keeps the event for the log', async () => {
    const bad = { ...lead, employees: -3 };
    expect(await decodeRecord(wire(bad), options)).toMatchObject({
      ok: false,
      stage: 'validate',
      failure: { kind: 'poison', code: 'quality.range' },
      quality: { rule: 'range', field: 'employees' },
      event: bad,
    });
  });

  it('a key function that throws or returns no string is a permanent mapping failure', async () => {
    const throwing = {
      ...options,
      key: () => {
        throw new Error('no key');
      },
    };
    expect(await decodeRecord(wire(lead), throwing)).toMatchObject({
      ok: false,
      stage: 'keys',
      failure: { kind: 'permanent', code: 'mapping' },
    });
    const empty = { ...options, idempotencyKey: () => '' };
    expect((await decodeRecord(wire(lead), empty)).ok).toBe(false);
  });
});
