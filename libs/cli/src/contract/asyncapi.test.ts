import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { businessTopics, workspacePlan, workspaceRoot } from '@junction/fleet-infra';
import { AVRO_CONTENT_TYPE, fleetAsyncApi } from './asyncapi';

const root = workspaceRoot();
const plan = await workspacePlan(root);
const doc = fleetAsyncApi(plan, { root });

describe('junction asyncapi', () => {
  it('writes an AsyncAPI 3 document that @asyncapi/parser accepts without errors', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    const errors = diagnostics
      .filter((d) => d.severity === 0)
      .map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('has a channel per topic of the fleet, retry and DLQ included, with its Kafka binding', async () => {
    const { document } = await new Parser().parse(JSON.stringify(doc));
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    for (const t of plan.topics.filter((t) => !t.topic.endsWith('.completed')))
      expect(addresses).toContain(t.topic);
    const dlq = document!
      .channels()
      .all()
      .find((c) => c.address() === 'crm.lead.created.v1.lead-scoring.dlq')!;
    expect(dlq.bindings().get('kafka')?.value()).toMatchObject({ partitions: 12 });
    expect(addresses).toHaveLength(businessTopics(plan.pipelines).length + 2 * plan.pipelines.length);
  });

  it('gives each message its Avro schema and the header contract, and each pipeline its operations', async () => {
    const { document } = await new Parser().parse(JSON.stringify(doc));
    const scored = document!
      .messages()
      .all()
      .find((m) => m.title() === 'crm.lead.scored.v1')!;
    expect(scored.contentType()).toBe(AVRO_CONTENT_TYPE);
    expect(scored.schemaFormat()).toBe(AVRO_CONTENT_TYPE);
    expect(Object.keys(scored.headers()!.properties() ?? {})).toEqual(
      expect.arrayContaining([
        'ce_id',
        'ce_type',
        'traceparent',
        'junction-model-version',
        'junction-idempotency-key',
      ]),
    );
    const dlq = document!
      .messages()
      .all()
      .find((m) => m.title() === 'crm.lead.created.v1.lead-scoring.dlq')!;
    expect(Object.keys(dlq.headers()!.properties() ?? {})).toEqual(
      expect.arrayContaining(['kafka_dlt-exception-fqcn', 'junction-error-kind']),
    );
    const ops = document!.operations().all();
    const receive = ops.find((o) => o.id() === 'lead-scoring_receive')!;
    expect(receive.action()).toBe('receive');
    expect(receive.bindings().get('kafka')?.value()).toMatchObject({
      groupId: { enum: ['junction.lead-scoring'] },
    });
    for (const p of plan.pipelines)
      expect(ops.filter((o) => (o.id() ?? '').startsWith(`${p.pipeline}_send_`)).length).toBe(
        Object.keys(p.outputs).length + 2,
      );
  });
});
