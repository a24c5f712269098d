/**
 * The demo's numbers, computed from what Kafka says (see pipeline-counters.ts), and their rendering:
 * a table on a terminal, one line at a time otherwise.
 */

/** Offsets of one topic by partition. */
export type PartitionOffsets = Record<number, number>;

/** Records added since `start`: the sum over partitions of now − start (a partition new since then counts from 0). */
export function offsetDelta(start: PartitionOffsets, now: PartitionOffsets): number {
  let total = 0;
  for (const [p, offset] of Object.entries(now)) total += Math.max(0, offset - (start[Number(p)] ?? 0));
  return total;
}

/**
 * Records a consumer group has yet to process: per partition, the end offset minus the group's committed
 * offset (`-1`, nothing committed yet: minus the partition's first offset, where the group starts).
 */
export function consumerLag(
  ends: PartitionOffsets,
  committed: PartitionOffsets,
  lows: PartitionOffsets,
): number {
  let total = 0;
  for (const [key, end] of Object.entries(ends)) {
    const p = Number(key);
    const c = committed[p];
    const from = c !== undefined && c >= 0 ? c : (lows[p] ?? 0);
    total += Math.max(0, end - from);
  }
  return total;
}

/** Per-second rate between two readings of a counter. */
export function perSecond(
  prev: { count: number; at: number } | undefined,
  now: { count: number; at: number },
): number {
  if (!prev || now.at <= prev.at) return 0;
  return Math.max(0, (now.count - prev.count) / ((now.at - prev.at) / 1000));
}

/** Counts for one pipeline since the demo started. */
export interface PipelineSample {
  pipeline: string;
  /** Source records. */
  in: number;
  /** Records on the output topic. */
  out: number;
  review: number;
  retry: number;
  dlq: number;
  /** Source records the pipeline's consumer group has not committed yet. */
  lag: number;
}

export interface SummaryRow extends PipelineSample {
  /** Results (output + review) per second since the previous sample. */
  resultsPerSec: number;
}

/** Rows with rates, from the previous and the current sample (taken `at` epoch ms). */
export function summaryRows(
  prev: { at: number; samples: PipelineSample[] } | undefined,
  now: { at: number; samples: PipelineSample[] },
): SummaryRow[] {
  return now.samples.map((s) => {
    const before = prev?.samples.find((p) => p.pipeline === s.pipeline);
    return {
      ...s,
      resultsPerSec: perSecond(
        before && prev ? { count: before.out + before.review, at: prev.at } : undefined,
        {
          count: s.out + s.review,
          at: now.at,
        },
      ),
    };
  });
}

/** The model server's inference latency (`GET /admin/stats`), when it exposes it. */
export interface ModelLatency {
  requests?: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** `GET /admin/stats` as latency figures, or undefined when the answer has none. */
export function parseModelStats(body: unknown): ModelLatency | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  if (!('p50Ms' in b) && !('p99Ms' in b)) return undefined;
  return {
    ...(typeof b.requests === 'number' ? { requests: b.requests } : {}),
    p50Ms: ms(b.p50Ms),
    p99Ms: ms(b.p99Ms),
  };
}

export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

function modelLine(model: ModelLatency | undefined): string {
  if (!model) return 'model calls: p50 n/a, p99 n/a (the model server exposes no /admin/stats)';
  return `model calls: p50 ${formatMs(model.p50Ms)}, p99 ${formatMs(model.p99Ms)}${model.requests !== undefined ? ` over ${model.requests} requests` : ''} (model server, all models)`;
}

const COLUMNS: { head: string; cell: (r: SummaryRow) => string }[] = [
  { head: 'pipeline', cell: (r) => r.pipeline },
  { head: 'events in', cell: (r) => String(r.in) },
  { head: 'results out', cell: (r) => String(r.out) },
  { head: 'review', cell: (r) => String(r.review) },
  { head: 'retry', cell: (r) => String(r.retry) },
  { head: 'DLQ', cell: (r) => String(r.dlq) },
  { head: 'lag', cell: (r) => String(r.lag) },
  { head: 'results/s', cell: (r) => r.resultsPerSec.toFixed(1) },
];

/** The live summary for a terminal. */
export function renderTable(rows: SummaryRow[], model: ModelLatency | undefined, elapsedSec: number): string {
  const body = rows.map((r) => COLUMNS.map((c) => c.cell(r)));
  const widths = COLUMNS.map((c, i) => Math.max(c.head.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `Junction demo: ${Math.floor(elapsedSec)} s, counted from Kafka since the start`,
    '',
    line(COLUMNS.map((c) => c.head)),
    ...body.map(line),
    '',
    modelLine(model),
    '',
    'Ctrl-C stops everything the demo started.',
  ].join('\n');
}

/** One line, for logs and pipes. */
export function renderLine(rows: SummaryRow[], model: ModelLatency | undefined, elapsedSec: number): string {
  const parts = rows.map(
    (r) =>
      `${r.pipeline}: in ${r.in} out ${r.out} review ${r.review} retry ${r.retry} dlq ${r.dlq} lag ${r.lag} ${r.resultsPerSec.toFixed(1)}/s`,
  );
  return `[${Math.floor(elapsedSec)}s] ${parts.join(' | ')} | model p50 ${formatMs(model?.p50Ms)} p99 ${formatMs(model?.p99Ms)}`;
}
