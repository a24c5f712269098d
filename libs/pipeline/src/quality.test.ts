import { describe, expect, it } from 'vitest';
import { QualityError } from './errors';
import { checkQuality, fresh, oneOf, pattern, range, required, withoutPiiValues } from './quality';

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

describe('pii values in quality reasons', () => {
  interface Person {
    contact?: { email?: string; age?: number };
    contacts?: { phone?: string }[];
    channel?: string;
  }
  const reason = (rules: Parameters<typeof checkQuality<Person>>[0], p: Person, pii: string[]) => {
    try {
      checkQuality(rules, p, 0, pii);
    } catch (e) {
      return (e as QualityError).message;
    }
    return undefined;
  };

  it('withholds the value of a field marked pii, naming the field and the rule', () => {
    const msg = reason([pattern('contact.email', /@/)], { contact: { email: 'jane.doe.example.com' } }, [
      'contact.email',
    ]);
    expect(msg).toBe('contact.email must match /@/ (got a string, value withheld: pii)');
    expect(msg).not.toContain('jane');
  });

  it('covers fields under a marked record and array items through *', () => {
    expect(reason([range('contact.age', 18, 120)], { contact: { age: 7 } }, ['contact'])).toBe(
      'contact.age must be between 18 and 120 (got a number, value withheld: pii)',
    );
    expect(
      reason([pattern('contacts.0.phone', /^\+/)], { contacts: [{ phone: '0612345678' }] }, [
        'contacts.*.phone',
      ]),
    ).not.toContain('0612345678');
  });

  it('still shows values of fields that are not pii', () => {
    expect(reason([oneOf('channel', ['web'])], { channel: 'fax' }, ['contact.email'])).toBe(
      'channel must be one of web (got "fax")',
    );
    const [rule] = withoutPiiValues([oneOf<Person>('channel', ['web'])], ['contact']);
    expect(rule?.check({ channel: 'fax' }, 0)).toMatch(/got "fax"/);
  });
});
