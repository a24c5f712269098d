// The schema-compatibility gate of `make test`: every schemas/**/*.avsc against its released version in
// schemas/schemas.lock.json (written by `junction schemas release`), with Avro's resolution rules.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { checkAgainstLock, compatibilityProblems, readLock } from './schema-compat';
import { workspaceRoot } from './workspace';

const schemasDir = join(workspaceRoot(), 'schemas');

describe('the released schemas', () => {
  it('are all still readable: every .avsc is compatible with its released version', () => {
    expect(Object.keys(readLock(schemasDir)).length).toBeGreaterThan(0);
    const problems = checkAgainstLock(schemasDir);
    expect(problems.map((p) => `${p.subject} (${p.file}) field ${p.field}: ${p.rule}`)).toEqual([]);
  });
});

const v1 = {
  type: 'record',
  name: 'OrderCreated',
  namespace: 'junction.erp.order.v1',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'int' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};
const withFields = (fields: unknown[]) => ({ ...v1, fields });

describe('compatibilityProblems (BACKWARD)', () => {
  it('allows a field added with a default, a removed field and a promoted type', () => {
    const next = withFields([
      { name: 'orderId', type: 'string' },
      { name: 'amount', type: 'long' },
      { name: 'channel', type: 'string', default: 'web' },
    ]);
    expect(compatibilityProblems(v1, next, 'BACKWARD')).toEqual([]);
  });

  it('names the field and the rule when a field is added without a default', () => {
    const next = withFields([...v1.fields, { name: 'currency', type: 'string' }]);
    expect(compatibilityProblems(v1, next, 'BACKWARD')).toEqual([
      {
        field: 'currency',
        rule: 'BACKWARD: a field added without a default: the new reader has no value for it in data written before',
      },
    ]);
  });

  it('names the field when its type changes to one Avro cannot promote to', () => {
    const next = withFields([
      { name: 'orderId', type: 'string' },
      { name: 'amount', type: 'string' },
      v1.fields[2],
    ]);
    const problems = compatibilityProblems(v1, next, 'BACKWARD');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('amount');
    expect(problems[0]!.rule).toMatch(/^BACKWARD: Avro cannot resolve int to string/);
  });

  it('checks both ways under FULL', () => {
    const next = withFields([
      { name: 'orderId', type: 'string' },
      v1.fields[1],
      v1.fields[2],
      { name: 'x', type: 'int', default: 0 },
    ]);
    expect(compatibilityProblems(v1, next, 'FULL')).toEqual([]);
    const dropped = withFields([v1.fields[1], v1.fields[2]]);
    expect(compatibilityProblems(v1, dropped, 'FULL').map((p) => p.rule)).toEqual([
      expect.stringMatching(/^FORWARD: a field added without a default/),
    ]);
  });
});
