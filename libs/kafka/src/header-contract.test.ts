import { describe, expect, it } from 'vitest';
import {
  deadLetterHeaders,
  H,
  headerNumber,
  headerText,
  readRetryState,
  resultHeaders,
  retryHeaders,
} from './header-contract';

const origin = { topic: 'crm.lead.created.v1', partition: 3, offset: '41', timestamp: '1700000000000' };

function ctx(attempts: number) {
  return {
    pipeline: 'lead-scoring',
    consumerGroup: 'junction.lead-scoring',
    idempotencyKey: 'evt-1',
    origin,
    attempts,
    firstFailure: 1000,
    lastFailure: 2000,
    failure: {
      kind: 'retriable' as const,
      code: 'call.http',
      errorClass: 'CallError',
      message: 'upstream 503',
      stack: 'CallError: upstream 503\n    at call',
    },
  };
}

describe('header contract', () => {
  it('dead letters keep the original headers byte for byte and add Spring-encoded coordinates', () => {
    const original = { traceparent: Buffer.from('00-abc-def-01'), custom: Buffer.from([0, 1, 2, 255]) };
    const h = deadLetterHeaders(original, ctx(4));
    expect(h.custom).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(h.traceparent).toEqual(original.traceparent);
    // Spring: partition is a 4-byte int, offset and timestamp 8-byte longs
    expect((h[H.dltOriginalPartition] as Buffer).length).toBe(4);
    expect(headerNumber(h, H.dltOriginalPartition)).toBe(3n);
    expect((h[H.dltOriginalOffset] as Buffer).length).toBe(8);
    expect(headerNumber(h, H.dltOriginalOffset)).toBe(41n);
    expect(headerNumber(h, H.dltOriginalTimestamp)).toBe(1700000000000n);
    expect(headerText(h, H.dltOriginalTopic)).toBe('crm.lead.created.v1');
    expect(headerText(h, H.dltOriginalConsumerGroup)).toBe('junction.lead-scoring');
    expect(headerText(h, H.dltExceptionFqcn)).toBe('CallError');
    expect(headerText(h, H.dltExceptionMessage)).toBe('upstream 503');
    expect(headerText(h, H.attempts)).toBe('4');
    expect(headerText(h, H.firstFailure)).toBe('1000');
    expect(headerText(h, H.lastFailure)).toBe('2000');
    expect(headerText(h, H.pipeline)).toBe('lead-scoring');
    expect(headerText(h, H.idempotencyKey)).toBe('evt-1');
    expect(headerText(h, H.errorKind)).toBe('retriable');
    expect(headerText(h, H.errorCode)).toBe('call.http');
  });

  it('a retry record round-trips its retry state, and a second hop keeps the first origin', () => {
    const first = retryHeaders({ app: 'x' }, ctx(1), 5000);
    const state = readRetryState(first);
    expect(state).toEqual({ attempts: 1, firstFailure: 1000, dueAt: 5000, origin });
    const second = retryHeaders(
      first,
      { ...ctx(2), origin: state!.origin, firstFailure: state!.firstFailure },
      9000,
    );
    expect(readRetryState(second)).toEqual({ attempts: 2, firstFailure: 1000, dueAt: 9000, origin });
    expect(headerText(second, 'app')).toBe('x');
  });

  it('a record straight from the source has no retry state', () => {
    expect(readRetryState({ traceparent: 'x' })).toBeUndefined();
  });

  it('results carry CloudEvents binary-mode headers and provenance', () => {
    const h = resultHeaders({
      pipeline: 'lead-scoring',
      id: 'evt-1/crm.lead.scored.v1',
      type: 'crm.lead.scored.v1',
      time: Date.UTC(2026, 0, 2),
      subject: 'L-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      idempotencyKey: 'evt-1',
      origin,
      model: { name: 'lead-conversion', version: '3' },
      degraded: false,
      route: 'output',
    });
    expect(h).toMatchObject({
      ce_specversion: '1.0',
      ce_id: 'evt-1/crm.lead.scored.v1',
      ce_source: 'junction/lead-scoring',
      ce_type: 'crm.lead.scored.v1',
      ce_time: '2026-01-02T00:00:00.000Z',
      ce_subject: 'L-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'junction-idempotency-key': 'evt-1',
      'junction-source-topic': 'crm.lead.created.v1',
      'junction-source-partition': '3',
      'junction-source-offset': '41',
      'junction-model-name': 'lead-conversion',
      'junction-model-version': '3',
      'junction-degraded': 'false',
    });
  });
});
