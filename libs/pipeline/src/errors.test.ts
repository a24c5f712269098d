import { describe, expect, it } from 'vitest';
import { classify } from './errors';

describe('error classification', () => {
  const named = (name: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(name), { name, ...extra });

  it('bad input is poison', () => {
    for (const n of [
      'WireFormatError',
      'UnknownSchemaError',
      'AvroDecodeError',
      'SchemaResolutionError',
      'QualityError',
      'NullValueError',
    ]) {
      expect(classify(named(n)).kind).toBe('poison');
    }
  });

  it('retriable errors stay retriable and keep Retry-After; others are permanent', () => {
    expect(
      classify(named('CallError', { code: 'timeout', retriable: true, retryAfterMs: 1500 })),
    ).toMatchObject({
      kind: 'retriable',
      code: 'call.timeout',
      retryAfterMs: 1500,
    });
    expect(classify(named('RegistryUnavailableError', { retriable: true }))).toMatchObject({
      kind: 'retriable',
      code: 'registry-unavailable',
    });
    expect(classify(named('CallError', { code: 'http', retriable: false })).kind).toBe('permanent');
    expect(classify(new TypeError('x is undefined')).kind).toBe('permanent');
    expect(classify('a string').message).toBe('a string');
  });
});
