import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { piiFields } from './pii';

const fixture = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/avsc/${file}`, import.meta.url), 'utf8')) as unknown;

describe('piiFields', () => {
  it('lists marked fields as dotted paths through nested records, nullable unions, arrays and maps', () => {
    expect(piiFields(fixture('crm/lead-created.avsc') as object)).toEqual([
      'email',
      'birthDate',
      'company.address.street',
      'billingAddress.street', // a reference by name to a record defined earlier
      'contacts.*.name',
      'contacts.*.phones',
    ]);
  });

  it('uses * for the branch of an ambiguous (wrapped) union and follows recursive types once', () => {
    expect(piiFields(fixture('support/ticket.avsc') as object)).toEqual([
      'channel.*.from',
      'channel.*.handle',
    ]);
  });

  it('returns [] for a schema without personal data, and accepts JSON text', () => {
    expect(piiFields(fixture('crm/lead-qualified.avsc') as object)).toEqual([]);
    expect(
      piiFields('{"type":"record","name":"A","fields":[{"name":"x","type":"string","pii":true}]}'),
    ).toEqual(['x']);
  });

  it('reports a marked record field once, not the fields under it, but still sees types defined inside it', () => {
    const schema = {
      type: 'record',
      name: 'Person',
      fields: [
        {
          name: 'home',
          pii: true,
          type: { type: 'record', name: 'Place', fields: [{ name: 'street', type: 'string', pii: true }] },
        },
        { name: 'work', type: ['null', 'Place'], default: null },
        { name: 'notes', type: { type: 'map', values: { type: 'array', items: 'Place' } } },
        { name: 'consent', type: 'boolean', pii: false },
      ],
    };
    expect(piiFields(schema)).toEqual(['home', 'work.street', 'notes.*.*.street']);
  });

  it('throws on an invalid schema', () => {
    expect(() => piiFields({ type: 'record', name: 'Broken' })).toThrow();
  });
});
