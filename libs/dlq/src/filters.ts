/**
 * Which dead letters an operation touches: time range, error class, pipeline, key and header matches.
 * Parsers throw FilterError with what is expected, so a CLI can print it as a usage error.
 */
import type { IHeaders } from '@junction/kafka';
import { H } from '@junction/kafka';

export class FilterError extends Error {
  override name = 'FilterError';
}

export interface DlqFilters {
  /** Dead-lettered at or after (epoch ms, the DLQ record's timestamp). */
  since?: number;
  /** Dead-lettered before (epoch ms). */
  until?: number;
  /** `kafka_dlt-exception-fqcn`, exact. */
  errorClass?: string;
  /** `junction-pipeline`, exact. */
  pipeline?: string;
  /** The record key as UTF-8 text, exact. */
  key?: string;
  /** Every one must match (header value as `displayHeaders` shows it). */
  headers?: { name: string; value: string }[];
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `2026-11-23T10:00:00Z` (any ISO-8601 date or time) or a duration ago: `90s`, `30m`, `2h`, `7d`, `1w`. */
export function parseTime(text: string, now = Date.now()): number {
  const t = text.trim();
  const rel = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/.exec(t);
  if (rel) return now - Math.round(Number(rel[1]) * UNITS[rel[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  throw new FilterError(
    `expected an ISO-8601 time (e.g. 2026-11-23T10:00:00Z) or a duration ago (e.g. 30m, 2h, 7d), got ${JSON.stringify(text)}.`,
  );
}

/** `name=value`: the header's value as text (Spring numeric headers as their number). */
export function parseHeaderMatch(text: string): { name: string; value: string } {
  const i = text.indexOf('=');
  if (i <= 0)
    throw new FilterError(
      `expected name=value (e.g. junction-error-code=quality.range), got ${JSON.stringify(text)}.`,
    );
  return { name: text.slice(0, i), value: text.slice(i + 1) };
}

export function checkFilters(f: DlqFilters): void {
  if (f.since !== undefined && f.until !== undefined && f.since >= f.until)
    throw new FilterError(
      `expected --since to be before --until (got ${new Date(f.since).toISOString()} and ${new Date(f.until).toISOString()}).`,
    );
}

/** Header values as text where they are UTF-8, else `hex:...`; Spring's 4/8-byte numbers decoded. */
export function displayHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const one = Array.isArray(v) ? v[v.length - 1] : v;
    const b = Buffer.isBuffer(one) ? one : Buffer.from(String(one ?? ''));
    if (k === H.dltOriginalPartition && b.length === 4) out[k] = String(b.readInt32BE());
    else if ((k === H.dltOriginalOffset || k === H.dltOriginalTimestamp) && b.length === 8)
      out[k] = String(b.readBigInt64BE());
    else out[k] = text(b);
  }
  return out;
}

/** UTF-8 text when the bytes are valid UTF-8, else `hex:<hex>`. */
export function text(b: Buffer): string {
  const t = b.toString('utf8');
  return Buffer.from(t, 'utf8').equals(b) ? t : `hex:${b.toString('hex')}`;
}

export interface Matchable {
  timestamp: number;
  key: Buffer | null;
  headers: IHeaders;
}

function header(headers: IHeaders, name: string): string | undefined {
  const v = headers[name];
  const one = Array.isArray(v) ? v[v.length - 1] : v;
  if (one === undefined) return undefined;
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

export function matches(f: DlqFilters, r: Matchable): boolean {
  if (f.since !== undefined && r.timestamp < f.since) return false;
  if (f.until !== undefined && r.timestamp >= f.until) return false;
  if (f.errorClass !== undefined && header(r.headers, H.dltExceptionFqcn) !== f.errorClass) return false;
  if (f.pipeline !== undefined && header(r.headers, H.pipeline) !== f.pipeline) return false;
  if (f.key !== undefined && (r.key === null ? undefined : text(r.key)) !== f.key) return false;
  if (f.headers?.length) {
    const shown = displayHeaders(r.headers);
    for (const m of f.headers) if (shown[m.name] !== m.value) return false;
  }
  return true;
}
