// One Apache Kafka broker in KRaft combined mode (broker + controller in one JVM), run straight from
// the jars Maven resolves for org.apache.kafka:kafka_2.13. Storage is formatted once and kept.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ManagedProcess } from './processes';
import { startDetached } from './processes';
import type { StackPaths } from './paths';
import { mavenOnce, pomProperty, StackError } from './toolchain';
import { execFileSync } from 'node:child_process';

export interface BrokerSpec {
  nodeId: number;
  port: number;
  controllerPort: number;
}

export interface ClusterSpec {
  /** The address every listener binds and advertises (default 127.0.0.1). */
  host: string;
  brokers: BrokerSpec[];
}

/** Brokers on consecutive ports from `firstPort`; their controllers on consecutive ports from `firstPort + 100`. */
export function clusterSpec(size: number, firstPort: number, host = '127.0.0.1'): ClusterSpec {
  return {
    host,
    brokers: Array.from({ length: size }, (_, i) => ({
      nodeId: i + 1,
      port: firstPort + i,
      controllerPort: firstPort + 100 + i,
    })),
  };
}

export function kafkaVersion(paths: StackPaths): string {
  return pomProperty(join(paths.infra, 'kafka', 'pom.xml'), 'kafka.version');
}

/** The broker classpath: every runtime jar of kafka_2.13, copied out of ~/.m2 once per version. */
export function kafkaClasspath(paths: StackPaths, log: (line: string) => void): string {
  const dir = join(paths.cache, `kafka-${kafkaVersion(paths)}`);
  mavenOnce(
    dir,
    join(paths.infra, 'kafka', 'pom.xml'),
    ['dependency:copy-dependencies', `-DoutputDirectory=${dir}`, '-DincludeScope=runtime'],
    log,
  );
  return `${dir}/*`;
}

function clusterDir(paths: StackPaths, cluster: ClusterSpec): string {
  // single-broker and three-broker clusters keep separate storage: their quorums differ
  return join(paths.data, `kafka-${cluster.brokers.length}`);
}

export function brokerProcess(paths: StackPaths, broker: BrokerSpec): ManagedProcess {
  const name = `kafka-${broker.nodeId}`;
  return {
    name,
    pidFile: join(paths.pids, `${name}.pid`),
    logFile: join(paths.logs, `${name}.log`),
    detailLog: join(paths.logs, name, 'server.log'),
    marker: `-Djunction.stack=${paths.root}`,
  };
}

export function serverProperties(paths: StackPaths, cluster: ClusterSpec, broker: BrokerSpec): string {
  const size = cluster.brokers.length;
  const rf = Math.min(3, size);
  const h = cluster.host;
  const voters = cluster.brokers.map((b) => `${b.nodeId}@${h}:${b.controllerPort}`).join(',');
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': broker.nodeId,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://${h}:${broker.port},CONTROLLER://${h}:${broker.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${h}:${broker.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': join(clusterDir(paths, cluster), `node-${broker.nodeId}`),
    'num.partitions': 1,
    'default.replication.factor': rf,
    'min.insync.replicas': size >= 3 ? 2 : 1,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': 12,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': size >= 3 ? 2 : 1,
    'transaction.state.log.num.partitions': 12,
    // Topics are code (infra/): a typo in a topic name must fail, not create a new topic.
    'auto.create.topics.enable': false,
    // No reason to wait for more members on a dev box; tests rebalance a lot.
    'group.initial.rebalance.delay.ms': 0,
    'log.retention.hours': 168,
    'log.segment.bytes': 256 * 1024 * 1024,
    'num.network.threads': 3,
    'num.io.threads': 4,
    'delete.topic.enable': true,
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
    .concat('\n');
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
function newClusterId(): string {
  // like Kafka's Uuid.randomUuid: never one starting with '-', which command lines take for an option
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function jvmArgs(paths: StackPaths, heap: string, logDir: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:-OmitStackTraceInFastThrow',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(paths.infra, 'kafka', 'log4j2.yaml')}`,
    // stdout (the .log beside the pid file) gets warnings; the full INFO log is server.log here
    `-Dkafka.logs.dir=${logDir}`,
    `-Djunction.stack=${paths.root}`,
  ];
}

/**
 * Writes server.properties for the broker, formats its storage on first start (the cluster id is
 * kept beside the data so every node of a cluster shares it), and starts the JVM detached.
 */
export function startBroker(
  paths: StackPaths,
  java: string,
  classpath: string,
  cluster: ClusterSpec,
  broker: BrokerSpec,
): number {
  const dir = clusterDir(paths, cluster);
  const nodeDir = join(dir, `node-${broker.nodeId}`);
  mkdirSync(nodeDir, { recursive: true });
  const idFile = join(dir, 'cluster.id');
  if (!existsSync(idFile)) writeFileSync(idFile, newClusterId());
  const clusterId = readFileSync(idFile, 'utf8').trim();
  const propsFile = join(dir, `server-${broker.nodeId}.properties`);
  writeFileSync(propsFile, serverProperties(paths, cluster, broker));
  const heap = cluster.brokers.length > 1 ? '768m' : '1g';
  const proc = brokerProcess(paths, broker);
  const logDir = dirname(proc.detailLog!);

  if (!existsSync(join(nodeDir, 'meta.properties'))) {
    try {
      execFileSync(
        java,
        [...jvmArgs(paths, '256m', logDir), '-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propsFile, '--ignore-formatted'],
        { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
      );
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new StackError(`formatting Kafka storage in ${nodeDir} failed:\n${`${e.stdout ?? ''}${e.stderr ?? ''}`.trim()}`);
    }
  }
  return startDetached(proc, java, [...jvmArgs(paths, heap, logDir), '-cp', classpath, 'kafka.Kafka', propsFile], {
    cwd: paths.root,
  });
}
