/** The demo's live summary: per pipeline service counters from `/stats`, model latency from the model server. */
export interface PipelineCounters {
  consumed: number;
  output: number;
  review: number;
  retried: number;
  deadLettered: number;
  degraded: number;
  duplicates: number;
  inFlight: number;
}

export interface SummaryRow extends PipelineCounters {
  service: string;
  pipeline: string;
  ratePerSec: number;
}

export interface ModelLatency {
  requests: number;
  rows: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return r.ok ? ((await r.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function collect(services: { name: string; url: string }[], modelUrl: string) {
  const rows: Omit<SummaryRow, 'ratePerSec'>[] = [];
  for (const s of services) {
    const stats = await getJson<Record<string, PipelineCounters>>(`${s.url}/stats`);
    for (const [pipeline, c] of Object.entries(stats ?? {})) rows.push({ service: s.name, pipeline, ...c });
  }
  return { rows, model: await getJson<ModelLatency>(`${modelUrl}/admin/stats`) };
}

/** Output results per second between two samples. */
export function rate(prev: number | undefined, now: number, seconds: number): number {
  return prev === undefined || seconds <= 0 ? 0 : Math.max(0, (now - prev) / seconds);
}

export function render(rows: SummaryRow[], model: ModelLatency | undefined, elapsedSec: number): string {
  const head = [
    'pipeline',
    'events in',
    'results',
    'review',
    'retry',
    'DLQ',
    'degraded',
    'dupes',
    'in flight',
    'results/s',
  ];
  const body = rows.map((r) =>
    [
      r.pipeline,
      r.consumed,
      r.output,
      r.review,
      r.retried,
      r.deadLettered,
      r.degraded,
      r.duplicates,
      r.inFlight,
      r.ratePerSec.toFixed(1),
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const modelLine = model
    ? `model server: ${model.requests} requests, ${model.rows} rows, p50 ${model.p50Ms ?? 'n/a'} ms, p99 ${model.p99Ms ?? 'n/a'} ms`
    : 'model server: n/a';
  return [
    `Junction demo, ${Math.round(elapsedSec)} s`,
    '',
    line(head),
    ...body.map(line),
    '',
    modelLine,
    '',
    'Ctrl-C stops everything the demo started.',
  ].join('\n');
}
