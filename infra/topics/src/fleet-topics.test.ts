import { definePipeline } from '@junction/pipeline';
import { describe, expect, it } from 'vitest';
import {
  businessTopics,
  planFleet,
  TopicSpecError,
  validateTopicSpecs,
  workspacePlan,
  type FleetPlan,
} from './fleet-topics';
import { discoverPipelines, serviceManifests, workspaceRoot, type DiscoveredPipeline } from './workspace';

const WEEK = String(7 * 86_400_000);
const plan: FleetPlan = await workspacePlan();

describe('the plan derived from the workspace', () => {
  const byName = new Map(plan.topics.map((s) => [s.topic, s]));

  it('finds the pipelines every service manifest exports', async () => {
    const services = serviceManifests().map((m) => m.service);
    const found = await discoverPipelines();
    expect(found.map((d) => d.pipeline.name)).toEqual(
      expect.arrayContaining(['lead-scoring', 'ticket-triage']),
    );
    for (const d of found) expect(services).toContain(d.service);
    expect(plan.pipelines.map((p) => p.pipeline)).toEqual(found.map((d) => d.pipeline.name));
  });

  it('declares every source and output topic once, with 12 partitions and 7 days of retention', () => {
    const business = businessTopics(plan.pipelines);
    expect(business).toEqual(expect.arrayContaining(['crm.lead.created.v1', 'support.ticket.review.v1']));
    expect(new Set(business).size).toBe(business.length);
    for (const topic of business)
      expect(byName.get(topic)).toEqual({ topic, partitions: 12, config: { 'retention.ms': WEEK } });
  });

  it("derives each pipeline's retry, DLQ and compacted completed-keys topics with the engine's names", () => {
    expect(byName.get('crm.lead.created.v1.lead-scoring.retry')?.config).toEqual({ 'retention.ms': WEEK });
    expect(byName.get('support.ticket.created.v1.ticket-triage.dlq')?.partitions).toBe(12);
    for (const p of plan.pipelines)
      expect(byName.get(p.completed)?.config).toEqual({
        'cleanup.policy': 'compact,delete',
        'retention.ms': WEEK,
      });
    expect(plan.topics).toHaveLength(businessTopics(plan.pipelines).length + plan.pipelines.length * 3);
  });

  it('never sets min.insync.replicas or a replication factor (broker defaults)', () => {
    for (const s of plan.topics) {
      expect(s.replicationFactor).toBeUndefined();
      expect(Object.keys(s.config ?? {})).not.toContain('min.insync.replicas');
    }
  });

  it('names every topic of a pipeline by role, and the schema file of every subject', () => {
    expect(plan.pipelines.find((p) => p.pipeline === 'lead-scoring')).toEqual({
      pipeline: 'lead-scoring',
      service: 'lead-scoring',
      file: 'services/lead-scoring/src/lead-scoring.pipeline.ts',
      group: 'junction.lead-scoring',
      source: 'crm.lead.created.v1',
      outputs: { output: 'crm.lead.scored.v1', review: 'crm.lead.review.v1' },
      output: 'crm.lead.scored.v1',
      review: 'crm.lead.review.v1',
      retry: 'crm.lead.created.v1.lead-scoring.retry',
      dlq: 'crm.lead.created.v1.lead-scoring.dlq',
      completed: 'junction.lead-scoring.completed',
    });
    expect(plan.subjects['crm.lead.created.v1-value']).toBe('schemas/crm/crm.lead.created.v1.avsc');
    for (const topic of businessTopics(plan.pipelines)) expect(plan.subjects[`${topic}-value`]).toBeDefined();
  });
});

function fakePipeline(name: string, source: string, output: string, file: string): DiscoveredPipeline {
  const pipeline = definePipeline<unknown, unknown, unknown, unknown>({
    name,
    source: { topic: source, schema: {} },
    key: () => 'k',
    idempotencyKey: () => 'k',
    call: () => {
      throw new Error('not called');
    },
    request: () => ({}),
    result: () => ({}),
    outputs: { output: { topic: output, schema: {} } },
  });
  return { service: name, file, exportName: 'p', pipeline };
}

describe('planFleet: conflicts', () => {
  const root = workspaceRoot();

  it('names both pipelines when two claim one consumer group', () => {
    const problems = planFleet(
      [
        fakePipeline(
          'lead-scoring',
          'crm.lead.created.v1',
          'crm.lead.scored.v1',
          'services/a/src/a.pipeline.ts',
        ),
        fakePipeline(
          'lead-scoring',
          'crm.lead.created.v1',
          'crm.lead.review.v1',
          'services/b/src/b.pipeline.ts',
        ),
      ],
      { root },
    ).problems;
    expect(problems).toContain(
      'pipelines lead-scoring (services/a/src/a.pipeline.ts) and lead-scoring (services/b/src/b.pipeline.ts) both claim consumer group junction.lead-scoring',
    );
  });

  it('names the pipeline, the topic and the schema file it expects when a topic has no schema', () => {
    const problems = planFleet(
      [
        fakePipeline(
          'order-risk',
          'erp.order.created.v1',
          'erp.order.flagged.v1',
          'services/order-risk/src/order-risk.pipeline.ts',
        ),
      ],
      { root },
    ).problems;
    expect(problems).toEqual([
      'pipeline order-risk (services/order-risk/src/order-risk.pipeline.ts): source topic erp.order.created.v1 has no schema; expected schemas/erp/erp.order.created.v1.avsc',
      'pipeline order-risk (services/order-risk/src/order-risk.pipeline.ts): outputs.output topic erp.order.flagged.v1 has no schema; expected schemas/erp/erp.order.flagged.v1.avsc',
    ]);
  });

  it('refuses a topic that breaks the naming convention, saying what is expected', () => {
    const problems = planFleet(
      [fakePipeline('x-y', 'Orders', 'crm.lead.scored.v1', 'services/x/src/x.pipeline.ts')],
      {
        root,
      },
    ).problems;
    expect(problems[0]).toBe(
      'pipeline x-y (services/x/src/x.pipeline.ts): source topic "Orders" breaks the naming convention; expected <domain>.<entity>.<event>.v<major>, lower case, e.g. crm.lead.created.v1',
    );
  });
});

describe('validateTopicSpecs', () => {
  it('names every problem at once', () => {
    let error: unknown;
    try {
      validateTopicSpecs([
        { topic: 'ok.topic.v1', partitions: 0 },
        { topic: 'ok.topic.v1' },
        { topic: 'bad name!', config: { 'retention.ms': '7 days' } },
        { topic: 'x', config: { 'cleanup.policy': 'compacted' } },
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TopicSpecError);
    const problems = (error as TopicSpecError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/partitions must be a whole number >= 1 \(got 0\)/);
    expect(problems.join('\n')).toMatch(/ok\.topic\.v1: declared twice/);
    expect(problems.join('\n')).toMatch(/"bad name!": expected 1-249 characters/);
    expect(problems.join('\n')).toMatch(/retention\.ms must be a whole number \(got "7 days"\)/);
    expect(problems.join('\n')).toMatch(/cleanup\.policy must be delete, compact or compact,delete/);
  });

  it('accepts the fleet', () => {
    expect(() => validateTopicSpecs(plan.topics)).not.toThrow();
  });
});
