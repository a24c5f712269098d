// `pnpm bench`: throughput and latency of Junction's lead-scoring pipeline against raw kafkajs (the
// ceiling) and a naive NestJS Kafka-transport service, each in its own process, on the same ~1 KB
// Avro LeadCreated records, at several model latencies. See test/bench/BENCHMARKS.md.
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { logLevel, type Kafka, type Producer } from 'kafkajs';
import { generateLead, Random } from '@junction/datagen';
import { createKafka, ensureTopics, retryTransient } from '@junction/kafka';
import { deadLetterHeaders } from '@junction/pipeline';
import { kafkaAnswers, LocalStack, registryAnswers } from '@junction/local-stack';
import { requireJava } from '../../infra/local/src/toolchain';
import { PIPELINE_SERVICE_NODE_OPTIONS } from '../../libs/cli/src/fleet/fleet';
import { LeadCreatedSchema, type LeadCreated } from '@junction/schema-types';
import { AvroSerde, RegistryClient } from '@junction/schemas';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const CONTENDERS = ['raw', 'raw-rdkafka', 'nest-naive', 'flink-async', 'kstreams-eos', 'junction'] as const;
type Contender = (typeof CONTENDERS)[number];
const JVM_CONTENDERS: readonly Contender[] = ['flink-async', 'kstreams-eos'];
const RAW_CONTENDERS: readonly Contender[] = ['raw', 'raw-rdkafka'];
const JVM_DIR = resolve(HERE, 'contenders/jvm');
const JVM_OUT = resolve(ROOT, '.local/bench-jvm');
/** Junction's in-flight bound (libs/pipeline defaults): the JVM contenders get the same. */
const MAX_IN_FLIGHT = 256;
/** The model latency of the `junctionOverNest` ratio, and the only one nest-naive runs at when it is listed. */
const NEST_LATENCY_MS = 20;
const STALL_MS = 60_000;
const TARGET_BYTES = 1024;

// ---------- options ----------

function positiveInt(name: string, min = 1) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min} (got "${v}")`);
    return n;
  };
}
function latencyList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const out = parts.map((s) => {
    const n = Number(s);
    if (s === '' || !Number.isInteger(n) || n < 0 || n > 10_000)
      throw new InvalidArgumentError(`--latencies takes integers of ms from 0 to 10000, comma-separated, e.g. 0,20,100 (got "${s}")`);
    return n;
  });
  if (new Set(out).size !== out.length) throw new InvalidArgumentError(`--latencies has duplicates: ${v}`);
  return out;
}
function contenderList(v: string): Contender[] {
  const parts = v.split(',').map((s) => s.trim());
  for (const p of parts)
    if (!(CONTENDERS as readonly string[]).includes(p))
      throw new InvalidArgumentError(`unknown contender "${p}"; choose from ${CONTENDERS.join(', ')}`);
  return [...new Set(parts)] as Contender[];
}

function replicaList(v: string): number[] {
  const out = v.split(',').map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 1 || n > 12)) throw new InvalidArgumentError(`--replicas takes integers from 1 to 12, comma-separated (got "${v}")`);
  return [...new Set(out)];
}

const program = new Command('bench')
  .description('Junction vs Flink Async I/O, Kafka Streams EOS, raw clients and naive NestJS Kafka transport: events/s, end-to-end latency, RSS, CPU, exactly-once check')
  .addOption(new Option('--records <n>', 'records per scenario').default(20_000).argParser(positiveInt('--records', 100)))
  .addOption(new Option('--partitions <n>', 'partitions of the bench topics').default(12).argParser(positiveInt('--partitions')))
  .addOption(new Option('--latencies <list>', 'model latencies in ms, comma-separated').default([0, 20, 100], '0,20,100').argParser(latencyList))
  .addOption(new Option('--duration <s>', 'cap per scenario in seconds (results so far are measured)').default(45).argParser(positiveInt('--duration', 5)))
  .addOption(new Option('--contenders <list>', `comma-separated: ${CONTENDERS.join(',')}`).default([...CONTENDERS], CONTENDERS.join(',')).argParser(contenderList))
  .option('--no-tracing', 'skip the Junction tracing-on scenario and the one without instrumentation')
  .option('--no-replay', 'skip the dead-letter replay scenario')
  .addOption(new Option('--repeat <n>', 'runs of each contender per model latency, interleaved (A B C A B C ...); figures are medians').default(3).argParser(positiveInt('--repeat')))
  .addOption(new Option('--warmup <n>', 'records of the unmeasured warm-up run of each contender (0 skips it)').default(5_000).argParser(positiveInt('--warmup', 0)))
  .addOption(new Option('--replicas <list>', "Junction replicas in one group for the scale-out scenario, e.g. 1,2,3 ('' or --no-scale-out skips it)").default([1, 2, 3], '1,2,3').argParser(replicaList))
  .option('--no-scale-out', 'skip the scale-out scenario')
  .addOption(new Option('--scale-out-latency <ms>', 'model latency of the scale-out scenario').default(20).argParser(positiveInt('--scale-out-latency', 0)))
  .option('--jvm-options <flags>', 'JVM flags of the Flink and Kafka Streams processes', '-Xms512m -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError')
  .option('--junction-node-options <flags>', "Node flags of the Junction process (default: the fleet's pipeline-service flags; '' for Node's defaults)", PIPELINE_SERVICE_NODE_OPTIONS)
  .addOption(new Option('--paced <s>', 'seconds of the paced scenarios (each contender at half its median rate per model latency; 0 skips them)').default(10).argParser(positiveInt('--paced', 0)))
  .option('--seed <n>', 'data seed', positiveInt('--seed', 0), 4242)
  .option('--json', 'print the results as one JSON object on the last line')
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of each contender process into <dir> (open in Chrome DevTools)')
  .showHelpAfterError();
program.parse();
const opts = program.opts<{
  records: number;
  partitions: number;
  latencies: number[];
  duration: number;
  contenders: Contender[];
  tracing: boolean;
  replay: boolean;
  repeat: number;
  warmup: number;
  replicas: number[];
  scaleOut: boolean;
  scaleOutLatency: number;
  jvmOptions: string;
  junctionNodeOptions: string;
  paced: number;
  seed: number;
  json?: boolean;
  cpuProf?: string;
}>();

const say = (line: string) => process.stderr.write(`${line}\n`);

// ---------- processes ----------

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const s of ['SIGINT', 'SIGTERM'] as const)
  process.once(s, () => {
    say(`bench: ${s}, stopping`);
    killAll();
    void (stopStack?.() ?? Promise.resolve()).catch(() => {}).finally(() => process.exit(130));
  });

interface Proc {
  child: ChildProcess;
  /** Lines `{"bench": ...}` the process printed, by event. */
  events: Map<string, Record<string, unknown>>;
  tail: string[];
  exited: Promise<number | null>;
}

function startNode(file: string, env: Record<string, string>, label: string, profile = false): Proc {
  const prof = profile && opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(opts.cpuProf)}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`] : [];
  return startProcess(process.execPath, [...prof, '--import', 'tsx', file], env, label);
}

/** A JVM contender: `java <--jvm-options> -jar .local/bench-jvm/<name>.jar`. */
function startJvm(contender: Contender, env: Record<string, string>): Proc {
  const flags = opts.jvmOptions.split(/\s+/).filter(Boolean);
  return startProcess(requireJava(), [...flags, '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', resolve(JVM_OUT, `${contender}.jar`)], env, contender);
}

/**
 * Builds the JVM contenders with Maven (dependencies from Maven Central into ~/.m2) when their
 * sources changed since the last build: a hash of every file under contenders/jvm is kept beside the jars.
 */
function buildJvmContenders(): void {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === 'target') continue;
      const f = resolve(dir, e.name);
      if (e.isDirectory()) walk(f);
      else hash.update(f.slice(JVM_DIR.length)).update(readFileSync(f));
    }
  };
  walk(JVM_DIR);
  const digest = hash.digest('hex');
  const marker = resolve(JVM_OUT, '.sources-sha256');
  const built = JVM_CONTENDERS.every((c) => existsSync(resolve(JVM_OUT, `${c}.jar`)));
  if (built && existsSync(marker) && readFileSync(marker, 'utf8').trim() === digest) return;
  say('bench: building the JVM contenders with Maven (the first time this downloads Flink and Kafka Streams from Maven Central)…');
  const r = spawnSync('mvn', ['-q', '-B', '-f', resolve(JVM_DIR, 'pom.xml'), 'package', `-Dbench.out=${JVM_OUT}`], { cwd: ROOT, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`Maven build of test/bench/contenders/jvm failed:\n${`${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || r.error?.message}`);
  mkdirSync(JVM_OUT, { recursive: true });
  writeFileSync(marker, `${digest}\n`);
}

function startProcess(cmd: string, args: string[], env: Record<string, string>, label: string): Proc {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const p: Proc = {
    child,
    events: new Map(),
    tail: [],
    exited: new Promise((r) => child.once('exit', (code) => { children.delete(child); r(code); })),
  };
  const onLines = (stream: NodeJS.ReadableStream) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith('{"bench":') || line.includes('"msg":"ready"')) {
          try {
            const o = JSON.parse(line) as Record<string, unknown>;
            p.events.set(String(o.bench ?? o.msg), o);
            continue;
          } catch {
            /* not ours */
          }
        }
        p.tail.push(`[${label}] ${line}`);
        if (p.tail.length > 30) p.tail.shift();
      }
    });
  };
  onLines(child.stdout!);
  onLines(child.stderr!);
  return p;
}

async function waitFor(p: Proc, event: string, timeoutMs: number, what: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = p.events.get(event);
    if (e) return e;
    if (p.child.exitCode !== null) throw new Error(`${what} exited with code ${p.child.exitCode}:\n${p.tail.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`${what}: no "${event}" within ${timeoutMs / 1000} s:\n${p.tail.join('\n')}`);
    await sleep(50);
  }
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(t);
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Peak RSS (MB) and CPU seconds (user + system) of a live process, from /proc. */
function usage(pid: number): { peakRssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { peakRssMb: Math.round(hwm / 1024), cpuSeconds: round((utime + stime) / CLK_TCK, 2) };
}

// ---------- data ----------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;

/** Real-looking filler for the company name: registered office and register entry, as CRMs import them. */
function legalTail(rng: Random, lead: LeadCreated): string {
  const streets = ['Market Street', 'Industriestraße', 'Rue de la Paix', 'Harbour Road', 'Via Roma', 'Main Avenue'];
  const cities = ['London', 'Berlin', 'Paris', 'Rotterdam', 'Milan', 'Austin', 'Toronto', 'Lyon'];
  return (
    ` (registered office: ${1 + rng.int(0, 200)} ${rng.pick(streets)}, ${rng.pick(cities)}; ` +
    `register no. ${100000 + rng.int(0, 899999)}; VAT ${lead.company.country ?? 'EU'}${100000000 + rng.int(0, 899999999)}; ` +
    `billing contact accounts@${lead.company.domain ?? 'example.com'}; ` +
    `CRM import note: lead captured from ${lead.sourceChannel.toLowerCase()} campaign, owner queue ${rng.pick(['EMEA-1', 'NA-2', 'APAC-3'])}, ` +
    `consent recorded ${new Date(lead.createdAt).toISOString()}, territory ${rng.pick(cities)} ${rng.pick(['enterprise', 'mid-market', 'smb'])}, ` +
    `previous CRM ids ${Array.from({ length: 6 }, () => `L-${rng.int(0, 9_999_999)}`).join(', ')})`
  );
}

interface Dataset {
  records: { key: string; value: Buffer }[];
  avgBytes: number;
}

async function makeData(registryUrl: string): Promise<Dataset> {
  const serde = new AvroSerde(new RegistryClient({ url: registryUrl }));
  const encoder = await serde.encoder<LeadCreated>('bench.crm.lead.created.v1-value', LeadCreatedSchema);
  const rng = new Random(opts.seed);
  const now = Date.now();
  const records: Dataset['records'] = [];
  let bytes = 0;
  for (let i = 0; i < opts.records; i++) {
    const { lead } = generateLead(rng, i, now);
    const base = encoder.encode(lead).length;
    let tail = legalTail(rng, lead);
    while (tail.length < TARGET_BYTES - base) tail += ` ${legalTail(rng, lead)}`;
    lead.company.name += tail.slice(0, Math.max(0, TARGET_BYTES - base - 1));
    const value = encoder.encode(lead);
    bytes += value.length;
    records.push({ key: lead.leadId, value });
  }
  return { records, avgBytes: Math.round(bytes / records.length) };
}

/**
 * Produces the dataset at full speed, or at `rate` records/s (chunks every 10 ms); returns each
 * record's source timestamp by partition and offset.
 */
async function produce(
  producer: Producer,
  topic: string,
  data: Dataset,
  rate?: number,
): Promise<{ ts: Map<number, Map<string, number>>; ms: number }> {
  const ts = new Map<number, Map<string, number>>();
  for (let p = 0; p < opts.partitions; p++) ts.set(p, new Map());
  const TICK_MS = 10;
  const CHUNK = rate ? Math.max(1, Math.round((rate * TICK_MS) / 1000)) : 500;
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < data.records.length; i += CHUNK) {
    if (rate) {
      const due = started + ((i / CHUNK) * TICK_MS);
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const slice = data.records.slice(i, i + CHUNK);
    const now = Date.now();
    const byPartition = new Map<number, number>();
    const messages = slice.map((r, k) => {
      const partition = (i + k) % opts.partitions;
      byPartition.set(partition, (byPartition.get(partition) ?? 0) + 1);
      return { key: r.key, value: r.value, partition, timestamp: String(now) };
    });
    const send = producer.send({ topic, messages, acks: -1 }).then((meta) => {
      for (const m of meta) {
        const n = byPartition.get(m.partition) ?? 0;
        const base = BigInt(m.baseOffset ?? '0');
        const map = ts.get(m.partition)!;
        for (let k = 0n; k < BigInt(n); k++) map.set((base + k).toString(), now);
      }
    });
    const tracked: Promise<void> = send.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { ts, ms: Date.now() - started };
}

// ---------- one scenario ----------

/** Creates the topics; `ensureTopics` returns once every partition of a topic it created has a leader. */
async function createTopics(kafka: Kafka, topics: string[]): Promise<void> {
  await retryTransient('creating bench topics', () =>
    ensureTopics(kafka, topics.map((topic) => ({ topic, partitions: opts.partitions }))),
  );
}

interface Result {
  contender: Contender;
  latencyMs: number;
  tracing: boolean;
  /** Paced scenario: the production rate (records/s); latency then runs to when a downstream reader got the result. */
  pacedRate?: number;
  /** Junction built without instrumentation: no metrics, no spans (the baseline for "cheap when off"). */
  bare?: boolean;
  /** Scale-out: Junction processes in one consumer group (RSS and CPU are their sums). */
  replicas?: number;
  records: number;
  results: number;
  /** Exactly-once check on the read_committed output: source records without a result, and extra results. */
  missing: number;
  duplicated: number;
  capped: boolean;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  cpuSeconds: number;
  /** CPU seconds of the model server in the same run: what one HTTP request per record costs it. */
  modelCpuSeconds: number;
  produceMs: number;
  wallMs: number;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function waitStable(kafka: Kafka, group: string, what: string, members = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + STALL_MS;
    for (;;) {
      const { groups } = await admin.describeGroups([group]);
      const g = groups[0];
      if (g && g.state === 'Stable' && g.members.length >= members) return;
      if (Date.now() > deadline) throw new Error(`${what}: consumer group ${group} not stable after ${STALL_MS / 1000} s (state ${g?.state})`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}

async function scenario(
  kafka: Kafka,
  stack: { brokers: string[]; registryUrl: string },
  data: Dataset,
  contender: Contender,
  latencyMs: number,
  tracing: boolean,
  pacedRate?: number,
  bare = false,
  scaleOut?: number,
): Promise<Result> {
  const replicas = scaleOut ?? 1;
  const label = `${contender}${replicas > 1 ? ` ×${replicas}` : ''}${tracing ? '+tracing' : ''}${bare ? ' bare' : ''} @ ${latencyMs} ms${pacedRate ? `, paced at ${pacedRate}/s` : ''}`;
  const sfx = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const source = `bench.crm.lead.created.v1.${sfx}`;
  const output = `bench.crm.lead.scored.v1.${contender}.${sfx}`;
  const group = contender === 'junction' ? `junction.bench-${sfx}` : `bench-${contender}-${sfx}`;
  const pipelineName = group.replace(/^junction\./, '');
  const outputs = contender === 'junction' ? [output, `${output}.review`, `${source}.${pipelineName}.dlq`] : [output];
  const allTopics = [source, ...outputs, ...(contender === 'junction' ? [`${source}.${pipelineName}.retry`, `junction.${pipelineName}.completed`] : [])];
  await createTopics(kafka, outputs.concat(source));

  // a fresh model server per scenario: its idempotency store must not answer from an earlier run
  const model = startNode('services/model-server/src/main.ts', { PORT: '0', MODEL_LATENCY_MS: String(latencyMs), OTEL_EXPORTER_OTLP_ENDPOINT: '' }, 'model-server');
  const procs: Proc[] = [];
  const collector = kafka.consumer({ groupId: `bench-collector-${sfx}`, readUncommitted: false, maxWaitTimeInMs: 50, maxBytes: 64 << 20 });
  // idempotent: a send retried on a loaded machine must not write a batch twice (the results are counted)
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  try {
    const ready = await waitFor(model, 'ready', 120_000, 'model server');
    const modelUrl = String(ready.url);
    const env = {
      BENCH_BROKERS: stack.brokers.join(','),
      BENCH_REGISTRY_URL: stack.registryUrl,
      BENCH_SOURCE: source,
      BENCH_OUTPUT: output,
      BENCH_GROUP: group,
      BENCH_MODEL_URL: modelUrl,
      BENCH_PARTITIONS: String(opts.partitions),
      BENCH_TRACING: tracing ? '1' : '0',
      BENCH_INSTRUMENTATION: bare ? 'none' : 'default',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      LOG_LEVEL: 'warn',
      BENCH_SCHEMA_DIR: resolve(ROOT, 'schemas/crm'),
      BENCH_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      BENCH_CORES: String(cpus().length),
      // Junction runs with the heap settings its services run with in the fleet; the others with Node's defaults
      ...(contender === 'junction' ? { NODE_OPTIONS: opts.junctionNodeOptions } : {}),
    };
    for (let i = 0; i < replicas; i++)
      procs.push(JVM_CONTENDERS.includes(contender) ? startJvm(contender, env) : startNode(`test/bench/contenders/${contender}.ts`, env, replicas > 1 ? `${contender}-${i}` : contender, true));
    for (const p of procs) await waitFor(p, 'started', 180_000, label);
    // Flink's KafkaSource assigns partitions itself: no group membership to wait for
    if (contender !== 'flink-async') await waitStable(kafka, group, label, replicas);
    const proc = procs[0]!;

    // collect results as a downstream read_committed consumer sees them
    const lat: number[] = [];
    const resultTs: number[] = [];
    const src: { ts?: Map<number, Map<string, number>> } = {};
    const pending: { p: number; o: string; t: number }[] = [];
    let unjoined = 0;
    let duplicated = 0;
    const seen = new Set<string>();
    const join = (p: number, o: string, t: number) => {
      const s = src.ts!.get(p)?.get(o);
      if (s === undefined) unjoined++;
      else lat.push(t - s);
    };
    await collector.connect();
    await producer.connect();
    await collector.subscribe({ topics: outputs, fromBeginning: true });
    let count = 0;
    await collector.run({
      autoCommit: false,
      partitionsConsumedConcurrently: opts.partitions,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const h = m.headers ?? {};
          const p = Number(String(h['junction-source-partition'] ?? h['kafka_dlt-original-partition'] ?? '-1'));
          const o = String(h['junction-source-offset'] ?? '');
          // paced: until a downstream reader has it (commit included); burst: the result's CreateTime
          const t = pacedRate ? Date.now() : Number(m.timestamp);
          const id = `${p}:${o}`;
          if (seen.has(id)) {
            duplicated++;
            continue;
          }
          seen.add(id);
          resultTs.push(t);
          count++;
          if (src.ts) join(p, o, t);
          else pending.push({ p, o, t });
        }
      },
    });

    const t0 = Date.now();
    say(`  ${label}: producing ${data.records.length} records…`);
    const produced = await produce(producer, source, data, pacedRate);
    src.ts = produced.ts;
    for (const x of pending.splice(0)) join(x.p, x.o, x.t);

    let last = count;
    let lastChange = Date.now();
    let capped = false;
    for (;;) {
      await sleep(250);
      if (count >= data.records.length) break;
      for (const q of procs)
        if (q.child.exitCode !== null) throw new Error(`${label}: contender exited with code ${q.child.exitCode}:\n${q.tail.join('\n')}`);
      if (count !== last) {
        last = count;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > STALL_MS) {
        throw new Error(`${label}: no progress for ${STALL_MS / 1000} s at ${count}/${data.records.length} results; last output:\n${proc.tail.join('\n') || '(none)'}`);
      }
      if (!pacedRate && Date.now() - t0 > opts.duration * 1000) {
        capped = true;
        break;
      }
    }
    // a moment for late duplicates (a redone transaction) to show up before the check
    await sleep(1_000);
    const wallMs = Date.now() - t0;
    const uses = procs.map((q) => usage(q.child.pid!));
    const modelCpuSeconds = usage(model.child.pid!).cpuSeconds;
    const use = { peakRssMb: uses.reduce((a, u) => a + u.peakRssMb, 0), cpuSeconds: round(uses.reduce((a, u) => a + u.cpuSeconds, 0), 2) };
    const first = Math.min(...procs.map((q) => Number(q.events.get('first-consume')?.at ?? Infinity)), Infinity);
    const lastResult = resultTs.reduce((a, b) => (b > a ? b : a), 0);
    const n = count;
    const sorted = Float64Array.from(lat).sort();
    if (unjoined > 0) say(`  ${label}: ${unjoined} results without a source offset header (not in the latency figures)`);
    const r: Result = {
      contender,
      latencyMs,
      tracing,
      ...(pacedRate ? { pacedRate } : {}),
      ...(bare ? { bare } : {}),
      records: data.records.length,
      results: n,
      capped,
      ...(scaleOut ? { replicas: scaleOut } : {}),
      missing: data.records.length - seen.size,
      duplicated,
      eventsPerSec: round(n / Math.max(0.001, (lastResult - (Number.isFinite(first) ? first : t0)) / 1000)),
      p50Ms: round(percentile(sorted, 0.5)),
      p99Ms: round(percentile(sorted, 0.99)),
      ...use,
      modelCpuSeconds,
      produceMs: produced.ms,
      wallMs,
    };
    say(`  ${label}: ${r.results} results${capped ? ` (capped at ${opts.duration} s)` : ''}, ${r.eventsPerSec} ev/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, RSS ${r.peakRssMb} MB, CPU ${r.cpuSeconds} s (model server ${r.modelCpuSeconds} s), missing ${r.missing}, duplicated ${r.duplicated}`);
    return r;
  } finally {
    await collector.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await Promise.all(procs.map((q) => stop(q)));
    for (const proc of procs) {
      if (proc.events.get('stats')) say(`  ${label}: runner stats ${JSON.stringify(proc.events.get('stats'))}`);
      if (proc.events.get('tx')) say(`  ${label}: tx ${JSON.stringify(proc.events.get('tx'))}`);
      if (proc.events.get('memory')) say(`  ${label}: memory peaks MB ${JSON.stringify(proc.events.get('memory'))}`);
    }
    await stop(model);
    const admin = kafka.admin();
    await admin.connect().catch(() => {});
    await admin.deleteTopics({ topics: allTopics }).catch(() => {});
    await admin.deleteGroups([group, `bench-collector-${sfx}`]).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

// ---------- dead-letter replay ----------

interface ReplayFigures {
  records: number;
  replayed: number;
  ratePerSec: number;
  durationMs: number;
  peakRssMb: number;
  cpuSeconds: number;
}

/**
 * An unthrottled `junction dlq replay` of the data set, as a platform team runs it: the records are
 * written to a fresh DLQ with the engine's own dead-letter headers (original topic = a fresh target),
 * then the CLI replays them all to their original topic (a transaction per batch with the ledger).
 */
async function replayScenario(
  kafka: Kafka,
  stack: { brokers: string[]; registryUrl: string },
  data: Dataset,
): Promise<ReplayFigures> {
  const sfx = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const target = `bench.crm.lead.created.v1.${sfx}`;
  const dlqTopic = `${target}.bench-replay.dlq`;
  await createTopics(kafka, [dlqTopic, target]);
  // idempotent: a retried send must not write a batch twice (a plain producer wrote 100 234 for 100 000)
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    say(`  dlq replay: writing ${data.records.length} dead letters…`);
    const now = Date.now();
    for (let i = 0; i < data.records.length; i += 500) {
      await producer.send({
        topic: dlqTopic,
        acks: -1,
        messages: data.records.slice(i, i + 500).map((r, k) => ({
          key: r.key,
          value: r.value,
          headers: deadLetterHeaders(
            {},
            {
              pipeline: 'bench-replay',
              consumerGroup: 'junction.bench-replay',
              idempotencyKey: `bench-${i + k}`,
              origin: { topic: target, partition: (i + k) % opts.partitions, offset: String(i + k), timestamp: String(now) },
              attempts: 4,
              firstFailure: now - 60_000,
              lastFailure: now,
              failure: {
                kind: 'retriable',
                code: 'call.unavailable',
                errorClass: 'CallError',
                message: 'model unavailable (503)',
                stack: 'CallError: model unavailable (503)',
              },
            },
          ),
        })),
      });
    }
    say('  dlq replay: junction dlq replay --json…');
    const run = spawn(process.execPath, ['--import', 'tsx', 'libs/cli/src/main.ts', 'dlq', 'replay', dlqTopic, '--json', '--brokers', stack.brokers.join(',')], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(run);
    let out = '';
    let err = '';
    run.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    run.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    let peak = { peakRssMb: 0, cpuSeconds: 0 };
    const sampler = setInterval(() => {
      try {
        peak = usage(run.pid!);
      } catch {
        /* exited */
      }
    }, 100);
    const code = await new Promise<number | null>((r) => run.once('exit', (c) => r(c)));
    clearInterval(sampler);
    children.delete(run);
    if (code !== 0) throw new Error(`dlq replay exited with ${code}: ${err.trim() || out.trim()}`);
    const result = JSON.parse(out.trim().split('\n').pop()!) as { replayed: number; ratePerSec: number; durationMs: number };
    const figures = { records: data.records.length, replayed: result.replayed, ratePerSec: result.ratePerSec, durationMs: result.durationMs, ...peak };
    say(`  dlq replay: ${figures.replayed} records at ${figures.ratePerSec} records/s, RSS ${figures.peakRssMb} MB`);
    return figures;
  } finally {
    await producer.disconnect().catch(() => {});
    const admin = kafka.admin();
    await admin.connect().catch(() => {});
    await admin.deleteTopics({ topics: [dlqTopic, target] }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

// ---------- main ----------

/** The figures of one scenario kind over its repetitions: medians, with min–max. */
interface Summary {
  contender: Contender;
  latencyMs: number;
  variant: string;
  runs: number;
  results: number;
  capped: boolean;
  eventsPerSec: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  peakRssMb: Spread;
  cpuSeconds: Spread;
  missing: number;
  duplicated: number;
  /** The exactly-once check: every run missing 0 and duplicated 0 (a capped run only checks duplicates). */
  exactlyOnce: boolean;
  pacedRate?: number;
  replicas?: number;
}
interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(xs: number[], d = 0): Spread {
  const v = [...xs].sort((a, b) => a - b);
  const mid = v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  return { median: round(mid, d), min: round(v[0]!, d), max: round(v[v.length - 1]!, d) };
}

function variantOf(r: Result): string {
  return [r.tracing ? '+tracing' : '', r.bare ? 'bare' : '', r.pacedRate ? 'paced' : '', r.replicas ? `×${r.replicas}` : ''].filter(Boolean).join(' ');
}

function summarize(results: Result[]): Summary[] {
  const groups = new Map<string, Result[]>();
  for (const r of results) {
    const k = `${r.contender}|${r.latencyMs}|${variantOf(r)}|${r.replicas ?? 1}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const r0 = rs[0]!;
    return {
      contender: r0.contender,
      latencyMs: r0.latencyMs,
      variant: variantOf(r0),
      runs: rs.length,
      results: Math.round(spread(rs.map((r) => r.results)).median),
      capped: rs.some((r) => r.capped),
      eventsPerSec: spread(rs.map((r) => r.eventsPerSec)),
      p50Ms: spread(rs.map((r) => r.p50Ms)),
      p99Ms: spread(rs.map((r) => r.p99Ms)),
      peakRssMb: spread(rs.map((r) => r.peakRssMb)),
      cpuSeconds: spread(rs.map((r) => r.cpuSeconds), 1),
      missing: Math.max(...rs.map((r) => (r.capped ? 0 : r.missing))),
      duplicated: Math.max(...rs.map((r) => r.duplicated)),
      exactlyOnce: rs.every((r) => r.duplicated === 0 && (r.capped || r.missing === 0)),
      ...(r0.pacedRate ? { pacedRate: spread(rs.map((r) => r.pacedRate!)).median } : {}),
      ...(r0.replicas ? { replicas: r0.replicas } : {}),
    };
  });
}

function table(rows: Summary[]): string {
  const head = ['contender', 'model ms', 'runs', 'results', 'events/s (min–max)', 'p50 ms', 'p99 ms', 'peak RSS MB', 'CPU s', 'exactly-once'];
  const f = (x: Spread) => (x.min === x.max ? String(x.median) : `${x.median} (${x.min}–${x.max})`);
  const cells = rows.map((r) => [
    r.contender + (r.variant ? ` ${r.variant}` : '') + (r.pacedRate ? ` ${r.pacedRate}/s` : ''),
    String(r.latencyMs),
    String(r.runs),
    `${r.results}${r.capped ? '*' : ''}`,
    f(r.eventsPerSec),
    f(r.p50Ms),
    f(r.p99Ms),
    f(r.peakRssMb),
    f(r.cpuSeconds),
    r.exactlyOnce ? 'yes' : `NO: missing ${r.missing}, duplicated ${r.duplicated}`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(w[i]!)).join(' | ')} |`;
  return [line(head), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  say(`bench: ${opts.records} records, ${opts.partitions} partitions, model latencies ${opts.latencies.join(',')} ms, contenders ${opts.contenders.join(',')}, ${opts.repeat} run(s) each, cap ${opts.duration} s`);
  if (opts.contenders.some((c) => JVM_CONTENDERS.includes(c))) buildJvmContenders();
  const local = new LocalStack();
  const at = local.endpoints();
  let stack = { brokers: at.bootstrap.split(','), registryUrl: at.registryUrl };
  // a stack that answers on the local ports is used as it is (also one another clone started)
  if (!((await kafkaAnswers(stack.brokers, stack.brokers.length)) && (await registryAnswers(stack.registryUrl)))) {
    // the stack is left as found: stopped at the end (also after a failure) when this run started it
    stopStack = () => local.down({ log: (l) => say(`stack: ${l}`) });
    const status = await local.up({ log: (l) => say(`stack: ${l}`) });
    stack = { brokers: status.kafka.bootstrap.split(','), registryUrl: status.schemaRegistry.url };
  }
  const kafka = createKafka({ brokers: stack.brokers, clientId: 'bench', logLevel: logLevel.ERROR });
  const data = await makeData(stack.registryUrl);
  say(`bench: ${data.records.length} LeadCreated records, ${data.avgBytes} bytes on average (Avro, Confluent wire format)`);
  const head = (n: number): Dataset => ({ records: data.records.slice(0, n), avgBytes: data.avgBytes });

  // Warm-up, not measured: the broker (fresh topics, page cache, JIT of its request path) and each
  // contender's code paths (JVM JIT, Node's tiers, the registry's caches) see real traffic first
  if (opts.warmup > 0) {
    say(`bench: warm-up, ${Math.min(opts.warmup, data.records.length)} records per contender (not measured)`);
    for (const c of opts.contenders) await scenario(kafka, stack, head(Math.min(opts.warmup, data.records.length)), c, 0, false);
  }

  const results: Result[] = [];
  // interleaved: A B C A B C ..., so a drift of the machine spreads over every contender alike
  for (const latency of opts.latencies)
    for (let rep = 0; rep < opts.repeat; rep++)
      for (const c of opts.contenders) {
        // nest-naive is measured where its ratio is taken: at 0 and 100 ms it only fills the cap
        if (c === 'nest-naive' && latency !== NEST_LATENCY_MS && opts.latencies.includes(NEST_LATENCY_MS)) continue;
        results.push(await scenario(kafka, stack, data, c, latency, false));
      }
  const zero = opts.latencies.includes(0) ? 0 : opts.latencies[0]!;
  if (opts.tracing && opts.contenders.includes('junction'))
    for (let rep = 0; rep < opts.repeat; rep++) {
      results.push(await scenario(kafka, stack, data, 'junction', zero, false));
      results.push(await scenario(kafka, stack, data, 'junction', zero, true));
      results.push(await scenario(kafka, stack, data, 'junction', zero, false, undefined, true));
    }
  // Scale-out: N Junction replicas in one consumer group
  if (opts.scaleOut && opts.replicas.length > 0 && opts.contenders.includes('junction'))
    for (let rep = 0; rep < opts.repeat; rep++)
      for (const n of opts.replicas)
        results.push(await scenario(kafka, stack, data, 'junction', opts.scaleOutLatency, false, undefined, false, n));

  const plain = (r: Result) => !r.tracing && !r.pacedRate && !r.bare && !r.replicas;
  const median = (c: Contender, l: number, pick: (r: Result) => boolean = plain) => {
    const xs = results.filter((r) => r.contender === c && r.latencyMs === l && pick(r)).map((r) => r.eventsPerSec);
    return xs.length ? spread(xs).median : undefined;
  };
  // Light-load latency: each contender fed at half the median rate it sustained at each model latency
  if (opts.paced > 0)
    for (const latency of opts.latencies)
      for (const c of opts.contenders) {
        if (c === 'nest-naive') continue; // a handful of events/s: nothing to learn at half of it
        const max = median(c, latency);
        if (!max) continue;
        const rate = Math.max(1, Math.round(max / 2));
        const n = Math.min(data.records.length, rate * opts.paced);
        results.push(await scenario(kafka, stack, head(n), c, latency, false, rate));
      }

  const ratio = (a?: number, b?: number) => (a !== undefined && b ? round(a / b, 3) : null);
  const fastestRaw = Math.max(0, ...RAW_CONTENDERS.map((c) => median(c, 0) ?? 0)) || undefined;
  const tracingMedian = (pick: (r: Result) => boolean) => median('junction', zero, pick);
  const summary = summarize(results);
  const pacedP99 = Object.fromEntries(
    summary.filter((r) => r.pacedRate).map((r) => [`${r.contender}@${r.latencyMs}ms`, { rate: r.pacedRate, p50Ms: r.p50Ms.median, p99Ms: r.p99Ms.median, budgetMs: r.latencyMs + 100 }]),
  );
  const scaleOut = Object.fromEntries(
    opts.scaleOut ? opts.replicas.map((n) => [String(n), median('junction', opts.scaleOutLatency, (r) => r.replicas === n)] as const) : [],
  );
  const ratios = {
    junctionOverRaw: ratio(median('junction', 0), fastestRaw),
    junctionOverNest: ratio(median('junction', 20), median('nest-naive', 20)),
    junctionOverFlink20: ratio(median('junction', 20), median('flink-async', 20)),
    junctionOverFlink100: ratio(median('junction', 100), median('flink-async', 100)),
    junctionOverKstreams20: ratio(median('junction', 20), median('kstreams-eos', 20)),
    tracingOnOverOff: ratio(tracingMedian((r) => r.tracing && !r.pacedRate), tracingMedian(plain)),
    tracingOffOverBare: ratio(tracingMedian(plain), tracingMedian((r) => !!r.bare)),
  };
  const replay = opts.replay ? await replayScenario(kafka, stack, data) : undefined;
  const machine = {
    nproc: cpus().length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    java: spawnSync(requireJava(), ['-version'], { encoding: 'utf8' }).stderr?.split('\n')[0] ?? 'unknown',
  };
  say('');
  process.stdout.write(`${table(summary)}\n`);
  if (results.some((r) => r.capped)) process.stdout.write(`* capped at --duration ${opts.duration} s before all ${opts.records} results (missing not checked)\n`);
  const flagged = summary.filter((r) => !r.exactlyOnce);
  if (flagged.length) process.stdout.write(`NOT exactly-once: ${flagged.map((r) => `${r.contender} @${r.latencyMs}ms${r.variant ? ` ${r.variant}` : ''}`).join(', ')}\n`);
  process.stdout.write(`ratios (between medians): ${Object.entries(ratios).map(([k, v]) => `${k} = ${v ?? 'n/a'}`).join(', ')}\n`);
  if (Object.keys(scaleOut).length)
    process.stdout.write(`scale-out @${opts.scaleOutLatency}ms: ${Object.entries(scaleOut).map(([n, v]) => `${n} replica(s) ${v ?? 'n/a'} events/s`).join(', ')}\n`);
  if (replay)
    process.stdout.write(
      `dlq replay: ${replay.replayed} records at ${replay.ratePerSec} records/s (command ${round(replay.durationMs / 1000, 1)} s, peak RSS ${replay.peakRssMb} MB)\n`,
    );
  for (const [k, p] of Object.entries(pacedP99))
    process.stdout.write(`paced ${k} at ${p.rate}/s: p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms (budget: model latency + 100 = ${p.budgetMs} ms)\n`);
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify({ options: { ...opts, avgRecordBytes: data.avgBytes }, machine, totalSeconds: round((Date.now() - started) / 1000), summary, scenarios: results, ratios, scaleOut, pacedP99, replay })}\n`,
    );
}

let stopStack: (() => Promise<unknown>) | undefined;

main().then(
  async () => {
    await stopStack?.();
    process.exit(0);
  },
  async (err: unknown) => {
    say(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    killAll();
    await stopStack?.().catch(() => {});
    process.exit(1);
  },
);
