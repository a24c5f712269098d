// Integration tests of the serde against the real registry of the test stack.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testStack, uniqueTopic } from '@junction/testing';
import { AvroSerde } from './avro-serde';
import {
  AvroDecodeError,
  AvroEncodeError,
  IncompatibleSchemaError,
  RegistryUnavailableError,
  SchemaResolutionError,
  UnknownSchemaError,
  WireFormatError,
  type SchemaError,
} from './errors';
import { RegistryClient } from './registry-client';
import { parseWireFormat, toWireFormat } from './wire-format';

const leadSchema = JSON.parse(
  readFileSync(new URL('./__fixtures__/avsc/crm/lead-created.avsc', import.meta.url), 'utf8'),
) as object;

/** A value for the LeadCreated fixture, with every kind of field filled in. */
function lead(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    leadId: 'L-1',
    email: 'ada@example.com',
    createdAt: 1_763_900_000_123,
    birthDate: 4_000,
    status: 'QUALIFIED',
    company: {
      name: 'Acme',
      employees: 42,
      address: { street: '1 Main St', city: 'Springfield', country: 'US' },
    },
    billingAddress: null,
    tags: ['b2b', 'emea'],
    attributes: { source: 'webinar', campaign: 'q4' },
    score: 0.75,
    fingerprint: Buffer.alloc(16, 7),
    avatar: Buffer.from([1, 2, 3]),
    contacts: [
      { name: 'Grace', phones: { work: '+1 555 0100' }, role: { 'junction.crm.LeadStatus': 'NEW' } },
      { name: 'Linus', phones: {}, role: { string: 'champion' } },
      { name: 'Ken', phones: {}, role: null },
    ],
    amount: Buffer.from([0x01, 0x00]),
    ...overrides,
  };
}

const probeV1 = {
  type: 'record',
  name: 'Probe',
  namespace: 'junction.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'int' },
  ],
};
/** v1 plus an optional field with a default: BACKWARD and FORWARD compatible. */
const probeV2 = {
  ...probeV1,
  fields: [
    ...probeV1.fields,
    { name: 'region', type: ['null', 'string'], default: null },
    { name: 'weight', type: 'double', default: 1.5 },
  ],
};

function subject(base = 'test.serde.event.v1'): string {
  return `${uniqueTopic(base)}-value`;
}

function serde(): AvroSerde {
  return new AvroSerde(new RegistryClient(testStack().schemaRegistryUrl));
}

async function rejection(p: Promise<unknown>): Promise<SchemaError> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as SchemaError,
  );
}

function thrown(fn: () => unknown): SchemaError {
  try {
    fn();
  } catch (err) {
    return err as SchemaError;
  }
  throw new Error('expected a throw');
}

describe('AvroSerde round trip', () => {
  it('registers once, encodes to the wire format and decodes every kind of field back', async () => {
    const s = serde();
    const encoder = await s.encoder(subject('test.serde.lead.created.v1'), leadSchema);
    expect(encoder.schemaId).toBeGreaterThan(0);
    const value = lead();
    const bytes = encoder.encode(value);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(encoder.schemaId);

    const decoded = await s.decoder(leadSchema).decode(bytes);
    expect(decoded).toEqual(value);
    const d = decoded as Record<string, unknown>;
    expect(typeof d.createdAt).toBe('number'); // timestamp-millis stays a number of epoch ms
    expect(Buffer.isBuffer(d.fingerprint)).toBe(true);
    expect(JSON.parse(JSON.stringify({ ...d, fingerprint: 0, avatar: 0, amount: 0 }))).toMatchObject({
      leadId: 'L-1',
    });
  });

  it('gives the same encoder for the same subject and schema, and decodes with a fresh serde from the registry', async () => {
    const s = serde();
    const subj = subject();
    const [a, b] = await Promise.all([s.encoder(subj, probeV1), s.encoder(subj, JSON.stringify(probeV1))]);
    expect(a).toBe(b);
    const other = await serde()
      .decoder(probeV1)
      .decode(a.encode({ id: 'x', count: 3 }));
    expect(other).toEqual({ id: 'x', count: 3 });
  });

  it('grows its scratch buffer for large values', async () => {
    const encoder = await serde().encoder(subject(), probeV1);
    const big = { id: 'x'.repeat(100_000), count: 1 };
    const bytes = encoder.encode(big);
    expect(bytes.length).toBeGreaterThan(100_000);
    expect(await serde().decoder(probeV1).decode(bytes)).toEqual(big);
    expect(
      await serde()
        .decoder(probeV1)
        .decode(encoder.encode({ id: 'small', count: 2 })),
    ).toEqual({ id: 'small', count: 2 });
  });

  it('with autoRegister off, uses a registered schema and refuses an unregistered one', async () => {
    const s = serde();
    const subj = subject();
    const registered = await s.encoder(subj, probeV1);
    const lookedUp = await s.encoder(subj, probeV1, { autoRegister: false });
    expect(lookedUp.schemaId).toBe(registered.schemaId);
    const err = await rejection(s.encoder(subj, probeV2, { autoRegister: false }));
    expect(err).toBeInstanceOf(UnknownSchemaError);
    expect(err.retriable).toBe(false);
    expect(err.message).toContain(subj);
  });

  it('after the first record of a schema id, decodes without any request to the registry, in microseconds', async () => {
    const calls: string[] = [];
    const client = new RegistryClient({
      url: testStack().schemaRegistryUrl,
      fetch: (input, init) => {
        calls.push(String(input));
        return fetch(input, init);
      },
    });
    const s = new AvroSerde(client);
    const encoder = await s.encoder(subject(), leadSchema);
    const value = lead({
      tags: Array.from({ length: 40 }, (_, i) => `tag-number-${i}`),
      attributes: { note: 'n'.repeat(300) },
    });
    const bytes = encoder.encode(value);
    expect(bytes.length).toBeGreaterThan(800);
    expect(bytes.length).toBeLessThan(1_400);
    const decoder = s.decoder(leadSchema);
    expect(await decoder.decode(bytes)).toEqual(value);
    const requests = calls.length;

    const n = 5_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await decoder.decode(bytes);
    const microsPerDecode = Number(process.hrtime.bigint() - started) / 1_000 / n;
    expect(calls.length).toBe(requests);
    // typically a few µs; the bound only catches a network or JSON round trip sneaking into the hot path
    expect(microsPerDecode).toBeLessThan(200);
  });
});

describe('AvroSerde schema evolution', () => {
  it('reads v1 records with a v2 reader (new fields take their defaults) and v2 records with a v1 reader', async () => {
    const s = serde();
    const subj = subject('test.serde.evolution.v1');
    const v1 = await s.encoder(subj, probeV1);
    const v2 = await s.encoder(subj, probeV2);
    expect(v2.schemaId).not.toBe(v1.schemaId);

    const oldRecord = v1.encode({ id: 'old', count: 1 });
    const newRecord = v2.encode({ id: 'new', count: 2, region: 'emea', weight: 3 });

    const v2Reader = s.decoder(probeV2);
    expect(await v2Reader.decode(oldRecord)).toEqual({ id: 'old', count: 1, region: null, weight: 1.5 });
    expect(await v2Reader.decode(newRecord)).toEqual({ id: 'new', count: 2, region: 'emea', weight: 3 });

    const v1Reader = s.decoder(probeV1);
    expect(await v1Reader.decode(newRecord)).toEqual({ id: 'new', count: 2 });
    expect(await v1Reader.decode(oldRecord)).toEqual({ id: 'old', count: 1 });
  });

  it('resolves across namespaces and promotes int to long', async () => {
    const s = serde();
    const writer = await s.encoder(subject(), probeV1);
    const reader = {
      type: 'record',
      name: 'Probe',
      namespace: 'another.team',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'count', type: 'long' },
      ],
    };
    expect(await s.decoder(reader).decode(writer.encode({ id: 'a', count: 5 }))).toEqual({
      id: 'a',
      count: 5,
    });
  });

  it('rejects a writer the reader cannot resolve with a non-retriable SchemaResolutionError, every time', async () => {
    const calls: string[] = [];
    const client = new RegistryClient({
      url: testStack().schemaRegistryUrl,
      fetch: (input, init) => {
        calls.push(String(input));
        return fetch(input, init);
      },
    });
    const s = new AvroSerde(client);
    const writer = await s.encoder(subject(), probeV1);
    const reader = { ...probeV1, fields: [...probeV1.fields, { name: 'mandatory', type: 'string' }] }; // no default
    const decoder = s.decoder(reader);
    const bytes = writer.encode({ id: 'a', count: 1 });
    const before = calls.length;
    for (let i = 0; i < 2; i++) {
      const err = await rejection(decoder.decode(bytes));
      expect(err).toBeInstanceOf(SchemaResolutionError);
      expect(err.name).toBe('SchemaResolutionError');
      expect(err.retriable).toBe(false);
      expect(err.message).toContain(`schema id ${writer.schemaId}`);
      expect(err.message).toContain('junction.test.Probe');
    }
    expect(calls.length - before).toBe(1);
  });
});

describe('AvroSerde poison records and registry failures', () => {
  it('rejects an unknown writer schema id with a non-retriable UnknownSchemaError', async () => {
    const err = await rejection(
      serde()
        .decoder(probeV1)
        .decode(toWireFormat(2_147_480_001, Buffer.from([2, 0x61, 2]))),
    );
    expect(err).toBeInstanceOf(UnknownSchemaError);
    expect(err.retriable).toBe(false);
    expect(err.message).toContain('2147480001');
  });

  it('rejects values that are not wire format with WireFormatError', async () => {
    const decoder = serde().decoder(probeV1);
    for (const bad of [Buffer.from('{"id":"json"}'), Buffer.from([0, 0, 1]), null, Buffer.alloc(0)]) {
      const err = await rejection(decoder.decode(bad));
      expect(err).toBeInstanceOf(WireFormatError);
      expect(err.retriable).toBe(false);
    }
  });

  it('rejects truncated, corrupt and over-long bodies with AvroDecodeError', async () => {
    const s = serde();
    const encoder = await s.encoder(subject('test.serde.lead.corrupt.v1'), leadSchema);
    const decoder = s.decoder(leadSchema);
    const good = encoder.encode(lead());
    const { schemaId, payload } = parseWireFormat(good);

    const truncated = await rejection(decoder.decode(good.subarray(0, good.length - 10)));
    expect(truncated).toBeInstanceOf(AvroDecodeError);
    expect(truncated.retriable).toBe(false);
    expect(truncated.message).toMatch(/truncated/);
    expect(truncated.message).toContain(`schema id ${schemaId}`);

    const trailing = await rejection(decoder.decode(Buffer.concat([good, Buffer.from([0, 0, 0])])));
    expect(trailing).toBeInstanceOf(AvroDecodeError);
    expect(trailing.message).toMatch(/trailing data/);

    // the status enum index (after leadId, email, createdAt, birthDate) set to 9: no such symbol
    const probe = Buffer.from(payload);
    const statusAt = 1 + 3 + 1 + 15 + 6 + 1 + 2; // len+"L-1", len+email, createdAt varint, union+date
    expect(probe[statusAt]).toBe(2); // zig-zag 1 = QUALIFIED
    probe[statusAt] = 18;
    const corrupt = await rejection(decoder.decode(toWireFormat(schemaId, probe)));
    expect(corrupt).toBeInstanceOf(AvroDecodeError);
    expect(corrupt.retriable).toBe(false);

    const empty = await rejection(decoder.decode(toWireFormat(schemaId, Buffer.alloc(0))));
    expect(empty).toBeInstanceOf(AvroDecodeError);
  });

  it.each([
    ['array', { type: 'array', items: 'string' }],
    ['map', { type: 'map', values: 'string' }],
  ])(
    'fails fast on a corrupt %s block count instead of looping on it, resolved or skipped too',
    async (_kind, fieldType) => {
      const s = serde();
      const schema = {
        type: 'record',
        name: 'Bag',
        namespace: 'junction.test',
        fields: [{ name: 'items', type: fieldType }],
      };
      const encoder = await s.encoder(subject(), schema);
      const { schemaId } = parseWireFormat(encoder.encode({ items: _kind === 'array' ? [] : {} }));
      // block count 2^27 (zig-zag varint), then two bytes: avsc alone reads 134 million empty items,
      // ~12 s and gigabytes here, before it notices the buffer ended
      const body = toWireFormat(schemaId, Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01, 0x02, 0x61]));
      const readers = {
        same: schema,
        resolved: { ...schema, fields: [...schema.fields, { name: 'extra', type: 'int', default: 0 }] },
        skipped: { ...schema, fields: [{ name: 'extra', type: 'int', default: 0 }] },
      };
      for (const [how, reader] of Object.entries(readers)) {
        const started = Date.now();
        const err = await rejection(s.decoder(reader).decode(body));
        expect(Date.now() - started, how).toBeLessThan(1_000);
        expect(err, how).toBeInstanceOf(AvroDecodeError);
        expect(err.message, how).toMatch(/corrupt block count/);
      }
    },
  );

  it('fails with a retriable RegistryUnavailableError when the registry is unreachable', async () => {
    const s = new AvroSerde(new RegistryClient('http://127.0.0.1:1'));
    const decodeErr = await rejection(s.decoder(probeV1).decode(toWireFormat(1, Buffer.from([2, 0x61, 2]))));
    expect(decodeErr).toBeInstanceOf(RegistryUnavailableError);
    expect(decodeErr.retriable).toBe(true);
    const encodeErr = await rejection(s.encoder('unreachable-value', probeV1));
    expect(encodeErr).toBeInstanceOf(RegistryUnavailableError);
    expect(encodeErr.retriable).toBe(true);
  });

  it('rejects an incompatible schema for a subject with IncompatibleSchemaError', async () => {
    const s = serde();
    const subj = subject();
    await s.encoder(subj, probeV1);
    const incompatible = { ...probeV1, fields: [...probeV1.fields, { name: 'owner', type: 'string' }] };
    const err = await rejection(s.encoder(subj, incompatible));
    expect(err).toBeInstanceOf(IncompatibleSchemaError);
    expect(err.retriable).toBe(false);
    expect(err.message).toContain(subj);
  });
});

describe('AvroSerde encode validation', () => {
  it('throws AvroEncodeError listing every failing path, without the values', async () => {
    const encoder = await serde().encoder(subject('test.serde.lead.invalid.v1'), leadSchema);
    const err = thrown(() =>
      encoder.encode(
        lead({
          email: 42,
          company: { name: null, employees: 1.5, address: null },
          tags: ['ok', 7],
          status: 'WON',
        }),
      ),
    ) as AvroEncodeError;
    expect(err).toBeInstanceOf(AvroEncodeError);
    expect(err.name).toBe('AvroEncodeError');
    expect(err.retriable).toBe(false);
    expect(err.paths).toEqual(['email', 'status', 'company.name', 'company.employees', 'tags.1']);
    expect(err.message).toContain('junction.crm.LeadCreated');
    expect(err.message).toContain('email: an integer number is not a valid string');
    expect(err.message).not.toContain('WON');
  });

  it('reports a missing required field', async () => {
    const encoder = await serde().encoder(subject(), probeV1);
    const err = thrown(() => encoder.encode({ id: 'a' } as never)) as AvroEncodeError;
    expect(err).toBeInstanceOf(AvroEncodeError);
    expect(err.paths).toEqual(['count']);
    expect(err.message).toContain('count: undefined (missing)');
  });
});
