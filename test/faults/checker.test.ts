import { describe, expect, it } from 'vitest';
import {
  clean,
  figuresLine,
  figuresTable,
  tally,
  type Expectation,
  type Ledger,
  type Observation,
} from './checker';

const valid: Expectation = { kind: 'valid' };
const poison = (errorClass: string, errorCode: string): Expectation => ({
  kind: 'poison',
  poison: errorCode,
  errorClass,
  errorCode,
});

function ledger(entries: [string, Expectation][], resent: string[] = []): Ledger {
  return { expected: new Map(entries), resent: new Set(resent) };
}

const out = (id: string | undefined, degraded = false): Observation => ({ topic: 'output', id, degraded });
const rev = (id: string): Observation => ({ topic: 'review', id });
const dlq = (
  id: string | undefined,
  errorClass?: string,
  errorCode?: string,
  errorMessage = 'why',
): Observation => ({
  topic: 'dlq',
  id,
  ...(errorClass ? { errorClass } : {}),
  ...(errorCode ? { errorCode } : {}),
  ...(errorMessage ? { errorMessage } : {}),
});

describe('tally', () => {
  it('is clean when every valid event has one result and every poison event one dead letter with its reason', () => {
    const l = ledger([
      ['a', valid],
      ['b', valid],
      ['c', valid],
      ['p', poison('WireFormatError', 'wire-format')],
    ]);
    const t = tally(l, [
      out('a'),
      rev('b'),
      out('c', true),
      dlq('p', 'WireFormatError', 'wire-format'),
      { topic: 'retry', id: 'c' },
    ]);
    expect(clean(t)).toBe(true);
    expect(t).toMatchObject({
      events: 4,
      valid: 3,
      poison: 1,
      results: 3,
      exactlyOnce: 3,
      review: 1,
      degraded: 1,
      dlq: 1,
      poisonInDlq: 1,
      retried: 1,
      dlqByReason: { 'WireFormatError/wire-format': 1 },
    });
  });

  it('counts a valid event without a result as missing, also when it sits in the DLQ', () => {
    const t = tally(
      ledger([
        ['a', valid],
        ['b', valid],
      ]),
      [out('a'), dlq('b', 'CallError', 'call.timeout')],
    );
    expect(t.missing).toEqual(['b']);
    expect(t.validInDlq).toEqual([{ id: 'b', reason: 'CallError/call.timeout' }]);
    expect(clean(t)).toBe(false);
  });

  it('counts a second result as a duplicate, whichever topic it is on', () => {
    const t = tally(
      ledger([
        ['a', valid],
        ['b', valid],
      ]),
      [out('a'), rev('a'), out('b')],
    );
    expect(t.duplicated).toEqual([{ id: 'a', count: 2 }]);
    expect(t.exactlyOnce).toBe(1);
    expect(clean(t)).toBe(false);
  });

  it('flags poison that is missing, has the wrong reason, a result, or no reason headers', () => {
    const l = ledger([
      ['p1', poison('WireFormatError', 'wire-format')],
      ['p2', poison('QualityError', 'quality.range')],
      ['p3', poison('AvroDecodeError', 'avro-decode')],
      ['p4', poison('NullValueError', 'null-value')],
    ]);
    const t = tally(l, [
      dlq('p2', 'RegistryUnavailableError', 'registry-unavailable'),
      out('p3'),
      dlq('p3', 'AvroDecodeError', 'avro-decode'),
      dlq('p4', 'NullValueError', 'null-value', ''),
    ]);
    expect(t.poisonMissing).toEqual(['p1']);
    expect(t.poisonWrongReason).toEqual([
      {
        id: 'p2',
        expected: 'QualityError/quality.range',
        got: 'RegistryUnavailableError/registry-unavailable',
      },
    ]);
    expect(t.poisonWithResult).toEqual(['p3']);
    expect(t.dlqWithoutReason).toBe(1);
    expect(clean(t)).toBe(false);
  });

  it('allows a poison event sent twice to be dead-lettered twice, and no more', () => {
    const p = poison('WireFormatError', 'wire-format');
    const twice = [dlq('p', 'WireFormatError', 'wire-format'), dlq('p', 'WireFormatError', 'wire-format')];
    expect(clean(tally(ledger([['p', p]], ['p']), twice))).toBe(true);
    expect(tally(ledger([['p', p]]), twice).poisonDuplicated).toEqual([{ id: 'p', count: 2 }]);
    expect(clean(tally(ledger([['p', p]], ['p']), [...twice, twice[0]!]))).toBe(false);
  });

  it('counts records for ids never sent, or without an id, as unexpected', () => {
    const t = tally(ledger([['a', valid]]), [
      out('a'),
      out('zzz'),
      out(undefined),
      dlq(undefined, 'WireFormatError', 'wire-format'),
    ]);
    expect(t.unexpected).toBe(3);
    expect(clean(t)).toBe(false);
  });
});

describe('figures', () => {
  const t = tally(
    ledger([
      ['a', valid],
      ['p', poison('QualityError', 'quality.range')],
    ]),
    [out('a'), dlq('p', 'QualityError', 'quality.range')],
  );

  it('prints one line per scenario with the counts a user checks', () => {
    const line = figuresLine({
      scenario: 'kill-9',
      tally: t,
      faults: '3 SIGKILL',
      peakRssBytes: 200 * 1024 * 1024,
      durationMs: 12_345,
      notes: { restarts: 3 },
    });
    expect(line).toBe(
      '[faults] kill-9: events=2 valid=1 results=1 exactly-once=1 missing=0 duplicates=0 dlq=1 (QualityError/quality.range=1) ' +
        'poison-in-dlq=1/1 review=0 degraded=0 retried=0 faults=3 SIGKILL peak-rss=200 MB duration=12.3s restarts=3',
    );
  });

  it('prints a table for the full run', () => {
    const table = figuresTable([{ scenario: 'kill-9', tally: t, faults: '3 SIGKILL', durationMs: 1_000 }]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\| scenario \| events \| valid \| results \| missing \| dup \| DLQ \|/);
    expect(lines[2]).toMatch(/^\| kill-9 +\| 2 +\| 1 +\| 1 +\| 0 +\| 0 +\| 1 +\| 1\/1 /);
  });
});
