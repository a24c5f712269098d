/**
 * The processes a scenario starts, stops and kills: pipeline workers (`worker.ts`: the real
 * lead-scoring pipeline in a process of its own) and the real model server. Each one's output goes
 * to a log file; resident memory is sampled from /proc while it runs. `killAll()` (and process exit)
 * removes whatever is left, so a failed scenario leaves nothing running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PIPELINE_SERVICE_NODE_OPTIONS } from '../../../libs/cli/src/fleet/fleet';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');

export interface Spawned {
  readonly name: string;
  readonly pid: number;
  readonly log: string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  readonly alive: boolean;
  /** Highest VmHWM seen (bytes): the process's peak resident memory. */
  readonly peakRss: number;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A memory figure of a live process from /proc (VmHWM: peak, VmRSS: now), in bytes; 0 when it cannot be read. */
function memoryOf(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Peak resident memory (VmHWM) of a live process, in bytes. */
export const peakRssOf = (pid: number): number => memoryOf(pid, 'VmHWM');

/** Resident memory (VmRSS) of a live process right now, in bytes. */
export const rssOf = (pid: number): number => memoryOf(pid, 'VmRSS');

function start(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logDir: string; onLine?: (line: string) => void },
): Spawned {
  mkdirSync(options.logDir, { recursive: true });
  const log = join(options.logDir, `${name}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: ${command} did not start`);
  children.add(child);
  let peak = 0;
  let alive = true;
  const sample = setInterval(() => (peak = Math.max(peak, peakRssOf(child.pid!))), 250);
  sample.unref();
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out.write(chunk);
    if (!options.onLine) return;
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) options.onLine(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => out.write(chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      clearInterval(sample);
      children.delete(child);
      out.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const handle: Spawned = {
    name,
    pid: child.pid,
    log,
    exited,
    get alive() {
      return alive;
    },
    get peakRss() {
      return Math.max(peak, alive ? peakRssOf(child.pid!) : 0);
    },
    kill: (signal) => {
      if (alive) {
        peak = Math.max(peak, peakRssOf(child.pid!));
        child.kill(signal);
      }
    },
    stop: async (graceMs = 30_000) => {
      if (!alive) return exited;
      handle.kill('SIGTERM');
      const timer = setTimeout(() => handle.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return handle;
}

/** Runs `argv` inside a network namespace when one is given (`ip netns exec` execs in place: same pid). */
function inNamespace(netns: string | undefined, argv: string[]): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, ...argv]] : [argv[0]!, argv.slice(1)];
}

export interface WorkerOptions {
  name: string;
  pipeline: string;
  source: string;
  output: string;
  review: string;
  brokers: string[];
  registryUrl: string;
  modelUrl: string;
  logDir: string;
  netns?: string;
  sessionTimeoutMs?: number;
}

export interface Worker extends Spawned {
  /** Resolves when the pipeline has started (joined its group); rejects if the process dies first. */
  readonly started: Promise<void>;
  /** The runner's counters, printed by a worker stopped with SIGTERM (undefined after a SIGKILL). */
  readonly stats: Record<string, number> | undefined;
}

export function startWorker(o: WorkerOptions): Worker {
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  let stats: Record<string, number> | undefined;
  const [command, args] = inNamespace(o.netns, [
    process.execPath,
    '--import',
    'tsx',
    join(here, '..', 'worker.ts'),
  ]);
  const spawned = start(o.name, command, args, {
    cwd: join(here, '..'),
    logDir: o.logDir,
    env: {
      ...process.env,
      // the heap the fleet gives pipeline services, so memory figures are the product's
      NODE_OPTIONS: PIPELINE_SERVICE_NODE_OPTIONS,
      FAULT_PIPELINE: o.pipeline,
      FAULT_SOURCE: o.source,
      FAULT_OUTPUT: o.output,
      FAULT_REVIEW: o.review,
      FAULT_SESSION_TIMEOUT_MS: String(o.sessionTimeoutMs ?? 6_000),
      KAFKA_BROKERS: o.brokers.join(','),
      SCHEMA_REGISTRY_URL: o.registryUrl,
      MODEL_SERVER_URL: o.modelUrl,
      LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
    },
    onLine: (line) => {
      if (line === 'started') ready();
      else if (line.startsWith('{"stats"'))
        stats = (JSON.parse(line) as { stats: Record<string, number> }).stats;
    },
  });
  const dead = spawned.exited.then((code) => {
    throw new Error(`worker ${o.name} exited (${code}) before it started; see ${spawned.log}`);
  });
  // defineProperty, not Object.assign: a getter must stay a getter
  return Object.defineProperties(spawned, {
    started: { value: Promise.race([started, dead]) },
    stats: { get: () => stats },
  }) as Worker;
}

export interface ModelServer extends Spawned {
  readonly url: string;
  /** Sets the fault knobs (`PUT /admin/faults`). */
  faults(knobs: {
    errorRate?: number;
    timeoutRate?: number;
    latencyMs?: number;
    down?: boolean;
  }): Promise<void>;
}

/** The real model server (`services/model-server`), on a free port; inside `netns` when given. */
export async function startModelServer(o: {
  logDir: string;
  netns?: string;
  latencyMs?: number;
}): Promise<ModelServer> {
  let onUrl!: (url: string) => void;
  const ready = new Promise<string>((resolve) => (onUrl = resolve));
  const cwd = join(repo, 'services', 'model-server');
  const [command, args] = inNamespace(o.netns, [
    process.execPath,
    '--import',
    'tsx',
    join(cwd, 'src', 'main.ts'),
  ]);
  const spawned = start('model-server', command, args, {
    cwd,
    logDir: o.logDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MODEL_LATENCY_MS: String(o.latencyMs ?? 0) },
    onLine: (line) => {
      try {
        const msg = JSON.parse(line) as { msg?: string; url?: string };
        if (msg.msg === 'ready' && msg.url) onUrl(msg.url);
      } catch {
        // not a JSON line
      }
    },
  });
  const url = await Promise.race([
    ready,
    spawned.exited.then((code) => {
      throw new Error(`model server exited (${code}) before it was ready; see ${spawned.log}`);
    }),
  ]);
  return Object.assign(spawned, {
    url,
    faults: async (knobs: Record<string, unknown>) => {
      const res = await fetch(`${url}/admin/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(knobs),
      });
      if (!res.ok)
        throw new Error(
          `model server refused faults ${JSON.stringify(knobs)}: ${res.status} ${await res.text()}`,
        );
    },
  });
}

/** Kills every process this harness started that is still running. */
export async function killAll(): Promise<void> {
  const waits = [...children].map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
}
