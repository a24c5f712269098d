/**
 * Declarative data-quality rules, checked after decoding and before any call. A failing rule sends the
 * record to the DLQ with the rule, the field and the value in the reason; the value of a field marked
 * `pii` in the source schema is withheld (the reason travels in DLQ headers and logs).
 *
 * ```ts
 * quality: [required('email'), range('employees', 0, 10_000_000), pattern('email', /@/), oneOf('channel', ['web', 'event']), fresh('createdAt', 7 * 86_400_000)]
 * ```
 */
import { QualityError } from './errors';

export interface QualityRule<T> {
  readonly name: string;
  readonly field: string;
  /** Returns a reason when the event fails the rule; `show` renders the offending value in it. */
  check(event: T, now: number, show?: (value: unknown) => string): string | undefined;
}

function get(event: unknown, path: string): unknown {
  let v: unknown = event;
  for (const part of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function showValue(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The field is present, not null and, for strings, not blank. */
export function required<T>(field: string): QualityRule<T> {
  return {
    name: 'required',
    field,
    check: (e) => {
      const v = get(e, field);
      if (v === null || v === undefined) return `${field} is required`;
      if (typeof v === 'string' && v.trim() === '') return `${field} is required (got an empty string)`;
      return undefined;
    },
  };
}

/** A numeric field within [min, max]; null passes (combine with `required` to forbid it). */
export function range<T>(field: string, min: number, max: number): QualityRule<T> {
  return {
    name: 'range',
    field,
    check: (e, _now, show = showValue) => {
      const v = get(e, field);
      if (v === null || v === undefined) return undefined;
      if (typeof v !== 'number' || Number.isNaN(v) || v < min || v > max) {
        return `${field} must be between ${min} and ${max} (got ${show(v)})`;
      }
      return undefined;
    },
  };
}

/** A string field matching a regular expression; null passes. */
export function pattern<T>(field: string, re: RegExp): QualityRule<T> {
  return {
    name: 'pattern',
    field,
    check: (e, _now, show = showValue) => {
      const v = get(e, field);
      if (v === null || v === undefined) return undefined;
      if (typeof v !== 'string' || !re.test(v)) return `${field} must match ${re} (got ${show(v)})`;
      return undefined;
    },
  };
}

/** A field whose value is one of the allowed ones; null passes. */
export function oneOf<T>(field: string, allowed: readonly (string | number)[]): QualityRule<T> {
  const set = new Set<unknown>(allowed);
  return {
    name: 'enum',
    field,
    check: (e, _now, show = showValue) => {
      const v = get(e, field);
      if (v === null || v === undefined) return undefined;
      if (!set.has(v)) return `${field} must be one of ${allowed.join(', ')} (got ${show(v)})`;
      return undefined;
    },
  };
}

/**
 * A timestamp field (epoch millis, or a Date) no older than `maxAgeMs` and not more than `skewMs` in the
 * future; stale events are usually replays of old exports that should not reach a model.
 */
export function fresh<T>(field: string, maxAgeMs: number, skewMs = 5 * 60_000): QualityRule<T> {
  return {
    name: 'freshness',
    field,
    check: (e, now, show = showValue) => {
      const v = get(e, field);
      if (v === null || v === undefined) return undefined;
      const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Number.NaN;
      if (Number.isNaN(t)) return `${field} must be a timestamp (got ${show(v)})`;
      if (now - t > maxAgeMs)
        return `${field} is ${Math.round((now - t) / 1000)}s old; at most ${maxAgeMs / 1000}s allowed`;
      if (t - now > skewMs) return `${field} is ${Math.round((t - now) / 1000)}s in the future`;
      return undefined;
    },
  };
}

/** What a reason says instead of a personal value: its kind only (not even a string's length). */
function withheld(v: unknown): string {
  return `a ${Array.isArray(v) ? 'list' : typeof v}, value withheld: pii`;
}

/** Whether `field` (`contact.email`) lies under a pii path (`contact`, `contact.email`, `contacts.*.phone`). */
function isPii(field: string, piiPaths: readonly string[]): boolean {
  const parts = field.split('.');
  return piiPaths.some((path) => {
    const pp = path.split('.');
    return pp.length <= parts.length && pp.every((p, i) => p === '*' || p === parts[i]);
  });
}

/**
 * The rules with the values of pii fields withheld from their reasons; `piiPaths` as `piiFields(schema)`
 * gives them. `definePipeline` applies it to a pipeline's rules with its source schema.
 */
export function withoutPiiValues<T>(
  rules: readonly QualityRule<T>[],
  piiPaths: readonly string[],
): QualityRule<T>[] {
  return rules.map((rule) =>
    isPii(rule.field, piiPaths)
      ? { name: rule.name, field: rule.field, check: (event, now) => rule.check(event, now, withheld) }
      : rule,
  );
}

/**
 * Runs the rules in order and throws a QualityError for the first that fails. Values of fields under
 * `piiPaths` never appear in the error.
 */
export function checkQuality<T>(
  rules: readonly QualityRule<T>[],
  event: T,
  now = Date.now(),
  piiPaths: readonly string[] = [],
): void {
  for (const rule of piiPaths.length > 0 ? withoutPiiValues(rules, piiPaths) : rules) {
    const reason = rule.check(event, now);
    if (reason !== undefined) throw new QualityError(rule.name, rule.field, reason);
  }
}
