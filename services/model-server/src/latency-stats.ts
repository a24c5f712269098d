/** Inference latency over the last N requests, for the demo's p50/p99 (a ring buffer, no allocation per request). */
export class LatencyStats {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;
  requests = 0;
  rows = 0;
  errors = 0;

  constructor(size = 10_000) {
    this.samples = new Float64Array(size);
  }

  record(ms: number, rows: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    this.filled = Math.min(this.filled + 1, this.samples.length);
    this.requests++;
    this.rows += rows;
  }

  snapshot(): { requests: number; rows: number; errors: number; p50Ms: number | null; p99Ms: number | null } {
    const sorted = Array.from(this.samples.subarray(0, this.filled)).sort((a, b) => a - b);
    const q = (p: number) =>
      sorted.length
        ? Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2))
        : null;
    return { requests: this.requests, rows: this.rows, errors: this.errors, p50Ms: q(0.5), p99Ms: q(0.99) };
  }
}
