/**
 * Idempotency-state restore at scale: writes N completed keys (default 5 million) to a fresh changelog
 * topic of 12 partitions, then measures, each in a process of its own, (1) a fresh instance's
 * `KeyState.assign` of every partition: time until all are ready and peak RSS, and (2) a restart
 * over the same state directory after a tail was written: time reading only the tail.
 *
 *   node --import tsx test/bench/state-restore.ts                    # 5M keys, 12 partitions
 *   node --import tsx test/bench/state-restore.ts --keys 500000 --tail 20000
 *
 * The topic and the state directory are deleted at the end (`--keep` keeps them).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics, PartitionReader } from '@junction/kafka';
import { KeyState } from '@junction/pipeline';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '5000000' },
    tail: { type: 'string', default: '50000' },
    partitions: { type: 'string', default: '12' },
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    phase: { type: 'string' },
    topic: { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const brokers = args.brokers.split(',');
const partitions = Number(args.partitions);
const WINDOW_MS = 7 * 86_400_000;

const peakRssMB = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

/** One measured phase, in its own process: assign every partition, report time and peak RSS. */
async function restorePhase(): Promise<void> {
  const started = performance.now();
  const state = new KeyState({
    dir: args.dir!,
    pipeline: 'bench',
    windowMs: WINDOW_MS,
    changelog: new PartitionReader({ brokers }, args.topic!),
  });
  const all = await Promise.all(Array.from({ length: partitions }, (_, p) => state.assign(p)));
  const readyMs = performance.now() - started;
  const keys = all.reduce((n, k) => n + k.size, 0);
  const records = state.restores.reduce((n, r) => n + r.records, 0);
  await state.close();
  console.log(
    JSON.stringify({
      readySec: +(readyMs / 1000).toFixed(1),
      keys,
      recordsRead: records,
      peakRssMB: peakRssMB(),
    }),
  );
}

async function write(kafka: Kafka, topic: string, n: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const at = String(Date.now());
    const chunk = 24_000;
    for (let i = 0; i < n; i += chunk) {
      const size = Math.min(chunk, n - i);
      const byPartition = Array.from({ length: partitions }, () => [] as { key: string; value: string }[]);
      for (let j = 0; j < size; j++)
        byPartition[(i + j) % partitions]!.push({ key: `evt-${randomUUID()}`, value: at });
      await producer.sendBatch({
        acks: -1,
        topicMessages: byPartition.map((messages, partition) => ({
          topic,
          messages: messages.map((m) => ({ ...m, partition })),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

const diskMB = (p: string): number =>
  statSync(p).isDirectory()
    ? readdirSync(p).reduce((s, f) => s + diskMB(join(p, f)), 0)
    : statSync(p).size / 2 ** 20;

function measure(topic: string, dir: string): Record<string, number> {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      import.meta.filename,
      '--phase',
      'restore',
      '--topic',
      topic,
      '--dir',
      dir,
      '--partitions',
      String(partitions),
      '--brokers',
      brokers.join(','),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
}

async function main(): Promise<void> {
  if (args.phase === 'restore') return restorePhase();
  const n = Number(args.keys);
  const kafka = createKafka({ brokers, clientId: 'bench-state-restore' });
  const topic = `junction.bench-state-${randomUUID().slice(0, 8)}.completed`;
  const dir = mkdtempSync(join(tmpdir(), 'junction-state-restore-'));
  try {
    await ensureTopics(kafka, [
      {
        topic,
        partitions,
        config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(WINDOW_MS) },
      },
    ]);
    let t = performance.now();
    await write(kafka, topic, n);
    process.stderr.write(`wrote ${n} keys to ${topic} in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    const fresh = measure(topic, dir);
    process.stderr.write(`fresh restore: ${JSON.stringify(fresh)}\n`);
    t = performance.now();
    await write(kafka, topic, Number(args.tail));
    const restart = measure(topic, dir);
    process.stderr.write(`restart after a tail of ${args.tail}: ${JSON.stringify(restart)}\n`);
    console.log(
      JSON.stringify({
        keys: n,
        partitions,
        fresh,
        restart: { ...restart, tail: Number(args.tail) },
        diskMB: Math.round(diskMB(dir)),
        diskBytesPerKey: Math.round((diskMB(dir) * 2 ** 20) / n),
      }),
    );
  } finally {
    if (!args.keep) {
      rmSync(dir, { recursive: true, force: true });
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  }
}

await main();
