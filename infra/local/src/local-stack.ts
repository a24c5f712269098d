// `junction stack up | down | status | logs`: Kafka and the schema registry as local JVMs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka, KafkaLogLevel } from '@junction/kafka';
import { brokerProcess, clusterSpec, kafkaClasspath, kafkaVersion, startBroker, type ClusterSpec } from './kafka-broker';
import { stackPaths, type StackPaths } from './paths';
import { portFree, whoListens } from './ports';
import { isAlive, runningPid, stopProcess, tailLines, type ManagedProcess } from './processes';
import { registryHome, registryJava, registryProcess, registryUrl, registryVersion, startRegistry } from './registry-server';
import { requireJava, StackError } from './toolchain';

export interface StackOptions {
  /** 1 (default) or 3 brokers. */
  brokers?: 1 | 3;
  /** First broker port (default 9092). */
  kafkaPort?: number;
  /** Registry HTTP port (default 8080). */
  registryPort?: number;
  /**
   * The address Kafka's listeners and the registry bind and advertise (default 127.0.0.1). Another
   * local address (a veth's, say) lets processes in a network namespace reach the stack.
   */
  host?: string;
  log?: (line: string) => void;
}

interface StackSettings {
  brokers: 1 | 3;
  kafkaPort: number;
  registryPort: number;
  host: string;
}

export interface StackStatus {
  kafka: {
    bootstrap: string;
    up: boolean;
    version: string;
    brokers: { nodeId: number; port: number; up: boolean; pid?: number }[];
  };
  schemaRegistry: { url: string; up: boolean; version: string; pid?: number };
}

function envPort(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StackError(`${name}=${v} is not a TCP port (1-65535)`);
  return n;
}

/** Defaults, overridable with JUNCTION_KAFKA_PORT / JUNCTION_REGISTRY_PORT (the CLI flags win over both). */
const DEFAULTS: StackSettings = {
  brokers: 1,
  kafkaPort: envPort('JUNCTION_KAFKA_PORT', 9092),
  registryPort: envPort('JUNCTION_REGISTRY_PORT', 8080),
  host: '127.0.0.1',
};
const READY_TIMEOUT_MS = 180_000;

export class LocalStack {
  readonly paths: StackPaths;

  constructor(paths: StackPaths = stackPaths()) {
    this.paths = paths;
  }

  /** The settings of the last `up` (or the defaults): `status`, `down` and `logs` follow them. */
  private settings(): StackSettings {
    if (!existsSync(this.paths.stateFile)) return DEFAULTS;
    try {
      return { ...DEFAULTS, ...(JSON.parse(readFileSync(this.paths.stateFile, 'utf8')) as Partial<StackSettings>) };
    } catch {
      return DEFAULTS;
    }
  }

  private managementPort(s: StackSettings): number {
    return s.registryPort + 1000;
  }

  private processes(s: StackSettings): { cluster: ClusterSpec; brokers: ManagedProcess[]; registry: ManagedProcess } {
    const cluster = clusterSpec(s.brokers, s.kafkaPort, s.host);
    return {
      cluster,
      brokers: cluster.brokers.map((b) => brokerProcess(this.paths, b)),
      registry: registryProcess(this.paths),
    };
  }

  /**
   * Where the stack listens (or will listen): the ports of the last `up`, else the defaults. No probing:
   * `status()` says whether anything answers there.
   */
  endpoints(): { bootstrap: string; registryUrl: string } {
    const s = this.settings();
    return {
      bootstrap: clusterSpec(s.brokers, s.kafkaPort)
        .brokers.map((b) => `${s.host}:${b.port}`)
        .join(','),
      registryUrl: registryUrl(s.registryPort, s.host),
    };
  }

  async status(): Promise<StackStatus> {
    const s = this.settings();
    const { cluster, brokers, registry } = this.processes(s);
    const brokerStates = await Promise.all(
      cluster.brokers.map(async (b, i) => {
        const pid = runningPid(brokers[i]!);
        return { nodeId: b.nodeId, port: b.port, up: pid !== undefined && (await tcpOpen(b.port, s.host)), ...(pid ? { pid } : {}) };
      }),
    );
    const bootstrap = cluster.brokers.map((b) => `${s.host}:${b.port}`).join(',');
    const kafkaUp = brokerStates.every((b) => b.up) && (await kafkaAnswers(bootstrap.split(','), cluster.brokers.length));
    const regPid = runningPid(registry);
    const url = registryUrl(s.registryPort, s.host);
    return {
      kafka: { bootstrap, up: kafkaUp, version: kafkaVersion(this.paths), brokers: brokerStates },
      schemaRegistry: {
        url,
        up: regPid !== undefined && (await registryAnswers(url)),
        version: registryVersion(this.paths),
        ...(regPid ? { pid: regPid } : {}),
      },
    };
  }

  /** Starts whatever is not running; returns once Kafka answers Metadata and the registry answers /subjects. */
  async up(options: StackOptions = {}): Promise<StackStatus> {
    const log = options.log ?? (() => {});
    const previous = this.settings();
    const anyRunning = this.runningProcesses(previous).length > 0;
    const wanted: StackSettings = {
      brokers: options.brokers ?? (anyRunning ? previous.brokers : DEFAULTS.brokers),
      kafkaPort: options.kafkaPort ?? (anyRunning ? previous.kafkaPort : DEFAULTS.kafkaPort),
      registryPort: options.registryPort ?? (anyRunning ? previous.registryPort : DEFAULTS.registryPort),
      host: options.host ?? (anyRunning ? previous.host : DEFAULTS.host),
    };
    if (anyRunning && JSON.stringify(wanted) !== JSON.stringify(previous)) {
      throw new StackError(
        `a stack with ${previous.brokers} broker(s) on ${previous.host}:${previous.kafkaPort} and the registry on port ${previous.registryPort} is running; run \`junction stack down\` first`,
      );
    }
    const java = requireJava();
    const javaForRegistry = registryJava();
    const { cluster, brokers, registry } = this.processes(wanted);

    // Fail fast on ports someone else holds, before spending time on downloads.
    const needed: { port: number; host: string; what: string; proc: ManagedProcess }[] = [
      ...cluster.brokers.flatMap((b, i) => [
        { port: b.port, host: wanted.host, what: `Kafka broker ${b.nodeId}`, proc: brokers[i]! },
        { port: b.controllerPort, host: wanted.host, what: `Kafka controller ${b.nodeId}`, proc: brokers[i]! },
      ]),
      { port: wanted.registryPort, host: wanted.host, what: 'schema registry', proc: registry },
      // the management interface stays on loopback (application.properties)
      { port: this.managementPort(wanted), host: '127.0.0.1', what: 'schema registry management', proc: registry },
    ];
    for (const { port, host, what, proc } of needed) {
      if (runningPid(proc) !== undefined) continue;
      if (!(await portFree(port, host))) {
        const who = whoListens(port);
        throw new StackError(
          `port ${port} (${what}) is in use${who ? ` by ${who}` : ''}; stop that process or choose other ports with --kafka-port / --registry-port`,
        );
      }
    }

    mkdirSync(this.paths.logs, { recursive: true });
    writeFileSync(this.paths.stateFile, JSON.stringify(wanted));

    const classpath = kafkaClasspath(this.paths, log);
    const home = registryHome(this.paths, log);

    const started: ManagedProcess[] = [];
    cluster.brokers.forEach((b, i) => {
      if (runningPid(brokers[i]!) === undefined) {
        log(`starting Kafka ${kafkaVersion(this.paths)} broker ${b.nodeId} on ${wanted.host}:${b.port}`);
        startBroker(this.paths, java, classpath, cluster, b);
        started.push(brokers[i]!);
      }
    });
    if (runningPid(registry) === undefined) {
      log(`starting Apicurio Registry ${registryVersion(this.paths)} on ${wanted.host}:${wanted.registryPort}`);
      startRegistry(this.paths, javaForRegistry, home, wanted.registryPort, this.managementPort(wanted), wanted.host);
      started.push(registry);
    }

    const bootstrap = cluster.brokers.map((b) => `${wanted.host}:${b.port}`);
    const url = registryUrl(wanted.registryPort, wanted.host);
    await Promise.all([
      this.waitFor('Kafka', brokers, () => kafkaAnswers(bootstrap, cluster.brokers.length)),
      this.waitFor('schema registry', [registry], () => registryAnswers(url)),
    ]);
    if (started.length > 0) log(`stack ready: kafka ${bootstrap.join(',')}, registry ${url}`);
    return this.status();
  }

  private async waitFor(what: string, procs: ManagedProcess[], ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const pids = procs.map((p) => runningPid(p));
    for (;;) {
      if (await ready()) return;
      procs.forEach((p, i) => {
        const pid = pids[i];
        if (pid === undefined || !isAlive(pid)) {
          throw new StackError(`${p.name} exited during start-up; last lines of its log:\n${lastLines(p, 30)}`);
        }
      });
      if (Date.now() > deadline) {
        throw new StackError(
          `${what} did not become ready within ${READY_TIMEOUT_MS / 1000}s; see \`junction stack logs\`:\n${procs.map((p) => lastLines(p, 15)).join('\n')}`,
        );
      }
      await sleep(500);
    }
  }

  private runningProcesses(s: StackSettings): ManagedProcess[] {
    const { brokers, registry } = this.processes(s);
    return [registry, ...brokers].filter((p) => runningPid(p) !== undefined);
  }

  /** Stops exactly the processes `up` started (pid files + command-line marker) and waits for them to exit. */
  async down(options: { log?: (line: string) => void } = {}): Promise<string[]> {
    const log = options.log ?? (() => {});
    const s = this.settings();
    const { brokers, registry } = this.processes(s);
    const stopped: string[] = [];
    // registry first: it may hold connections to the brokers
    for (const group of [[registry], brokers]) {
      const results = await Promise.all(
        group.map(async (p) => {
          const r = await stopProcess(p);
          if (r !== 'not-running') log(`${p.name}: ${r}`);
          return r === 'not-running' ? undefined : p.name;
        }),
      );
      stopped.push(...results.filter((n): n is string => n !== undefined));
    }
    return stopped;
  }

  /**
   * Stops one process of the running stack (`kafka-<n>` or `registry`): SIGTERM with a grace period,
   * or SIGKILL at once with `hard`. `up()` starts it again. For failure tests.
   */
  async stopComponent(component: string, options: { hard?: boolean; graceMs?: number } = {}): Promise<'stopped' | 'killed' | 'not-running'> {
    const { brokers, registry } = this.processes(this.settings());
    const proc = [...brokers, registry].find((p) => p.name === component);
    if (!proc) {
      throw new StackError(`no stack component ${component}; expected one of ${[...brokers, registry].map((p) => p.name).join(', ')}`);
    }
    const pid = runningPid(proc);
    if (pid === undefined) return 'not-running';
    if (!options.hard) return stopProcess(proc, options.graceMs);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
    return 'killed';
  }

  logs(component: string | undefined, lines: number): { name: string; file: string; text: string }[] {
    const { brokers, registry } = this.processes(this.settings());
    const all = [...brokers, registry];
    const chosen = all.filter(
      (p) => component === undefined || p.name === component || (component === 'kafka' && p.name.startsWith('kafka-')),
    );
    return chosen.flatMap((p) =>
      [p.logFile, p.detailLog]
        .filter((f): f is string => f !== undefined && existsSync(f))
        .map((file) => ({ name: p.name, file, text: tailLines(file, lines) })),
    );
  }
}

function lastLines(p: ManagedProcess, n: number): string {
  return [p.logFile, p.detailLog]
    .filter((f): f is string => f !== undefined && existsSync(f))
    .map((f) => `--- ${f}\n${tailLines(f, n)}`)
    .join('\n');
}

function tcpOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Kafka is ready when a Metadata request answers with every broker of the cluster registered. */
export async function kafkaAnswers(brokers: string[], expected: number): Promise<boolean> {
  const kafka = createKafka({
    clientId: 'junction-stack',
    brokers,
    logLevel: KafkaLogLevel.NOTHING,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 3_000,
    retries: 0,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length >= expected && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The registry is ready when `GET /subjects` answers 200. */
export async function registryAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
