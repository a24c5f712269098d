import { describe, expect, it } from 'vitest';
import {
  consumerLag,
  formatMs,
  offsetDelta,
  parseModelStats,
  perSecond,
  renderLine,
  renderTable,
  summaryRows,
  type PipelineSample,
} from './summary';

const sample = (pipeline: string, n: Partial<PipelineSample> = {}): PipelineSample => ({
  pipeline,
  in: 0,
  out: 0,
  review: 0,
  retry: 0,
  dlq: 0,
  lag: 0,
  ...n,
});

describe('offsetDelta', () => {
  it('sums what each partition gained since the start', () => {
    expect(offsetDelta({ 0: 10, 1: 5, 2: 0 }, { 0: 14, 1: 5, 2: 3 })).toBe(7);
  });

  it('counts a partition added since the start from 0, and never goes negative', () => {
    expect(offsetDelta({ 0: 10 }, { 0: 12, 1: 4 })).toBe(6);
    // a topic deleted and created again during the demo: its offsets start over
    expect(offsetDelta({ 0: 100 }, { 0: 3 })).toBe(0);
  });
});

describe('consumerLag', () => {
  it('is end minus committed per partition', () => {
    expect(consumerLag({ 0: 100, 1: 50 }, { 0: 90, 1: 50 }, { 0: 0, 1: 0 })).toBe(10);
  });

  it('counts a partition with no committed offset from its first offset', () => {
    expect(consumerLag({ 0: 100, 1: 50 }, { 0: -1 }, { 0: 40, 1: 0 })).toBe(110);
  });

  it('is never negative', () => {
    expect(consumerLag({ 0: 10 }, { 0: 12 }, {})).toBe(0);
  });
});

describe('rates', () => {
  it('is the counter change per second', () => {
    expect(perSecond({ count: 10, at: 1_000 }, { count: 40, at: 3_000 })).toBe(15);
    expect(perSecond(undefined, { count: 40, at: 3_000 })).toBe(0);
    expect(perSecond({ count: 10, at: 3_000 }, { count: 40, at: 3_000 })).toBe(0);
  });

  it('gives each pipeline its results (output + review) per second', () => {
    const rows = summaryRows(
      { at: 0, samples: [sample('a', { out: 10, review: 2 }), sample('b')] },
      { at: 2_000, samples: [sample('a', { out: 30, review: 4 }), sample('b', { out: 6 })] },
    );
    expect(rows.map((r) => [r.pipeline, r.resultsPerSec])).toEqual([
      ['a', 11],
      ['b', 3],
    ]);
    expect(summaryRows(undefined, { at: 1, samples: [sample('a', { out: 5 })] })[0]!.resultsPerSec).toBe(0);
  });
});

describe('model latency', () => {
  it("reads the model server's /admin/stats", () => {
    expect(parseModelStats({ requests: 12, rows: 40, errors: 0, p50Ms: 1.25, p99Ms: 8 })).toEqual({
      requests: 12,
      p50Ms: 1.25,
      p99Ms: 8,
    });
    expect(parseModelStats({ requests: 0, p50Ms: null, p99Ms: null })).toEqual({
      requests: 0,
      p50Ms: null,
      p99Ms: null,
    });
  });

  it('has none when the answer carries no latency', () => {
    expect(parseModelStats({ status: 'ok' })).toBeUndefined();
    expect(parseModelStats('nope')).toBeUndefined();
    expect(parseModelStats(null)).toBeUndefined();
  });

  it('formats milliseconds, n/a when unknown', () => {
    expect(formatMs(1.234)).toBe('1.2 ms');
    expect(formatMs(42.6)).toBe('43 ms');
    expect(formatMs(null)).toBe('n/a');
    expect(formatMs(undefined)).toBe('n/a');
  });
});

describe('rendering', () => {
  const rows = summaryRows(undefined, {
    at: 0,
    samples: [
      sample('lead-scoring', { in: 1200, out: 1100, review: 70, retry: 3, dlq: 24, lag: 6 }),
      sample('ticket-triage', { in: 1190, out: 1000, review: 160, dlq: 25 }),
    ],
  });

  it('draws an aligned table with the model latency under it', () => {
    const text = renderTable(rows, { requests: 300, p50Ms: 2.5, p99Ms: 11.2 }, 61.7);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Junction demo: 61 s, counted from Kafka since the start');
    expect(lines[2]).toBe('pipeline       events in  results out  review  retry  DLQ  lag  results/s');
    expect(lines[3]).toBe('lead-scoring        1200         1100      70      3   24    6        0.0');
    expect(lines[4]).toBe('ticket-triage       1190         1000     160      0   25    0        0.0');
    expect(text).toContain('model calls: p50 2.5 ms, p99 11 ms over 300 requests (model server, all models)');
  });

  it('says n/a when the model server has no latency figures', () => {
    expect(renderTable(rows, undefined, 1)).toContain('model calls: p50 n/a, p99 n/a');
    expect(renderLine(rows, undefined, 5)).toBe(
      '[5s] lead-scoring: in 1200 out 1100 review 70 retry 3 dlq 24 lag 6 0.0/s | ticket-triage: in 1190 out 1000 review 160 retry 0 dlq 25 lag 0 0.0/s | model p50 n/a p99 n/a',
    );
  });
});
