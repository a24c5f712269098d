// Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.

const SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Milliseconds to wait according to a Retry-After header value, or undefined when absent or unreadable.
 * Accepts delay-seconds (decimals tolerated) and HTTP-dates (IMF-fixdate and the obsolete forms Date.parse
 * understands); a date in the past gives 0.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (SECONDS.test(text)) {
    const ms = Math.round(Number(text) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  // an HTTP-date always names a weekday or a month: don't let Date.parse guess at things like "soon" or "12"
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
