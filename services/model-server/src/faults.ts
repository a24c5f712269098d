/** Injected latency and failures, off by default; for tests, benchmarks and the demo. */
export interface Faults {
  latencyMs: number;
  errorRate: number;
  timeoutRate: number;
  down: boolean;
}

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Faults {
  const num = (name: string, min: number, max: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return 0;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new Error(`${name}=${v}: expected a number from ${min} to ${max}`);
    return n;
  };
  return {
    latencyMs: num('MODEL_LATENCY_MS', 0, 600_000),
    errorRate: num('MODEL_ERROR_RATE', 0, 1),
    timeoutRate: num('MODEL_TIMEOUT_RATE', 0, 1),
    down: env.MODEL_DOWN === '1' || env.MODEL_DOWN === 'true',
  };
}

/** Applies a partial update, checking each field; returns the problems (empty when applied). */
export function updateFaults(faults: Faults, patch: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const next = { ...faults };
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'latencyMs' && typeof v === 'number' && v >= 0) next.latencyMs = v;
    else if ((k === 'errorRate' || k === 'timeoutRate') && typeof v === 'number' && v >= 0 && v <= 1)
      next[k] = v;
    else if (k === 'down' && typeof v === 'boolean') next.down = v;
    else
      problems.push(
        `${k}: expected ${k === 'down' ? 'a boolean' : k === 'latencyMs' ? 'milliseconds >= 0' : k.endsWith('Rate') ? 'a number from 0 to 1' : 'no such setting (latencyMs, errorRate, timeoutRate, down)'}`,
      );
  }
  if (problems.length === 0) Object.assign(faults, next);
  return problems;
}
