import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAvroSchema } from '@junction/schemas';
import { generateFromSchema } from './from-schema';
import { Random } from './random';

const SCHEMAS = join(import.meta.dirname, '../../../schemas');
const avscFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() && e.name !== 'node_modules' && e.name !== 'generated'
      ? avscFiles(join(dir, e.name))
      : e.name.endsWith('.avsc')
        ? [join(dir, e.name)]
        : [],
  );

describe('generateFromSchema', () => {
  it("gives valid records for every schema in schemas/, by the schema's own resolver", () => {
    const files = avscFiles(SCHEMAS);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const schema = JSON.parse(readFileSync(file, 'utf8')) as object;
      const type = parseAvroSchema(schema as never);
      const rng = new Random(7);
      for (let i = 0; i < 50; i++) {
        const record = generateFromSchema(schema, rng, i);
        expect(type.isValid(record), `${file} record ${i}: ${JSON.stringify(record)}`).toBe(true);
      }
    }
  });

  it('is reproducible by seed and follows name conventions', () => {
    const schema = {
      type: 'record',
      name: 'OrderCreated',
      fields: [
        { name: 'orderId', type: 'string' },
        { name: 'contactEmail', type: ['null', 'string'], default: null },
        { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
        { name: 'previous', type: ['null', 'Status'], default: null },
      ],
    };
    const a = generateFromSchema(schema, new Random(1), 3);
    expect(generateFromSchema(schema, new Random(1), 3)).toMatchObject({ orderId: a.orderId });
    expect(a.orderId).toMatch(/^order-3-[0-9a-f]{6}$/);
    expect(Math.abs(Date.now() - (a.createdAt as number))).toBeLessThan(3_700_000);
    expect(['NEW', 'PAID']).toContain(a.status);
    expect(parseAvroSchema(schema as never).isValid(a)).toBe(true);
  });
});
