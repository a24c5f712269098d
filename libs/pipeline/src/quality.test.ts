import { describe, expect, it } from 'vitest';
import { QualityError } from './errors';
import { checkQuality, fresh, oneOf, pattern, range, required } from './quality';

interface Lead {
  email?: string | null;
  employees?: number | null;
  channel?: string;
  createdAt?: number;
  company?: { name?: string };
}

function failure(
  rules: Parameters<typeof checkQuality<Lead>>[0],
  lead: Lead,
  now = 1_000_000_000,
): QualityError | undefined {
  try {
    checkQuality(rules, lead, now);
    return undefined;
  } catch (e) {
    return e as QualityError;
  }
}

describe('data-quality rules', () => {
  it('required rejects missing, null and blank values, naming the field', () => {
    expect(failure([required('email')], {})?.message).toBe('email is required');
    expect(failure([required('email')], { email: null })?.field).toBe('email');
    expect(failure([required('email')], { email: '  ' })?.message).toMatch(/empty string/);
    expect(failure([required('company.name')], { company: {} })?.field).toBe('company.name');
    expect(failure([required('email')], { email: 'a@b.c' })).toBeUndefined();
  });

  it('range, pattern and oneOf report the offending value and let null through', () => {
    expect(failure([range('employees', 0, 100)], { employees: -1 })?.message).toBe(
      'employees must be between 0 and 100 (got -1)',
    );
    expect(failure([range('employees', 0, 100)], { employees: null })).toBeUndefined();
    expect(failure([pattern('email', /@/)], { email: 'nope' })?.rule).toBe('pattern');
    expect(failure([oneOf('channel', ['web', 'event'])], { channel: 'fax' })?.message).toMatch(/got "fax"/);
  });

  it('freshness rejects stale and future timestamps', () => {
    const now = 10_000_000;
    expect(failure([fresh('createdAt', 60_000)], { createdAt: now - 120_000 }, now)?.rule).toBe('freshness');
    expect(failure([fresh('createdAt', 60_000)], { createdAt: now + 3_600_000 }, now)?.message).toMatch(
      /future/,
    );
    expect(failure([fresh('createdAt', 60_000)], { createdAt: now - 1_000 }, now)).toBeUndefined();
  });

  it('stops at the first failing rule', () => {
    const e = failure([required('email'), range('employees', 0, 10)], { employees: 50 });
    expect(e?.rule).toBe('required');
  });
});
