import { describe, expect, it } from 'vitest';
import { CallError } from '@junction/calls';
import {
  AvroDecodeError,
  AvroEncodeError,
  RegistryUnavailableError,
  SchemaResolutionError,
  UnknownSchemaError,
  WireFormatError,
} from '@junction/schemas';
import { classify, MappingError, NullValueError, QualityError } from './errors';

describe('error classification (reads the kind an error was thrown with)', () => {
  it('bad input is poison, with the code of what was wrong', () => {
    const cases: [Error, string][] = [
      [new WireFormatError('no magic byte'), 'wire-format'],
      [new UnknownSchemaError('schema 7 not found'), 'unknown-schema'],
      [new AvroDecodeError('truncated'), 'avro-decode'],
      [new SchemaResolutionError('cannot resolve'), 'schema-resolution'],
      [new QualityError('range', 'employees', 'employees out of range'), 'quality.range'],
      [new NullValueError(), 'null-value'],
    ];
    for (const [err, code] of cases)
      expect(classify(err)).toMatchObject({ kind: 'poison', code, errorClass: err.name });
  });

  it('an unknown schema is retriable when the registry client was built to expect replication lag', () => {
    expect(classify(new UnknownSchemaError('schema 7 not found', { retriable: true }))).toMatchObject({
      kind: 'retriable',
      code: 'unknown-schema',
    });
  });

  it('retriable errors stay retriable and keep Retry-After; others are permanent', () => {
    expect(
      classify(new CallError({ code: 'timeout', message: 'took too long', retryAfterMs: 1500 })),
    ).toMatchObject({
      kind: 'retriable',
      code: 'call.timeout',
      errorClass: 'CallError',
      retryAfterMs: 1500,
    });
    expect(classify(new RegistryUnavailableError('registry down'))).toMatchObject({
      kind: 'retriable',
      code: 'registry-unavailable',
    });
    expect(classify(new CallError({ code: 'http', status: 400, message: 'bad request' }))).toMatchObject({
      kind: 'permanent',
      code: 'call.http',
    });
    expect(classify(new AvroEncodeError('score is not a double')).kind).toBe('permanent');
    expect(classify(new MappingError('result', new TypeError('x is undefined')))).toMatchObject({
      kind: 'permanent',
      code: 'mapping',
    });
  });

  it('an error without a kind is permanent unless it says it is retriable', () => {
    expect(classify(new TypeError('x is undefined'))).toMatchObject({ kind: 'permanent', code: 'error' });
    expect(classify(Object.assign(new Error('leader moved'), { retriable: true })).kind).toBe('retriable');
    // a name alone decides nothing
    expect(classify(Object.assign(new Error('x'), { name: 'WireFormatError' })).kind).toBe('permanent');
    expect(classify('a string').message).toBe('a string');
  });
});
