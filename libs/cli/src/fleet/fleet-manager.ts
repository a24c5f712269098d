// `junction up | down | status`: the local stack, topics, schemas and the fleet's processes.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyTopics, fleetTopics, registerSchemas } from '@junction/fleet-infra';
import { createKafka } from '@junction/kafka';
import {
  isAlive,
  LocalStack,
  portFree,
  runningPid,
  StackError,
  startDetached,
  stopProcess,
  tailLines,
  whoListens,
  type ManagedProcess,
  type StackStatus,
} from '@junction/local-stack';
import { fleet, type FleetContext, type FleetMember } from './fleet';

export interface MemberStatus {
  name: string;
  pid?: number;
  up: boolean;
  port?: number;
  url?: string;
  healthy?: boolean;
  log: string;
}

export interface FleetStatus {
  kafka: StackStatus['kafka'];
  schemaRegistry: StackStatus['schemaRegistry'];
  processes: MemberStatus[];
}

const READY_TIMEOUT_MS = 120_000;

export class FleetManager {
  private readonly stack = new LocalStack();
  private readonly dir = join(this.stack.paths.local, 'fleet');
  private readonly stateFile = join(this.dir, 'state.json');

  constructor(private readonly members: FleetMember[] = fleet()) {}

  private proc(m: FleetMember): ManagedProcess {
    return {
      name: m.name,
      pidFile: join(this.dir, 'pids', `${m.name}.pid`),
      logFile: join(this.dir, 'logs', `${m.name}.log`),
      // passed as node's --title: it shows in /proc/<pid>/cmdline (before and after node sets the
      // title) without reaching the program's own argv
      marker: `junction:${this.stack.paths.root}:${m.name}`,
    };
  }

  private context(stack: StackStatus): FleetContext {
    const model = this.members.find((m) => m.name === 'model-server');
    return {
      brokers: stack.kafka.bootstrap,
      registryUrl: stack.schemaRegistry.url,
      modelServerUrl: `http://127.0.0.1:${model?.port ?? 8000}`,
    };
  }

  async up(log: (line: string) => void = () => {}): Promise<FleetStatus> {
    mkdirSync(this.dir, { recursive: true });
    const before = await this.stack.status();
    const startedStack = !(before.kafka.up && before.schemaRegistry.up);
    const stack = await this.stack.up({ log });
    if (startedStack || !existsSync(this.stateFile))
      writeFileSync(this.stateFile, JSON.stringify({ startedStack }));

    const kafka = createKafka({ brokers: stack.kafka.bootstrap.split(','), clientId: 'junction-up' });
    const topics = await applyTopics(kafka, fleetTopics());
    const created = topics.filter((t) => t.action !== 'unchanged');
    log(
      `topics: ${created.length ? created.map((t) => `${t.topic} ${t.action}`).join(', ') : `${topics.length} up to date`}`,
    );
    const schemas = await registerSchemas({
      registryUrl: stack.schemaRegistry.url,
      dir: join(this.stack.paths.root, 'schemas'),
    });
    const bad = schemas.filter((s) => s.action === 'incompatible');
    if (bad.length)
      throw new StackError(`incompatible schemas: ${bad.map((s) => `${s.file} (${s.detail})`).join('; ')}`);
    log(`schemas: ${schemas.length} registered or up to date`);

    const ctx = this.context(stack);
    for (const m of this.members) {
      const proc = this.proc(m);
      if (!existsSync(join(this.stack.paths.root, m.entry))) {
        log(`${m.name}: ${m.entry} not found, skipped`);
        continue;
      }
      if (runningPid(proc) !== undefined) continue;
      if (m.port !== undefined && !(await portFree(m.port))) {
        const who = whoListens(m.port);
        throw new StackError(
          `port ${m.port} (${m.name}) is in use${who ? ` by ${who}` : ''}; stop it or set JUNCTION_${m.name.toUpperCase().replace(/-/g, '_')}_PORT`,
        );
      }
      rmSync(proc.logFile, { force: true });
      startDetached(
        proc,
        process.execPath,
        [
          `--title=${proc.marker}`,
          '--import',
          'tsx',
          join(this.stack.paths.root, m.entry),
          ...(m.args ?? []),
        ],
        {
          cwd: join(this.stack.paths.root, m.cwd),
          env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...m.env(ctx) },
        },
      );
      log(`${m.name}: started${m.port ? ` on 127.0.0.1:${m.port}` : ''}`);
      if (m.port !== undefined && m.health) await this.waitHealthy(m, proc);
    }
    return this.status();
  }

  private async waitHealthy(m: FleetMember, proc: ManagedProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const pid = runningPid(proc);
    while (!(await healthy(`http://127.0.0.1:${m.port}${m.health}`))) {
      if (pid === undefined || !isAlive(pid))
        throw new StackError(
          `${m.name} exited during start-up; last lines of ${proc.logFile}:\n${tailLines(proc.logFile, 25)}`,
        );
      if (Date.now() > deadline)
        throw new StackError(`${m.name} not healthy after ${READY_TIMEOUT_MS / 1000}s; see ${proc.logFile}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** Stops the fleet's processes, then the stack if `up` started it. */
  async down(log: (line: string) => void = () => {}): Promise<string[]> {
    const stopped: string[] = [];
    for (const m of [...this.members].reverse()) {
      const r = await stopProcess(this.proc(m), 20_000);
      if (r !== 'not-running') {
        stopped.push(m.name);
        log(`${m.name}: ${r}`);
      }
    }
    const state = existsSync(this.stateFile)
      ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as { startedStack?: boolean })
      : {};
    if (state.startedStack) stopped.push(...(await this.stack.down({ log })));
    rmSync(this.stateFile, { force: true });
    return stopped;
  }

  async status(): Promise<FleetStatus> {
    const stack = await this.stack.status();
    const processes = await Promise.all(
      this.members.map(async (m) => {
        const proc = this.proc(m);
        const pid = runningPid(proc);
        const url = m.port !== undefined ? `http://127.0.0.1:${m.port}` : undefined;
        return {
          name: m.name,
          up: pid !== undefined,
          log: proc.logFile,
          ...(pid !== undefined ? { pid } : {}),
          ...(m.port !== undefined ? { port: m.port } : {}),
          ...(url ? { url } : {}),
          ...(url && m.health ? { healthy: pid !== undefined && (await healthy(`${url}${m.health}`)) } : {}),
        };
      }),
    );
    return { kafka: stack.kafka, schemaRegistry: stack.schemaRegistry, processes };
  }

  logs(name: string, lines: number): string {
    const m = this.members.find((x) => x.name === name);
    if (!m)
      throw new StackError(
        `no process "${name}"; expected one of ${this.members.map((x) => x.name).join(', ')}`,
      );
    return tailLines(this.proc(m).logFile, lines);
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}
