// End to end on the real stack: simulated CRM and helpdesk bursts (with bad records) through the
// lead-scoring and ticket-triage pipelines and the reference model server. Every valid event has
// exactly one result (scored/triaged or review) with its schema and headers; every bad one is in the DLQ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { simulate } from '@junction/cli';
import { createKafka, ensureTopics } from '@junction/kafka';
import { startModelServer, type ModelServer } from '@junction/model-server';
import { definePipeline, H, headerText, PipelineRunner, type Pipeline } from '@junction/pipeline';
import {
  LeadReviewSchema,
  LeadScoredSchema,
  TicketReviewSchema,
  TicketTriagedSchema,
} from '@junction/schema-types';
import { AvroSerde, RegistryClient } from '@junction/schemas';
import { eventually, readTopic, testStack, uniqueSuffix, type ReadRecord } from '@junction/testing';
import { leadScoring } from '../../services/lead-scoring/src/lead-scoring.pipeline';
import { ticketTriage } from '../../services/ticket-triage/src/ticket-triage.pipeline';

const COUNT = 300;
const BAD_SHARE = 0.1;

let kafka: Kafka;
let model: ModelServer;
const runners: PipelineRunner<unknown, unknown, unknown, unknown, unknown>[] = [];

beforeAll(async () => {
  kafka = createKafka({ brokers: testStack().brokers, clientId: 'e2e' });
  model = await startModelServer({ port: 0 });
});
afterAll(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await model.close();
});

/** The same pipeline on topics of its own, so the test neither sees nor disturbs a running fleet. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function isolated<P extends Pipeline<any, any, any, any, any>>(p: P, sfx: string): P {
  return definePipeline({
    ...p,
    name: `${p.name}-${sfx}`,
    source: { ...p.source, topic: `${p.source.topic}.${sfx}` },
    outputs: {
      output: { ...p.outputs.output, topic: `${p.outputs.output.topic}.${sfx}` },
      ...(p.outputs.review
        ? { review: { ...p.outputs.review, topic: `${p.outputs.review.topic}.${sfx}` } }
        : {}),
    },
  }) as P;
}

async function decodeAll<T>(records: ReadRecord[], schema: object): Promise<T[]> {
  const decoder = new AvroSerde(new RegistryClient({ url: testStack().schemaRegistryUrl })).decoder<T>(
    schema,
  );
  return Promise.all(records.map((r) => decoder.decode(r.value!)));
}

describe('first integrations end to end', () => {
  it('scores leads and triages tickets from a simulated burst: one result per valid event, bad ones dead-lettered', async () => {
    const sfx = uniqueSuffix();
    const leads = isolated(leadScoring, sfx);
    const tickets = isolated(ticketTriage, sfx);
    await ensureTopics(kafka, [
      { topic: leads.source.topic, partitions: 6 },
      { topic: tickets.source.topic, partitions: 6 },
    ]);
    const options = {
      brokers: testStack().brokers,
      schemaRegistryUrl: testStack().schemaRegistryUrl,
      env: { MODEL_SERVER_URL: model.url },
    };
    for (const runner of [new PipelineRunner(leads, options), new PipelineRunner(tickets, options)]) {
      runners.push(runner as unknown as PipelineRunner<unknown, unknown, unknown, unknown, unknown>);
      await runner.start();
    }

    const sent = await simulate({
      systems: ['crm', 'helpdesk'],
      brokers: testStack().brokers,
      registryUrl: testStack().schemaRegistryUrl,
      rate: 2_000,
      count: COUNT,
      badShare: BAD_SHARE,
      seed: 4242,
      topics: { crm: leads.source.topic, helpdesk: tickets.source.topic },
    });
    const crm = sent.find((s) => s.system === 'crm')!;
    const helpdesk = sent.find((s) => s.system === 'helpdesk')!;
    expect(crm.bad).toBeGreaterThan(0);

    const [leadRunner, ticketRunner] = runners;
    const done = (r: PipelineRunner<unknown, unknown, unknown, unknown, unknown>) =>
      r.stats.output + r.stats.review + r.stats.deadLettered;
    await eventually(
      () => done(leadRunner!) === COUNT && done(ticketRunner!) === COUNT,
      'both bursts processed',
      60_000,
    );

    // leads: every valid event exactly once, in scored or review; bad ones in the DLQ
    const scoredRecords = await readTopic(kafka, leads.outputs.output.topic, {
      expected: leadRunner!.stats.output,
    });
    const leadReviewRecords = await readTopic(kafka, leads.outputs.review!.topic, {
      expected: leadRunner!.stats.review,
    });
    const scored = await decodeAll<{
      sourceEventId: string;
      score: number;
      band: string;
      modelName: string;
      degraded: boolean;
    }>(scoredRecords, LeadScoredSchema);
    const leadReviews = await decodeAll<{ sourceEventId: string }>(leadReviewRecords, LeadReviewSchema);
    const leadIds = [...scored, ...leadReviews].map((r) => r.sourceEventId).sort();
    expect(leadIds).toEqual([...crm.goodIds!].sort());
    expect(
      scored.every((s) => s.score >= 0 && s.score <= 1 && s.modelName === 'lead-conversion' && !s.degraded),
    ).toBe(true);
    for (const r of scoredRecords) {
      expect(headerText(r.headers, H.ceType)).toBe(leads.outputs.output.topic);
      expect(headerText(r.headers, H.ceSpecVersion)).toBe('1.0');
      expect(headerText(r.headers, H.modelName)).toBe('lead-conversion');
      expect(headerText(r.headers, H.modelVersion)).toBe('1');
      expect(headerText(r.headers, H.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
    const leadDlq = await readTopic(kafka, leads.resolved.dlqTopic, { expected: crm.bad });
    expect(leadDlq).toHaveLength(crm.bad);
    expect(new Set(leadDlq.map((d) => headerText(d.headers, H.errorCode)))).toEqual(
      new Set(
        Object.keys(crm.badKinds).map(
          (k) =>
            ({
              'unknown-schema-id': 'unknown-schema',
              'corrupt-bytes': 'avro-decode',
              'rule-violation': 'quality.range',
            })[k],
        ),
      ),
    );

    // tickets: same, and uncertain ones go to review
    const triagedRecords = await readTopic(kafka, tickets.outputs.output.topic, {
      expected: ticketRunner!.stats.output,
    });
    const ticketReviewRecords = await readTopic(kafka, tickets.outputs.review!.topic, {
      expected: ticketRunner!.stats.review,
    });
    const triaged = await decodeAll<{ sourceEventId: string; confidence: number; queue: string }>(
      triagedRecords,
      TicketTriagedSchema,
    );
    const ticketReviews = await decodeAll<{ sourceEventId: string; confidence: number }>(
      ticketReviewRecords,
      TicketReviewSchema,
    );
    expect([...triaged, ...ticketReviews].map((r) => r.sourceEventId).sort()).toEqual(
      [...helpdesk.goodIds!].sort(),
    );
    expect(ticketReviews.length).toBeGreaterThan(0);
    expect(ticketReviews.every((r) => r.confidence < 0.6)).toBe(true);
    expect(triaged.every((r) => r.confidence >= 0.6 && /-tier[12]$/.test(r.queue))).toBe(true);
    expect(await readTopic(kafka, tickets.resolved.dlqTopic, { expected: helpdesk.bad })).toHaveLength(
      helpdesk.bad,
    );
  }, 120_000);
});
