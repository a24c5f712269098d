/**
 * The fleet `junction up` runs: one entry per process, derived from the workspace. Every
 * `services/<name>/package.json` with a `junction` field is a member (see @junction/fleet-infra's
 * workspace.ts), plus the simulator. A member starts after the members its `{url:NAME}` values point
 * at (then by name), the simulator last; `down` stops them in the reverse order. Each runs as
 * `node --import tsx <entry> [args]` in its folder.
 *
 *   "junction": { "port": 3003, "health": "/health/ready", "entry": "src/main.ts", "env": { ... } }
 *
 * A service with `*.pipeline.ts` files is a pipeline service: it gets the stack, its port and the
 * heap below without saying so, and `health` defaults to `/health/ready`. Values in `env` and `args`
 * may use placeholders, filled in at start:
 *   {kafka}      Kafka bootstrap servers       {registry}   schema registry URL
 *   {port}       this entry's port             {url:NAME}   http://127.0.0.1:<port of entry NAME>
 *   {rate}       the simulator's events per second per source system (default 20)
 *
 * Every port can be moved with JUNCTION_<NAME>_PORT, e.g. JUNCTION_LEAD_SCORING_PORT=3101, and the
 * simulator's rate with JUNCTION_SIMULATOR_RATE.
 */
import { join } from 'node:path';
import { pipelineFiles, serviceManifests, workspaceRoot } from '@junction/fleet-infra';
import { z } from 'zod';

export interface FleetEntry {
  /** kebab-case; names the pid and log files and the port variable. */
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  /** Working directory, relative to the repository root. */
  cwd: string;
  args?: string[];
  /** TCP port on 127.0.0.1 (overridable by env). */
  port?: number;
  /** Path answering 200 when the process is ready (on `port`). */
  health?: string;
  env?: Record<string, string>;
  /** A pipeline service: `junction scale` may run more replicas of it, in its consumer group. */
  pipeline?: boolean;
}

/**
 * The V8 heap a pipeline service runs with. A pipeline's live data is small (its buffered records,
 * the completed-key set, ~50 MB of loaded code); with V8's defaults on a large machine the heap
 * still grows to several hundred MB of garbage between collections under load. A small young
 * generation and an old-space ceiling make V8 collect sooner: peak RSS under a full-speed backlog
 * stays near 250 MB (see test/bench/BENCHMARKS.md) for a few per cent more CPU. The ceiling also
 * bounds the in-memory completed-key set: about 3 million keys fit.
 */
export const PIPELINE_SERVICE_NODE_OPTIONS = '--max-semi-space-size=8 --max-old-space-size=384';

/** What every pipeline service needs: the stack, its port, its heap. */
const PIPELINE_SERVICE_ENV = {
  NODE_OPTIONS: PIPELINE_SERVICE_NODE_OPTIONS,
  KAFKA_BROKERS: '{kafka}',
  SCHEMA_REGISTRY_URL: '{registry}',
  PORT: '{port}',
  HOST: '127.0.0.1',
};

/** The CLI's own member: simulators publishing to the fleet's source topics. */
export const SIMULATOR: FleetEntry = {
  name: 'simulator',
  entry: 'libs/cli/src/main.ts',
  cwd: 'libs/cli',
  args: ['simulate', 'all', '--rate', '{rate}'],
  env: { KAFKA_BROKERS: '{kafka}', SCHEMA_REGISTRY_URL: '{registry}' },
};

const ManifestSchema = z
  .object({
    port: z.number().int().min(1).max(65535).optional(),
    health: z.string().optional(),
    entry: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    pipelines: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();

/** The fleet list derived from the workspace's service manifests (unchecked: `parseFleet` checks). */
export function fleetEntries(root = workspaceRoot()): FleetEntry[] {
  const problems: string[] = [];
  const entries: FleetEntry[] = [];
  for (const m of serviceManifests(root)) {
    const parsed = ManifestSchema.safeParse(m.manifest);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${m.dir}/package.json: junction.${issue.path.join('.') || ''}: ${issue.message}`);
      continue;
    }
    const j = parsed.data;
    const pipelineService = pipelineFiles(root, m).length > 0;
    entries.push({
      name: m.service,
      entry: join(m.dir, j.entry ?? 'src/main.ts'),
      cwd: m.dir,
      ...(j.port !== undefined ? { port: j.port } : {}),
      ...((j.health ?? (pipelineService ? '/health/ready' : undefined)) !== undefined
        ? { health: j.health ?? '/health/ready' }
        : {}),
      env: { ...(pipelineService ? PIPELINE_SERVICE_ENV : { PORT: '{port}', HOST: '127.0.0.1' }), ...j.env },
      ...(pipelineService ? { pipeline: true } : {}),
    });
  }
  if (problems.length) throw new FleetDefinitionError(problems);
  return [...startOrder(entries), SIMULATOR];
}

/** Members after the members their `{url:NAME}` values point at; otherwise by name. */
function startOrder(entries: FleetEntry[]): FleetEntry[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const needs = (e: FleetEntry) =>
    [...Object.values(e.env ?? {}), ...(e.args ?? [])]
      .flatMap((v) => [...v.matchAll(/\{url:([a-z0-9-]+)\}/g)].map((x) => x[1]!))
      .filter((n) => n !== e.name && byName.has(n));
  const ordered: FleetEntry[] = [];
  const visiting = new Set<string>();
  const visit = (e: FleetEntry) => {
    if (ordered.includes(e) || visiting.has(e.name)) return; // a cycle starts in name order
    visiting.add(e.name);
    for (const n of needs(e)) visit(byName.get(n)!);
    ordered.push(e);
  };
  for (const e of [...entries].sort((a, b) => a.name.localeCompare(b.name))) visit(e);
  return ordered;
}

export const DEFAULT_SIMULATOR_RATE = 20;

/** A fleet entry with its port overrides applied, ready to start. */
export interface FleetMember extends FleetEntry {
  /** When the port came from the environment: the variable's name. */
  portFrom?: string;
}

/** Where the stack is, for the placeholders. */
export interface FleetContext {
  kafka: string;
  registry: string;
  rate?: number;
}

/** The fleet list or an override cannot be used; the message names every problem. */
export class FleetDefinitionError extends Error {
  override name = 'FleetDefinitionError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid fleet definition:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const PLACEHOLDER = /\{([a-z]+)(?::([a-z0-9-]+))?\}/g;
const KNOWN = new Set(['kafka', 'registry', 'port', 'rate', 'url']);

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'expected a path inside the repository');

const EntrySchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'expected a kebab-case name, e.g. order-risk'),
    entry: relativePath,
    cwd: relativePath,
    args: z.array(z.string()).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    health: z
      .string()
      .regex(/^\/\S*$/, 'expected a path starting with /, e.g. /health/ready')
      .optional(),
    env: z.record(z.string(), z.string()).optional(),
    pipeline: z.boolean().optional(),
  })
  .strict()
  .refine((e) => e.health === undefined || e.port !== undefined, {
    message: 'a health path needs a port',
    path: ['health'],
  });

/** `lead-scoring` → `JUNCTION_LEAD_SCORING_PORT`. */
export function portVariable(name: string): string {
  return `JUNCTION_${name.toUpperCase().replace(/-/g, '_')}_PORT`;
}

/**
 * Checks the entries and applies the environment's port overrides. Every problem is reported at once:
 * a bad field, a duplicate name, an unknown placeholder or `{url:NAME}` target, a bad override, two
 * entries on one port.
 */
export function parseFleet(
  entries: readonly unknown[] = fleetEntries(),
  env: NodeJS.ProcessEnv = process.env,
): FleetMember[] {
  const problems: string[] = [];
  const members: FleetMember[] = [];
  entries.forEach((raw, i) => {
    const parsed = EntrySchema.safeParse(raw);
    const label = (raw as { name?: unknown } | null)?.name;
    const where = typeof label === 'string' ? label : `entry ${i + 1}`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${where}: ${issue.path.join('.') || 'entry'}: ${issue.message}`);
      return;
    }
    const member: FleetMember = { ...parsed.data };
    const variable = portVariable(member.name);
    const override = env[variable]?.trim();
    if (override) {
      const port = Number(override);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        problems.push(`${variable}=${JSON.stringify(override)}: expected a TCP port 1-65535`);
      else if (member.port === undefined) problems.push(`${variable}: ${member.name} has no port to move`);
      else {
        member.port = port;
        member.portFrom = variable;
      }
    }
    members.push(member);
  });

  const names = new Set<string>();
  for (const m of members) {
    if (names.has(m.name)) problems.push(`${m.name}: declared twice`);
    names.add(m.name);
  }
  const byPort = new Map<number, string>();
  for (const m of members) {
    if (m.port === undefined) continue;
    const other = byPort.get(m.port);
    if (other) problems.push(`${m.name}: port ${m.port} is also ${other}'s`);
    byPort.set(m.port, m.name);
  }
  for (const m of members) {
    for (const text of [...Object.values(m.env ?? {}), ...(m.args ?? [])]) {
      for (const [, key, arg] of text.matchAll(PLACEHOLDER)) {
        if (!key || !KNOWN.has(key))
          problems.push(`${m.name}: unknown placeholder {${key}} in ${JSON.stringify(text)}`);
        else if (key === 'url' && !members.some((x) => x.name === arg && x.port !== undefined))
          problems.push(`${m.name}: {url:${arg ?? ''}} names no entry with a port`);
        else if (key === 'port' && m.port === undefined)
          problems.push(`${m.name}: {port} used but the entry has no port`);
      }
    }
  }
  if (problems.length) throw new FleetDefinitionError(problems);
  return members;
}

/** The simulator's rate: JUNCTION_SIMULATOR_RATE, else 20. */
export function simulatorRate(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.JUNCTION_SIMULATOR_RATE?.trim();
  if (!raw) return DEFAULT_SIMULATOR_RATE;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new FleetDefinitionError([`JUNCTION_SIMULATOR_RATE=${JSON.stringify(raw)}: expected a number > 0`]);
  return n;
}

/** `http://127.0.0.1:<port>` of a member, when it has a port. */
export function memberUrl(m: FleetMember): string | undefined {
  return m.port === undefined ? undefined : `http://127.0.0.1:${m.port}`;
}

/** Fills the placeholders of one value. */
export function fill(
  text: string,
  m: FleetMember,
  members: readonly FleetMember[],
  ctx: FleetContext,
): string {
  return text.replace(PLACEHOLDER, (whole, key: string, arg?: string) => {
    switch (key) {
      case 'kafka':
        return ctx.kafka;
      case 'registry':
        return ctx.registry;
      case 'port':
        return String(m.port);
      case 'rate':
        return String(ctx.rate ?? DEFAULT_SIMULATOR_RATE);
      case 'url': {
        const target = members.find((x) => x.name === arg);
        return (target && memberUrl(target)) ?? whole;
      }
      default:
        return whole;
    }
  });
}

/** The environment and arguments a member is started with. */
export function launchSpec(
  m: FleetMember,
  members: readonly FleetMember[],
  ctx: FleetContext,
): { env: Record<string, string>; args: string[] } {
  return {
    env: Object.fromEntries(Object.entries(m.env ?? {}).map(([k, v]) => [k, fill(v, m, members, ctx)])),
    args: (m.args ?? []).map((a) => fill(a, m, members, ctx)),
  };
}
