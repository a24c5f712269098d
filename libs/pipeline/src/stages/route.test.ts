import { describe, expect, it } from 'vitest';
import type { Route } from '../definition';
import { routeResult } from './route';

interface Scored {
  leadId: string;
  score: number;
}
const lowConfidence = (r: Scored): Route => (r.score < 0.6 ? 'review' : 'output');

describe('route a result', () => {
  it('sends results to the output unless the pipeline routes them elsewhere', () => {
    expect(routeResult({ leadId: 'L', score: 0.9 }, {}, { hasReview: true })).toEqual({
      outcome: 'output',
      to: 'output',
      value: { leadId: 'L', score: 0.9 },
    });
  });

  it('low-confidence results go to review, mapped by `review` when given', () => {
    const o = {
      route: lowConfidence,
      review: (r: Scored) => ({ leadId: r.leadId, reason: 'low score' }),
      hasReview: true,
    };
    expect(routeResult({ leadId: 'L', score: 0.2 }, {}, o)).toEqual({
      outcome: 'review',
      to: 'review',
      value: { leadId: 'L', reason: 'low score' },
    });
  });

  it('review falls back to the output when the pipeline has no review topic', () => {
    expect(
      routeResult({ leadId: 'L', score: 0.2 }, {}, { route: lowConfidence, hasReview: false }),
    ).toMatchObject({
      outcome: 'output',
      to: 'output',
    });
  });

  it('drop emits nothing; a route function that throws is the caller’s mapping failure', () => {
    expect(routeResult({ leadId: 'L', score: 1 }, {}, { route: () => 'drop', hasReview: true })).toEqual({
      outcome: 'drop',
    });
    const broken = () => {
      throw new Error('no score');
    };
    expect(() => routeResult({ leadId: 'L', score: 1 }, {}, { route: broken, hasReview: true })).toThrow(
      'no score',
    );
  });
});
