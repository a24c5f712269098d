import { describe, expect, it } from 'vitest';
import { checkFilters, displayHeaders, FilterError, matches, parseHeaderMatch, parseTime } from './filters';
import { replayHeaders } from './dead-letters';
import { TokenBucket } from './token-bucket';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('filters', () => {
  it('parses ISO times and durations ago, and says what is expected otherwise', () => {
    expect(parseTime('2026-11-23T10:00:00Z', NOW)).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(parseTime('2026-11-23', NOW)).toBe(Date.parse('2026-11-23'));
    expect(parseTime('2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseTime('30m', NOW)).toBe(NOW - 1_800_000);
    expect(parseTime('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseTime('1.5h', NOW)).toBe(NOW - 5_400_000);
    for (const bad of ['yesterday', '2x', '', '-2h', '2026-13-45T99:00:00Z'])
      expect(() => parseTime(bad, NOW)).toThrow(/expected an ISO-8601 time .* or a duration ago/);
  });

  it('parses header matches name=value', () => {
    expect(parseHeaderMatch('junction-error-code=quality.range')).toEqual({
      name: 'junction-error-code',
      value: 'quality.range',
    });
    expect(parseHeaderMatch('a=b=c')).toEqual({ name: 'a', value: 'b=c' });
    expect(parseHeaderMatch('a=')).toEqual({ name: 'a', value: '' });
    expect(() => parseHeaderMatch('novalue')).toThrow(FilterError);
    expect(() => parseHeaderMatch('=x')).toThrow(/expected name=value/);
  });

  it('rejects a time range that ends before it starts', () => {
    expect(() => checkFilters({ since: NOW, until: NOW - 1 })).toThrow(/--since to be before --until/);
  });

  it('matches on time, error class, pipeline, key and decoded headers', () => {
    const part = Buffer.alloc(4);
    part.writeInt32BE(7);
    const rec = {
      timestamp: NOW,
      key: Buffer.from('L-1'),
      headers: {
        'kafka_dlt-exception-fqcn': Buffer.from('CallError'),
        'junction-pipeline': Buffer.from('lead-scoring'),
        'kafka_dlt-original-partition': part,
      },
    };
    expect(matches({}, rec)).toBe(true);
    expect(matches({ since: NOW, until: NOW + 1 }, rec)).toBe(true);
    expect(matches({ since: NOW + 1 }, rec)).toBe(false);
    expect(matches({ until: NOW }, rec)).toBe(false);
    expect(matches({ errorClass: 'CallError', pipeline: 'lead-scoring', key: 'L-1' }, rec)).toBe(true);
    expect(matches({ errorClass: 'QualityError' }, rec)).toBe(false);
    expect(matches({ pipeline: 'ticket-triage' }, rec)).toBe(false);
    expect(matches({ key: 'L-2' }, rec)).toBe(false);
    expect(matches({ headers: [{ name: 'kafka_dlt-original-partition', value: '7' }] }, rec)).toBe(true);
    expect(matches({ headers: [{ name: 'missing', value: '' }] }, rec)).toBe(false);
    expect(displayHeaders({ x: Buffer.from([0xff, 0x00]) })).toEqual({ x: 'hex:ff00' });
  });
});

describe('replayHeaders', () => {
  it('keeps the original headers and the idempotency key, strips failure headers, adds junction-replay-of', () => {
    const h = replayHeaders(
      {
        traceparent: Buffer.from('00-abc-def-01'),
        'x-app': Buffer.from('crm'),
        'junction-idempotency-key': Buffer.from('evt-1'),
        'junction-pipeline': Buffer.from('p'),
        'junction-attempts': Buffer.from('3'),
        'junction-error-kind': Buffer.from('retriable'),
        'junction-error-code': Buffer.from('call.unavailable'),
        'junction-first-failure': Buffer.from('1'),
        'junction-last-failure': Buffer.from('2'),
        'junction-replay-of': Buffer.from('older:0:1'),
        'kafka_dlt-original-topic': Buffer.from('t'),
        'kafka_dlt-exception-stacktrace': Buffer.from('...'),
      },
      't.p.dlq:0:5',
    );
    expect(Object.keys(h).sort()).toEqual([
      'junction-idempotency-key',
      'junction-replay-of',
      'traceparent',
      'x-app',
    ]);
    expect(String(h['junction-replay-of'])).toBe('t.p.dlq:0:5');
  });
});

describe('TokenBucket', () => {
  it('lets a burst of its capacity through, then paces at the rate', async () => {
    let t = 0;
    const slept: number[] = [];
    const bucket = new TokenBucket(
      100,
      10,
      () => t,
      async (ms) => {
        slept.push(ms);
        t += ms;
      },
    );
    await bucket.take(10);
    expect(t).toBe(0);
    for (let i = 0; i < 10; i++) await bucket.take(10);
    // 100 more tokens at 100/s: one second
    expect(t).toBeGreaterThanOrEqual(999);
    expect(t).toBeLessThan(1_100);
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});
