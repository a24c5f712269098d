// `junction up | down | status | logs | scale`: the stack, topics, schemas and the fleet's processes,
// each a detached `node --import tsx <entry>` with a pid file and a log file under .local/fleet/.
// A pipeline service may run as several replicas in its consumer group: replica 1 is the member
// itself; replica k (k >= 2) is `<name>#k`, on a free port of its own, with its own pid and log file.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { applyTopics, countChanges, registerSchemas, workspacePlan } from '@junction/fleet-infra';
import { createKafka, type TopicSpec } from '@junction/kafka';
import {
  isAlive,
  kafkaAnswers,
  LocalStack,
  portFree,
  registryAnswers,
  repoRoot,
  runningPid,
  startDetached,
  stopProcess,
  tailLines,
  whoListens,
  type ManagedProcess,
  type StackStatus,
} from '@junction/local-stack';
import {
  launchSpec,
  memberUrl,
  parseFleet,
  portVariable,
  simulatorRate,
  type FleetContext,
  type FleetMember,
} from './fleet';

/** Something `up`, `down` or `logs` could not do; the message says what and what to do. */
export class FleetError extends Error {
  override name = 'FleetError';
}

/** Where Kafka and the registry come from: the repository's local stack, or one given by the environment. */
export type StackSource =
  { kind: 'local'; stack: LocalStack } | { kind: 'external'; brokers: string[]; registryUrl: string };

/** KAFKA_BROKERS + SCHEMA_REGISTRY_URL: that stack, used as is (never started or stopped); else the local stack. */
export function stackSourceFromEnv(env: NodeJS.ProcessEnv = process.env): StackSource {
  const brokers = env.KAFKA_BROKERS?.trim();
  const registry = env.SCHEMA_REGISTRY_URL?.trim();
  if (brokers && registry)
    return {
      kind: 'external',
      brokers: brokers.split(',').map((b) => b.trim()),
      registryUrl: registry.replace(/\/+$/, ''),
    };
  if (brokers || registry)
    throw new FleetError(
      'set both KAFKA_BROKERS and SCHEMA_REGISTRY_URL to use a stack of your own, or neither to use the local stack',
    );
  return { kind: 'local', stack: new LocalStack() };
}

export interface ProcessStatus {
  name: string;
  /** For replica k >= 2 of a pipeline service (`<name>#k`): the member's name. */
  replicaOf?: string;
  /** False while the entry file is not on disk (`up` skips it). */
  present: boolean;
  up: boolean;
  pid?: number;
  port?: number;
  url?: string;
  healthUrl?: string;
  /** Whether the health URL answered 200 (members with a health path). */
  healthy?: boolean;
  log: string;
}

export interface FleetStatus {
  /** `local`: the repository's stack; `external`: KAFKA_BROKERS / SCHEMA_REGISTRY_URL. */
  stack: 'local' | 'external';
  kafka: { bootstrap: string; up: boolean } & Partial<Omit<StackStatus['kafka'], 'bootstrap' | 'up'>>;
  schemaRegistry: { url: string; up: boolean } & Partial<Omit<StackStatus['schemaRegistry'], 'url' | 'up'>>;
  endpoints: {
    kafkaBootstrap: string;
    schemaRegistryUrl: string;
    modelServerUrl?: string;
    /** Every other member with a port, by name. */
    services: Record<string, string>;
  };
  processes: ProcessStatus[];
}

export interface UpResult {
  status: FleetStatus;
  /** Members this call started (not those already running). */
  started: string[];
  /** Members whose entry file is not on disk. */
  skipped: string[];
  /** Whether this call started the local stack. */
  startedStack: boolean;
}

export interface FleetManagerOptions {
  /** Default: `parseFleet()` of the built-in list with the environment's overrides. */
  members?: FleetMember[];
  /** Repository root: entries and working directories are relative to it. */
  root?: string;
  /** Pid files, logs and state (default `<root>/.local/fleet`). */
  dir?: string;
  stack?: StackSource;
  /** Topics `up` applies (default: the fleet's, from infra/topics). */
  topics?: TopicSpec[];
  /** Schemas `up` registers (default `<root>/schemas`). */
  schemasDir?: string;
  /** The simulator's rate, for `{rate}` (default JUNCTION_SIMULATOR_RATE or 20). */
  rate?: number;
  /** How long a member may take to answer its health URL (default 120 s). */
  readyTimeoutMs?: number;
  /** How long a member without a health URL must stay alive to count as started (default 2 s). */
  settleMs?: number;
  /** How long `down` waits for a member after SIGTERM before SIGKILL (default 25 s). */
  stopGraceMs?: number;
}

interface FleetState {
  /** `up` started the local stack: `down` stops it. */
  startedStack: boolean;
  /** Extra replicas by member: replica index (2, 3, ...) → its port. */
  replicas?: Record<string, Record<string, number>>;
}

/** What `scale` did: replicas it started and stopped, by process name. */
export interface ScaleResult {
  started: string[];
  stopped: string[];
  /** Every replica's process name after the call, replica 1 first. */
  replicas: string[];
}

/** `lead-scoring#2` → `{ member: 'lead-scoring', index: 2 }`; a member's own name → index 1. */
export function replicaName(name: string): { member: string; index: number } {
  const match = /^(.+)#(\d+)$/.exec(name);
  return match ? { member: match[1]!, index: Number(match[2]) } : { member: name, index: 1 };
}

/** A port nobody listens on now (the kernel's choice). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `node --import <tsx loader>`: resolved here, so an entry runs whatever its working directory. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export class FleetManager {
  readonly members: FleetMember[];
  readonly root: string;
  readonly dir: string;
  private readonly source: StackSource;
  private readonly options: FleetManagerOptions;
  private readonly stateFile: string;
  /** What the last `up` of this instance started, also when it failed half-way (the demo stops it). */
  readonly lastUp = { started: [] as string[], startedStack: false };

  constructor(options: FleetManagerOptions = {}) {
    this.options = options;
    this.members = options.members ?? parseFleet();
    this.root = options.root ?? repoRoot();
    this.dir = options.dir ?? join(this.root, '.local', 'fleet');
    this.source = options.stack ?? stackSourceFromEnv();
    this.stateFile = join(this.dir, 'state.json');
  }

  private proc(name: string): ManagedProcess {
    return {
      name,
      pidFile: join(this.dir, 'pids', `${name}.pid`),
      logFile: join(this.dir, 'logs', `${name}.log`),
      // given to node as --title: it is in /proc/<pid>/cmdline before node sets the title and is the
      // whole command line after, and the program's own argv never sees it
      marker: `junction-fleet:${this.dir}:${name}`,
    };
  }

  private present(m: FleetMember): boolean {
    return existsSync(join(this.root, m.entry));
  }

  private readState(): FleetState {
    try {
      return {
        startedStack: false,
        ...(JSON.parse(readFileSync(this.stateFile, 'utf8')) as Partial<FleetState>),
      };
    } catch {
      return { startedStack: false };
    }
  }

  private writeState(state: FleetState): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.stateFile, `${JSON.stringify(state)}\n`);
  }

  /** Kafka and the registry: the local stack is started when it is not running. */
  private async stackUp(log: (line: string) => void): Promise<{ brokers: string[]; registryUrl: string }> {
    if (this.source.kind === 'external') {
      log(
        `stack: using KAFKA_BROKERS=${this.source.brokers.join(',')} and SCHEMA_REGISTRY_URL=${this.source.registryUrl}`,
      );
      return { brokers: this.source.brokers, registryUrl: this.source.registryUrl };
    }
    const before = await this.source.stack.status();
    const startedStack = !(before.kafka.up && before.schemaRegistry.up);
    if (startedStack) {
      // remembered before starting, so a failed start is still stopped by `down`
      this.writeState({ ...this.readState(), startedStack: true });
      this.lastUp.startedStack = true;
    }
    const status = await this.source.stack.up({ log });
    if (!startedStack)
      log(`stack: already running (kafka ${status.kafka.bootstrap}); \`down\` leaves it running`);
    return { brokers: status.kafka.bootstrap.split(','), registryUrl: status.schemaRegistry.url };
  }

  /**
   * Starts the stack (when needed), applies the topics, registers the schemas, then starts every member
   * that is not running, in order, waiting for each to be healthy. Idempotent.
   */
  async up(
    options: {
      log?: (line: string) => void;
      signal?: AbortSignal;
      /** Replicas per pipeline service (`junction up --replicas lead-scoring=2`). */
      replicas?: Record<string, number>;
    } = {},
  ): Promise<UpResult> {
    const log = options.log ?? (() => {});
    const interrupted = () => {
      if (options.signal?.aborted) throw new FleetError('interrupted');
    };
    this.lastUp.started = [];
    this.lastUp.startedStack = false;
    mkdirSync(this.dir, { recursive: true });

    const { brokers, registryUrl } = await this.stackUp(log);
    interrupted();

    const kafka = createKafka({ brokers, clientId: 'junction-up' });
    const topics = await applyTopics(kafka, this.options.topics ?? (await workspacePlan(this.root)).topics);
    const counts = countChanges(topics);
    log(
      `topics: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged` +
        (counts.mismatch ? `, ${counts.mismatch} mismatched` : ''),
    );
    for (const t of topics) if (t.action === 'mismatch') log(`  warning: ${t.topic}: ${t.detail}`);
    interrupted();

    const schemas = await registerSchemas({
      registryUrl,
      dir: this.options.schemasDir ?? join(this.root, 'schemas'),
    });
    const refused = schemas.filter((s) => s.action === 'incompatible' || s.action === 'invalid');
    if (refused.length)
      throw new FleetError(
        `schemas refused, nothing registered:\n${refused.map((s) => `  ${s.subject} (${s.file}): ${s.detail}`).join('\n')}`,
      );
    const registered = schemas.filter((s) => s.action === 'registered').length;
    log(`schemas: ${registered} registered, ${schemas.length - registered} unchanged`);
    interrupted();

    const ctx = {
      kafka: brokers.join(','),
      registry: registryUrl,
      rate: this.options.rate ?? simulatorRate(),
    };
    const skipped: string[] = [];
    const scaled = new Map(Object.entries(options.replicas ?? {}));
    for (const name of scaled.keys()) this.scalable(name);
    for (const m of this.members) {
      interrupted();
      if (!this.present(m)) {
        log(`${m.name}: skipped, ${m.entry} is not there yet`);
        skipped.push(m.name);
        continue;
      }
      await this.startMember(m, ctx, log, this.lastUp.started, options.signal);
      // replicas a `scale` asked for earlier come back with the fleet, unless this call says otherwise
      const replicas = scaled.get(m.name) ?? this.replicaCount(m.name);
      if (replicas > 1 || scaled.has(m.name))
        await this.scaleWith(m, replicas, ctx, log, this.lastUp.started, options.signal);
    }
    return {
      status: await this.status(),
      started: [...this.lastUp.started],
      skipped,
      startedStack: this.lastUp.startedStack,
    };
  }

  /**
   * Starts `m` unless it runs, and waits for it to be ready. Its name goes into `started` as soon as
   * it is started, so a failed start is still known to whoever stops what was started.
   */
  private async startMember(
    m: FleetMember,
    ctx: FleetContext,
    log: (line: string) => void,
    started: string[],
    signal?: AbortSignal,
  ): Promise<void> {
    const proc = this.proc(m.name);
    let pid = runningPid(proc);
    if (pid !== undefined) {
      log(`${m.name}: already running (pid ${pid})`);
    } else {
      if (m.port !== undefined && !(await portFree(m.port))) {
        const who = whoListens(m.port);
        throw new FleetError(
          `port ${m.port} (${m.name}) is in use${who ? ` by ${who}` : ''}; stop that process or move ${m.name} with ${m.portFrom ?? portVariable(m.name)}`,
        );
      }
      const launch = launchSpec(m, this.members, ctx);
      rmSync(proc.logFile, { force: true });
      pid = startDetached(
        proc,
        process.execPath,
        [`--title=${proc.marker}`, '--import', tsxLoader(), join(this.root, m.entry), ...launch.args],
        {
          cwd: join(this.root, m.cwd),
          env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...launch.env },
        },
      );
      started.push(m.name);
      log(`${m.name}: started (pid ${pid})${m.port !== undefined ? ` on ${memberUrl(m)}` : ''}`);
    }
    await this.waitReady(m, proc, pid, signal);
  }

  /** The member `scale` may scale: a pipeline service on disk. */
  private scalable(name: string): FleetMember {
    const m = this.members.find((x) => x.name === name);
    const pipelines = this.members.filter((x) => x.pipeline).map((x) => x.name);
    if (!m)
      throw new FleetError(`no fleet member "${name}"; pipeline services: ${pipelines.join(', ') || 'none'}`);
    if (!m.pipeline)
      throw new FleetError(
        `${name} is not a pipeline service (no *.pipeline.ts): only pipeline services scale, their replicas sharing one consumer group; pipeline services: ${pipelines.join(', ') || 'none'}`,
      );
    if (!this.present(m)) throw new FleetError(`${name}: ${m.entry} is not there yet`);
    if (m.port === undefined) throw new FleetError(`${name} has no port: each replica needs one of its own`);
    return m;
  }

  /** How many replicas of `name` run or were asked for (1 when never scaled). */
  private replicaCount(name: string): number {
    const extra = Object.keys(this.readState().replicas?.[name] ?? {}).map(Number);
    return Math.max(1, ...extra);
  }

  /** Replica k of `m`: the member itself for k = 1, else `<name>#k` on `port`. */
  private replica(m: FleetMember, index: number, port?: number): FleetMember {
    if (index === 1) return m;
    const { portFrom: _portFrom, ...rest } = m;
    return { ...rest, name: `${m.name}#${index}`, ...(port !== undefined ? { port } : {}) };
  }

  /** Kafka and the registry of a running stack (scale starts nothing else). */
  private async runningStack(): Promise<FleetContext> {
    const status = await this.status();
    if (!status.kafka.up || !status.schemaRegistry.up)
      throw new FleetError('the stack is not running; `junction up` starts it and the fleet');
    return {
      kafka: status.kafka.bootstrap,
      registry: status.schemaRegistry.url,
      rate: this.options.rate ?? simulatorRate(),
    };
  }

  /**
   * Runs `n` replicas of a pipeline service in its consumer group: starts the missing ones (each on a
   * free port, waiting for its health URL), and stops the ones above `n` gracefully (SIGTERM, so their
   * partitions are handed over after in-flight work is committed). Replica 1 is the member itself.
   */
  async scale(
    name: string,
    n: number,
    options: { log?: (line: string) => void; signal?: AbortSignal } = {},
  ): Promise<ScaleResult> {
    if (!Number.isInteger(n) || n < 1)
      throw new FleetError(
        `replicas must be a whole number >= 1 (got ${n}); \`junction down\` stops everything`,
      );
    const m = this.scalable(name);
    const ctx = await this.runningStack();
    const log = options.log ?? (() => {});
    mkdirSync(this.dir, { recursive: true });
    const started: string[] = [];
    await this.startMember(m, ctx, log, started, options.signal);
    return this.scaleWith(m, n, ctx, log, started, options.signal);
  }

  private async scaleWith(
    m: FleetMember,
    n: number,
    ctx: FleetContext,
    log: (line: string) => void,
    started: string[],
    signal?: AbortSignal,
  ): Promise<ScaleResult> {
    const state = this.readState();
    const ports = { ...(state.replicas?.[m.name] ?? {}) };
    const save = () => {
      const next = this.readState();
      const replicas = { ...next.replicas, [m.name]: ports };
      if (Object.keys(ports).length === 0) delete replicas[m.name];
      this.writeState({ ...next, replicas });
    };
    const stopped: string[] = [];
    // above n: the highest first, as a scale-down would expect
    const running = this.replicaNames(m.name).map((r) => replicaName(r).index);
    for (const index of [...new Set([...running, ...Object.keys(ports).map(Number)])].sort((a, b) => b - a)) {
      if (index <= n) continue;
      const proc = this.proc(`${m.name}#${index}`);
      const result = await stopProcess(proc, this.options.stopGraceMs ?? 25_000);
      if (result !== 'not-running') {
        stopped.push(proc.name);
        log(`${proc.name}: ${result}`);
      }
      delete ports[index];
      save();
    }
    for (let index = 2; index <= n; index++) {
      if (signal?.aborted) throw new FleetError('interrupted');
      const proc = this.proc(`${m.name}#${index}`);
      // a stopped replica gets a fresh port: its old one may be someone else's by now
      const known = ports[index];
      const port = runningPid(proc) !== undefined && known ? known : await freePort();
      ports[index] = port;
      save(); // before starting, so `down` finds it even when the start fails
      await this.startMember(this.replica(m, index, port), ctx, log, started, signal);
    }
    return {
      started,
      stopped,
      replicas: Array.from({ length: n }, (_, i) => (i === 0 ? m.name : `${m.name}#${i + 1}`)),
    };
  }

  /** Replica process names of `member` (k >= 2) with a pid file. */
  private replicaNames(member: string): string[] {
    return this.knownNames().filter((n) => n.startsWith(`${member}#`));
  }

  private async waitReady(
    m: FleetMember,
    proc: ManagedProcess,
    pid: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const started = Date.now();
    const timeout = this.options.readyTimeoutMs ?? 120_000;
    const settle = this.options.settleMs ?? 2_000;
    const url = m.health !== undefined ? `${memberUrl(m)}${m.health}` : undefined;
    for (;;) {
      if (!isAlive(pid))
        throw new FleetError(
          `${m.name} exited during start-up; last lines of ${proc.logFile}:\n${tailLines(proc.logFile, 30)}`,
        );
      if (url === undefined ? Date.now() - started >= settle : await healthy(url)) {
        if (!isAlive(pid)) continue; // answered, then died: reported above on the next turn
        this.checkListener(m, pid);
        return;
      }
      if (signal?.aborted) throw new FleetError('interrupted');
      if (Date.now() - started > timeout)
        throw new FleetError(
          `${m.name} did not answer ${url} within ${timeout / 1000}s; last lines of ${proc.logFile}:\n${tailLines(proc.logFile, 30)}`,
        );
      await sleep(250);
    }
  }

  /** A health URL that answers proves nothing when another process holds the port: say which. */
  private checkListener(m: FleetMember, pid: number): void {
    if (m.port === undefined) return;
    const who = whoListens(m.port);
    const holder = who === undefined ? undefined : Number(/^pid (\d+)/.exec(who)?.[1]);
    if (holder !== undefined && holder !== pid)
      throw new FleetError(
        `port ${m.port} answers, but from ${who}, not from ${m.name} (pid ${pid}); stop that process or move ${m.name} with ${m.portFrom ?? portVariable(m.name)}`,
      );
  }

  /** Names with a pid file in the fleet folder: members, and any started under an older fleet list. */
  private knownNames(): string[] {
    const pids = join(this.dir, 'pids');
    const onDisk = existsSync(pids)
      ? readdirSync(pids)
          .filter((f) => f.endsWith('.pid'))
          .map((f) => f.slice(0, -'.pid'.length))
      : [];
    const members = this.members.map((m) => m.name);
    return [...onDisk.filter((n) => !members.includes(n)), ...members.reverse()];
  }

  /**
   * Stops the fleet's processes (last started first), then the local stack when `up` started it.
   * `only` limits it to those names and `stack` decides about the stack (the demo stops what it started).
   */
  async down(
    options: { log?: (line: string) => void; only?: string[]; stack?: boolean } = {},
  ): Promise<string[]> {
    const log = options.log ?? (() => {});
    const stopped: string[] = [];
    const names = this.knownNames().filter(
      (n) =>
        options.only === undefined ||
        options.only.includes(replicaName(n).member) ||
        options.only.includes(n),
    );
    for (const name of names) {
      const result = await stopProcess(this.proc(name), this.options.stopGraceMs ?? 25_000);
      if (result === 'not-running') continue;
      stopped.push(name);
      log(`${name}: ${result}`);
    }
    const state = this.readState();
    if (state.replicas)
      for (const member of Object.keys(state.replicas))
        if (options.only === undefined || options.only.includes(member)) delete state.replicas[member];
    if (state.replicas && Object.keys(state.replicas).length === 0) delete state.replicas;
    const stopStack = options.stack ?? state.startedStack;
    if (stopStack && this.source.kind === 'local') {
      stopped.push(...(await this.source.stack.down({ log })));
      state.startedStack = false;
    }
    if (state.startedStack || state.replicas) this.writeState(state);
    else rmSync(this.stateFile, { force: true });
    return stopped;
  }

  async status(): Promise<FleetStatus> {
    let kafka: FleetStatus['kafka'];
    let schemaRegistry: FleetStatus['schemaRegistry'];
    if (this.source.kind === 'local') {
      ({ kafka, schemaRegistry } = await this.source.stack.status());
    } else {
      const { brokers, registryUrl } = this.source;
      const [kafkaUp, registryUp] = await Promise.all([
        kafkaAnswers(brokers, 1),
        registryAnswers(registryUrl),
      ]);
      kafka = { bootstrap: brokers.join(','), up: kafkaUp };
      schemaRegistry = { url: registryUrl, up: registryUp };
    }
    const replicas = this.readState().replicas ?? {};
    const withReplicas = this.members.flatMap((m) => {
      const indexes = new Set([
        ...Object.keys(replicas[m.name] ?? {}).map(Number),
        ...this.replicaNames(m.name).map((r) => replicaName(r).index),
      ]);
      return [m, ...[...indexes].sort((a, b) => a - b).map((k) => this.replica(m, k, replicas[m.name]?.[k]))];
    });
    const processes = await Promise.all(
      withReplicas.map(async (m): Promise<ProcessStatus> => {
        const proc = this.proc(m.name);
        const pid = runningPid(proc);
        const url = memberUrl(m);
        const healthUrl = url !== undefined && m.health !== undefined ? `${url}${m.health}` : undefined;
        const { member, index } = replicaName(m.name);
        return {
          name: m.name,
          ...(index > 1 ? { replicaOf: member } : {}),
          present: this.present(m),
          up: pid !== undefined,
          ...(pid !== undefined ? { pid } : {}),
          ...(m.port !== undefined ? { port: m.port } : {}),
          ...(url !== undefined ? { url } : {}),
          ...(healthUrl !== undefined
            ? { healthUrl, healthy: pid !== undefined && (await healthy(healthUrl)) }
            : {}),
          log: proc.logFile,
        };
      }),
    );
    const model = this.members.find((m) => m.name === 'model-server');
    const modelServerUrl = model && memberUrl(model);
    return {
      stack: this.source.kind,
      kafka,
      schemaRegistry,
      endpoints: {
        kafkaBootstrap: kafka.bootstrap,
        schemaRegistryUrl: schemaRegistry.url,
        ...(modelServerUrl ? { modelServerUrl } : {}),
        services: Object.fromEntries(
          withReplicas.filter((m) => m !== model && m.port !== undefined).map((m) => [m.name, memberUrl(m)!]),
        ),
      },
      processes,
    };
  }

  /** Members on disk whose process is not running (cheap: pid files only, no health calls). */
  deadMembers(): string[] {
    return this.members
      .filter((m) => this.present(m) && runningPid(this.proc(m.name)) === undefined)
      .map((m) => m.name);
  }

  /** The last lines of a member's log. */
  logs(name: string, lines: number): { file: string; text: string } {
    const known = new Set([...this.members.map((m) => m.name), ...this.knownNames()]);
    if (!known.has(name))
      throw new FleetError(`no fleet process "${name}"; expected one of: ${[...known].join(', ')}`);
    const file = this.proc(name).logFile;
    if (!existsSync(file))
      throw new FleetError(`${name} has no log yet (${file}); \`junction up\` starts it`);
    return { file, text: tailLines(file, lines) };
  }
}

/** Whether `status` should exit 3: the stack or a member that is on disk is down or unhealthy. */
export function somethingDown(s: FleetStatus): boolean {
  return (
    !s.kafka.up ||
    !s.schemaRegistry.up ||
    s.processes.some((p) => p.present && (!p.up || p.healthy === false))
  );
}
