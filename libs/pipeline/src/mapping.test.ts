import { describe, expect, it } from 'vitest';
import { modelFields, pick, reviewAbove } from './mapping';

interface Scored {
  orderId: string;
  score: number;
  degraded: boolean;
}

describe('mapping helpers', () => {
  it('pick takes the named fields and nothing else (personal data stays behind)', () => {
    const request = pick('amount', 'country');
    expect(request({ amount: 12.5, country: 'DE', email: 'a@example.com' })).toEqual({
      amount: 12.5,
      country: 'DE',
    });
  });

  it('modelFields names the model, or the fallback for a degraded result', () => {
    const now = () => 1_700_000_000_000;
    expect(modelFields({ model: { name: 'risk', version: '3' }, degraded: false }, now)).toEqual({
      modelName: 'risk',
      modelVersion: '3',
      degraded: false,
      scoredAt: 1_700_000_000_000,
    });
    expect(modelFields({ degraded: true }, now)).toMatchObject({
      modelName: 'fallback',
      modelVersion: 'unknown',
      degraded: true,
    });
    expect(modelFields({ degraded: false }, now).modelName).toBe('unknown');
  });

  it('reviewAbove routes results above the threshold to review with the reason, never degraded ones', () => {
    const { route, review } = reviewAbove<Scored>('score', 0.8);
    expect(route({ orderId: 'o1', score: 0.9, degraded: false })).toBe('review');
    expect(route({ orderId: 'o1', score: 0.8, degraded: false })).toBe('output');
    expect(route({ orderId: 'o1', score: 0.95, degraded: true })).toBe('output');
    expect(review({ orderId: 'o1', score: 0.9123, degraded: false })).toEqual({
      orderId: 'o1',
      score: 0.9123,
      degraded: false,
      reason: 'score 0.912 is above 0.8',
    });
  });
});
