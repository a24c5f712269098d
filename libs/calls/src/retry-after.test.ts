import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 3 ', now)).toBe(3000);
    expect(parseRetryAfter('0.25', now)).toBe(250); // not in the RFC, tolerated
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:29:00 GMT', now)).toBe(60_000); // obsolete RFC 850 form
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['2', '7'], now)).toBe(2000);
  });

  it('ignores what it cannot read', () => {
    for (const v of [undefined, '', '   ', '-1', 'soon', '1e3', '12abc', 'Thu, 99 Foo 2015 07:28:00 GMT']) {
      expect(parseRetryAfter(v, now), String(v)).toBeUndefined();
    }
    expect(parseRetryAfter([], now)).toBeUndefined();
  });
});
