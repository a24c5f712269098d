/**
 * `junction simulate <topic>`: valid records for any topic of the fleet, generated from its Avro
 * schema (the one `topics plan` maps to its subject), at a rate, with a share of bad records (an
 * unknown schema id or corrupt bytes: what any pipeline must dead-letter whatever its rules).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFromSchema, Random } from '@junction/datagen';
import { workspacePlan, workspaceRoot } from '@junction/fleet-infra';
import { createKafka } from '@junction/kafka';
import { AvroSerde, RegistryClient, toWireFormat } from '@junction/schemas';
import { publishTraceparent, UNKNOWN_SCHEMA_ID } from './simulator';

export interface SimulateTopicOptions {
  topic: string;
  brokers: string[];
  registryUrl: string;
  rate: number;
  count?: number;
  badShare?: number;
  seed?: number;
  /** Publish to this topic instead (tests), with the schema of `topic`. */
  to?: string;
  signal?: AbortSignal;
  onProgress?: (p: TopicProgress) => void;
}

export interface TopicProgress {
  topic: string;
  sent: number;
  bad: number;
  badKinds: Record<string, number>;
}

const BAD_KINDS = ['unknown-schema-id', 'corrupt-bytes'] as const;

/** The schema of a fleet topic, from the workspace plan; the message lists the topics that have one. */
export async function topicSchema(topic: string, root = workspaceRoot()): Promise<Record<string, unknown>> {
  const plan = await workspacePlan(root);
  const file = plan.subjects[`${topic}-value`];
  if (!file)
    throw new Error(
      `no schema for topic ${topic}; topics with one: ${Object.keys(plan.subjects)
        .map((s) => s.replace(/-value$/, ''))
        .join(', ')}`,
    );
  return JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>;
}

/** The record key: the first `...Id` string field other than eventId, else eventId, else none. */
function keyField(schema: Record<string, unknown>): string | undefined {
  const fields = (schema.fields as { name: string; type: unknown }[] | undefined) ?? [];
  const ids = fields.filter((f) => f.type === 'string' && /Id$/.test(f.name)).map((f) => f.name);
  return ids.find((n) => n !== 'eventId') ?? ids[0];
}

export async function simulateTopic(o: SimulateTopicOptions): Promise<TopicProgress> {
  const schema = await topicSchema(o.topic);
  const topic = o.to ?? o.topic;
  const key = keyField(schema);
  const serde = new AvroSerde(new RegistryClient({ url: o.registryUrl }));
  const encoder = await serde.encoder<Record<string, unknown>>(`${topic}-value`, schema);
  const producer = createKafka({ brokers: o.brokers, clientId: 'junction-simulator' }).producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const rng = new Random(o.seed ?? Date.now());
  const progress: TopicProgress = { topic, sent: 0, bad: 0, badKinds: {} };
  const tickMs = 100;
  const started = Date.now();
  let i = 0;
  try {
    while (!o.signal?.aborted && (o.count === undefined || i < o.count)) {
      // token bucket, as the source-system simulators pace themselves
      const due = Math.floor(((Date.now() - started + tickMs) / 1000) * o.rate);
      const messages = [];
      for (const end = Math.min(due, o.count ?? Infinity); i < end; i++) {
        const record = generateFromSchema(schema, rng, i);
        let value = encoder.encode(record);
        const bad = rng.chance(o.badShare ?? 0) ? rng.pick(BAD_KINDS) : undefined;
        if (bad === 'unknown-schema-id') value = toWireFormat(UNKNOWN_SCHEMA_ID, value.subarray(5));
        if (bad === 'corrupt-bytes')
          value = Buffer.concat([value.subarray(0, 5), randomBytes(Math.max(8, value.length - 5))]);
        if (bad) {
          progress.bad++;
          progress.badKinds[bad] = (progress.badKinds[bad] ?? 0) + 1;
        }
        messages.push({
          key: key !== undefined ? String(record[key]) : null,
          value,
          headers: { traceparent: publishTraceparent(topic), 'junction-simulator': o.topic },
        });
      }
      if (messages.length) {
        await producer.send({ topic, messages });
        progress.sent += messages.length;
        o.onProgress?.(progress);
      }
      if (o.count !== undefined && i >= o.count) break;
      await new Promise((r) => setTimeout(r, tickMs));
    }
    return progress;
  } finally {
    await producer.disconnect();
  }
}
