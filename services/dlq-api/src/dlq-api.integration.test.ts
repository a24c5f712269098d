// The dead-letter API over real HTTP on the real stack: keys and roles, filters, replay and its audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '@junction/kafka';
import { deadLetterHeaders } from '@junction/pipeline';
import { readTopic, testStack, uniqueSuffix, uniqueTopic } from '@junction/testing';
import { parseKeys } from './config';
import { startDlqApi, type DlqApi } from './server';

const VIEWER = 'viewer-key-123';
const OPERATOR = 'operator-key-456';
let api: DlqApi;
let kafka: Kafka;
let source: string;
let dlqTopic: string;

async function call(path: string, key?: string, init: RequestInit = {}) {
  const res = await fetch(`${api.url}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(key ? { 'x-api-key': key } : {}),
      ...(init.headers ?? {}),
    },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
}

beforeAll(async () => {
  kafka = createKafka({ brokers: testStack().brokers, clientId: 'dlq-api-test' });
  source = uniqueTopic('test.order.created.v1');
  dlqTopic = `${source}.test.dlq`;
  await ensureTopics(kafka, [{ topic: source }, { topic: dlqTopic }]);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const now = Date.now();
  await producer.send({
    topic: dlqTopic,
    messages: Array.from({ length: 6 }, (_, i) => ({
      key: `order-${i}`,
      value: Buffer.from(`not avro ${i}`),
      headers: deadLetterHeaders(
        {},
        {
          pipeline: 'order-risk',
          consumerGroup: 'junction.order-risk',
          idempotencyKey: `evt-${i}`,
          origin: { topic: source, partition: 0, offset: String(i), timestamp: String(now) },
          attempts: 3,
          firstFailure: now - 1000,
          lastFailure: now,
          failure:
            i < 4
              ? {
                  kind: 'retriable',
                  code: 'call.http',
                  errorClass: 'CallError',
                  message: 'model unavailable',
                }
              : {
                  kind: 'poison',
                  code: 'quality.range',
                  errorClass: 'QualityError',
                  message: 'amount must be between 0 and 10',
                },
        },
      ),
    })),
  });
  await producer.disconnect();
  api = await startDlqApi({
    brokers: testStack().brokers,
    registryUrl: testStack().schemaRegistryUrl,
    port: 0,
    host: '127.0.0.1',
    keys: parseKeys(`${VIEWER}:viewer:dashboards,${OPERATOR}:operator:alice`),
    rateLimitPerMinute: 1000,
    auditTopic: `junction.dlq.audit.${uniqueSuffix()}`,
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe('dlq-api', () => {
  it('refuses a missing or unknown key, and serves its OpenAPI document without one', async () => {
    expect((await call('/dlq/topics')).status).toBe(401);
    expect((await call('/dlq/topics', 'nope-nope-nope')).status).toBe(401);
    const doc = await call('/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys((doc.body as unknown as { paths: object }).paths)).toContain(
      '/dlq/topics/{topic}/replay',
    );
  });

  it('lets a viewer list and show but not replay', async () => {
    const topics = await call('/dlq/topics', VIEWER);
    expect(topics.status).toBe(200);
    expect(
      (topics.body as unknown as { topic: string; count: number }[]).find((t) => t.topic === dlqTopic)?.count,
    ).toBe(6);
    const quality = await call(`/dlq/topics/${dlqTopic}/records?errorClass=QualityError`, VIEWER);
    expect((quality.body as unknown as unknown[]).length).toBe(2);
    const shown = await call(`/dlq/topics/${dlqTopic}/records/0/0`, VIEWER);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ value: { encoding: 'hex' }, error: { class: 'CallError' } });
    const bad = await call(`/dlq/topics/${dlqTopic}/records?since=yesterday-ish`, VIEWER);
    expect(bad.status).toBe(400);
    const denied = await call(`/dlq/topics/${dlqTopic}/replay`, VIEWER, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(403);
  });

  it('replays for an operator, records every replay in the audit log, and sends nothing the second time', async () => {
    const body = JSON.stringify({ filters: { errorClass: 'CallError' } });
    const first = await call(`/dlq/topics/${dlqTopic}/replay`, OPERATOR, { method: 'POST', body });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ matched: 4, replayed: 4 });
    const second = await call(`/dlq/topics/${dlqTopic}/replay`, OPERATOR, { method: 'POST', body });
    expect(second.body).toMatchObject({ replayed: 0, skippedAlreadyReplayed: 4 });
    const replayed = await readTopic(kafka, source, { expected: 4 });
    expect(replayed.map((r) => r.key?.toString()).sort()).toEqual([
      'order-0',
      'order-1',
      'order-2',
      'order-3',
    ]);

    const audit = await call(`/audit?dlqTopic=${encodeURIComponent(dlqTopic)}`, VIEWER);
    const entries = audit.body as unknown as {
      who: string;
      replayed: number;
      target: string;
      filters: object;
      at: string;
    }[];
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      who: 'alice',
      replayed: 4,
      target: 'original',
      filters: { errorClass: 'CallError' },
    });
    expect(entries[0]).toMatchObject({ who: 'alice', replayed: 0 });
  });
});
