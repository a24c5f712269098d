// Acceptance: 20,000 records over 12 partitions; the pipeline process is killed with SIGKILL twice
// mid-stream and restarted. Afterwards every valid input has exactly one result (checked by event id
// on the output topic, read_committed) and every invalid one is in the DLQ.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '@junction/kafka';
import { consumerGroupFor, dlqTopicFor } from '@junction/pipeline';
import { AvroSerde, RegistryClient } from '@junction/schemas';
import {
  eventually,
  readTopic,
  startModelStub,
  testStack,
  uniqueSuffix,
  uniqueTopic,
  type ModelStub,
} from '@junction/testing';
import { AcceptanceLead, AcceptanceScored, type Lead } from './fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const TOTAL = 20_000;
const INVALID_EVERY = 100; // 1% fail a data-quality rule

let kafka: Kafka;
let admin: Admin;
let stub: ModelStub;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  kafka = createKafka({ brokers: testStack().brokers, clientId: 'acceptance' });
  admin = kafka.admin();
  await admin.connect();
  stub = await startModelStub({ latencyMs: 1 });
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await admin.disconnect();
  await stub.close();
});

function startWorker(pipeline: string, topic: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'pipeline-worker.ts')], {
    cwd: here,
    env: {
      ...process.env,
      WORKER_PIPELINE: pipeline,
      WORKER_TOPIC: topic,
      WORKER_MODEL_URL: stub.url,
      KAFKA_BROKERS: testStack().brokers.join(','),
      SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.stderr?.on('data', (d: Buffer) => {
    const text = d.toString();
    if (/"level":"(error|fatal)"|Error:/.test(text)) process.stderr.write(`[worker ${child.pid}] ${text}`);
  });
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

async function committed(group: string, topic: string): Promise<number> {
  const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return offsets[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) ?? 0;
}

it('loses nothing and duplicates nothing when the pipeline process is killed twice mid-stream', async () => {
  const topic = uniqueTopic('acceptance.lead.created.v1');
  const pipeline = `acceptance-${uniqueSuffix()}`;
  const group = consumerGroupFor(pipeline);
  await ensureTopics(kafka, [{ topic, partitions: 12 }]);

  const serde = new AvroSerde(new RegistryClient({ url: testStack().schemaRegistryUrl }));
  const encoder = await serde.encoder<Lead>(`${topic}-value`, AcceptanceLead);
  const valid = new Set<string>();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let start = 0; start < TOTAL; start += 2_000) {
    const messages = [];
    for (let i = start; i < start + 2_000; i++) {
      const invalid = i % INVALID_EVERY === 0;
      const lead: Lead = {
        eventId: `evt-${i}`,
        leadId: `lead-${i % 997}`,
        email: `lead${i}@example.com`,
        employees: invalid ? -1 : i % 5_000,
        visits: i % 13,
        notes: 'x'.repeat(800), // about 1 KB records
      };
      if (!invalid) valid.add(lead.eventId);
      messages.push({ key: lead.leadId, value: encoder.encode(lead) });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();

  const started = Date.now();
  let worker = startWorker(pipeline, topic);
  await eventually(async () => (await committed(group, topic)) >= 4_000, 'first 4,000 committed', 90_000);
  await killHard(worker);
  const atFirstKill = await committed(group, topic);

  worker = startWorker(pipeline, topic);
  await eventually(
    async () => (await committed(group, topic)) >= atFirstKill + 5_000,
    '5,000 more committed',
    90_000,
  );
  await killHard(worker);
  const atSecondKill = await committed(group, topic);

  worker = startWorker(pipeline, topic);
  await eventually(async () => (await committed(group, topic)) === TOTAL, 'every record committed', 120_000);
  const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.kill('SIGTERM');
  await stopped;
  const seconds = (Date.now() - started) / 1000;

  const outputs = await readTopic(kafka, `${topic}.scored`, {
    expected: valid.size,
    minWaitMs: 2_000,
    timeoutMs: 60_000,
  });
  const decoder = serde.decoder<{ eventId: string }>(AcceptanceScored);
  const seen = new Map<string, number>();
  for (const r of outputs) {
    const { eventId } = await decoder.decode(r.value!);
    seen.set(eventId, (seen.get(eventId) ?? 0) + 1);
  }
  const missing = [...valid].filter((id) => !seen.has(id));
  const duplicated = [...seen].filter(([, n]) => n > 1);
  const unexpected = [...seen.keys()].filter((id) => !valid.has(id));
  const dlq = await readTopic(kafka, dlqTopicFor(topic, pipeline), {
    expected: TOTAL / INVALID_EVERY,
    timeoutMs: 30_000,
  });

  console.log(
    JSON.stringify({
      acceptance: {
        records: TOTAL,
        partitions: 12,
        restarts: 2,
        committedAtKills: [atFirstKill, atSecondKill],
        results: outputs.length,
        valid: valid.size,
        missing: missing.length,
        duplicated: duplicated.length,
        dlq: dlq.length,
        seconds,
      },
    }),
  );
  expect(missing).toEqual([]);
  expect(duplicated).toEqual([]);
  expect(unexpected).toEqual([]);
  expect(outputs).toHaveLength(valid.size);
  expect(dlq).toHaveLength(TOTAL / INVALID_EVERY);
}, 420_000);
