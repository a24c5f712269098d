// Shared by the contender processes: settings from the environment, and the lines the orchestrator reads.
export interface BenchEnv {
  brokers: string[];
  registryUrl: string;
  source: string;
  output: string;
  group: string;
  modelUrl: string;
  partitions: number;
}

export function benchEnv(): BenchEnv {
  const need = (k: string): string => {
    const v = process.env[k];
    if (!v) {
      process.stderr.write(`${k} is not set (contenders are started by test/bench/run.ts)\n`);
      process.exit(2);
    }
    return v;
  };
  return {
    brokers: need('BENCH_BROKERS').split(','),
    registryUrl: need('BENCH_REGISTRY_URL'),
    source: need('BENCH_SOURCE'),
    output: need('BENCH_OUTPUT'),
    group: need('BENCH_GROUP'),
    modelUrl: need('BENCH_MODEL_URL'),
    partitions: Number(need('BENCH_PARTITIONS')),
  };
}

/** One JSON line on stdout for the orchestrator. */
export function signal(event: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ bench: event, at: Date.now(), ...extra })}\n`);
}

let firstSeen = false;
export function firstConsume(): void {
  if (firstSeen) return;
  firstSeen = true;
  signal('first-consume');
}

/** Peaks of the process's memory (MB) by kind, sampled every 250 ms: what the peak RSS is made of. */
const memoryPeaks = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  for (const k of Object.keys(memoryPeaks) as (keyof typeof memoryPeaks)[])
    memoryPeaks[k] = Math.max(memoryPeaks[k], Math.round(m[k] / 2 ** 20));
}, 250);
sampler.unref();

export function onStop(stop: () => Promise<void>): void {
  let stopping = false;
  const go = () => {
    if (stopping) return;
    stopping = true;
    signal('memory', memoryPeaks);
    const hard = setTimeout(() => process.exit(0), 5_000);
    hard.unref();
    void stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', go);
  process.once('SIGINT', go);
}

/** Headers that join a result to its source record (the names Junction itself uses). */
export function sourceHeaders(partition: number, offset: string): Record<string, string> {
  return { 'junction-source-partition': String(partition), 'junction-source-offset': offset };
}
