/**
 * The fleet's contract for downstream teams as an AsyncAPI 3 document, derived from the plan (the
 * pipelines the workspace exports) and the schemas: a channel per topic (retry and DLQ included) with
 * its Kafka binding, an Avro message per business topic, the header contract (CloudEvents binary mode
 * and `junction-*`, `kafka_dlt-*` on failures) and, per pipeline, what it receives and sends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetPlan } from '@junction/fleet-infra';
import { H } from '@junction/pipeline';

export const AVRO_CONTENT_TYPE = 'application/vnd.apache.avro+json;version=1.9.0';
const KAFKA_BINDING = '0.5.0';

const FAILURE_ONLY = new Set<string>([
  H.attempts,
  H.firstFailure,
  H.lastFailure,
  H.dueAt,
  H.errorKind,
  H.errorCode,
  H.replayOf,
]);
const text = { type: 'string' };
const resultHeaders = Object.values(H).filter((h) => !h.startsWith('kafka_dlt-') && !FAILURE_ONLY.has(h));
const failureHeaders = Object.values(H).filter((h) => h.startsWith('kafka_dlt-') || FAILURE_ONLY.has(h));

/** Channel ids may not hold dots. */
const channelId = (topic: string) => topic.replace(/[^A-Za-z0-9_-]/g, '_');
const messageId = (topic: string) => `${channelId(topic)}_message`;

export function fleetAsyncApi(
  plan: FleetPlan,
  options: { root: string; brokers?: string; version?: string },
): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const specOf = new Map(plan.topics.map((t) => [t.topic, t]));
  const binding = (topic: string) => {
    const spec = specOf.get(topic);
    const config = spec?.config ?? {};
    return {
      kafka: {
        topic,
        ...(spec?.partitions ? { partitions: spec.partitions } : {}),
        topicConfiguration: {
          ...(config['retention.ms'] ? { 'retention.ms': Number(config['retention.ms']) } : {}),
          'cleanup.policy': (config['cleanup.policy'] ?? 'delete').split(','),
        },
        bindingVersion: KAFKA_BINDING,
      },
    };
  };
  const avroMessage = (topic: string, headers: string[], description: string) => {
    const file = plan.subjects[`${topic}-value`];
    const schema = file ? (JSON.parse(readFileSync(join(options.root, file), 'utf8')) as object) : {};
    return {
      name: messageId(topic),
      title: topic,
      summary: description,
      contentType: AVRO_CONTENT_TYPE,
      headers: { type: 'object', properties: Object.fromEntries(headers.map((h) => [h, text])) },
      payload: { schemaFormat: AVRO_CONTENT_TYPE, schema },
      bindings: { kafka: { key: text, schemaIdLocation: 'payload', bindingVersion: KAFKA_BINDING } },
    };
  };
  const channel = (topic: string, message: string, description: string) => {
    channels[channelId(topic)] ??= {
      address: topic,
      description,
      messages: { [message]: { $ref: `#/components/messages/${message}` } },
      bindings: binding(topic),
    };
  };

  for (const p of plan.pipelines) {
    const source = messageId(p.source);
    messages[source] ??= avroMessage(
      p.source,
      [],
      `a ${p.source} event (Confluent wire format, subject ${p.source}-value)`,
    );
    channel(p.source, source, 'business events in');
    for (const [role, topic] of Object.entries(p.outputs)) {
      const id = messageId(topic);
      messages[id] ??= avroMessage(topic, resultHeaders, `a result of ${p.pipeline} (${role})`);
      channel(topic, id, `results of ${p.pipeline} (${role})`);
    }
    for (const [kind, topic] of [
      ['retry', p.retry],
      ['dlq', p.dlq],
    ] as const) {
      const id = `${channelId(topic)}_message`;
      messages[id] = {
        ...(avroMessage(p.source, [...resultHeaders, ...failureHeaders], '') as object),
        name: id,
        title: topic,
        summary: `the original ${p.source} record, key, value and headers byte for byte, plus the failure headers`,
      };
      channel(topic, id, kind === 'dlq' ? `dead letters of ${p.pipeline}` : `retries of ${p.pipeline}`);
    }
    const groupBinding = {
      kafka: { groupId: { type: 'string', enum: [p.group] }, bindingVersion: KAFKA_BINDING },
    };
    operations[`${p.pipeline}_receive`] = {
      action: 'receive',
      title: `${p.pipeline} consumes ${p.source}`,
      channel: { $ref: `#/channels/${channelId(p.source)}` },
      bindings: groupBinding,
    };
    for (const [name, topic] of [...Object.entries(p.outputs), ['retry', p.retry], ['dlq', p.dlq]] as [
      string,
      string,
    ][])
      operations[`${p.pipeline}_send_${name}`] = {
        action: 'send',
        title: `${p.pipeline} sends to ${topic}`,
        channel: { $ref: `#/channels/${channelId(topic)}` },
      };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Junction fleet',
      version: options.version ?? '1.0.0',
      description:
        'Topics, Avro messages and headers of the Junction fleet, generated from its pipelines (`junction asyncapi`).',
    },
    defaultContentType: AVRO_CONTENT_TYPE,
    servers: {
      kafka: {
        host: options.brokers ?? '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'the Kafka cluster',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
