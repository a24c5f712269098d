import { describe, expect, it } from 'vitest';
import {
  BUSINESS_TOPICS,
  fleetTopics,
  PIPELINES,
  pipelineTopicNames,
  TopicSpecError,
  validateTopicSpecs,
} from './fleet-topics';

const WEEK = String(7 * 86_400_000);

describe('fleetTopics', () => {
  const specs = fleetTopics();
  const byName = new Map(specs.map((s) => [s.topic, s]));

  it('declares the six business topics with 12 partitions and 7 days of retention', () => {
    for (const topic of [
      'crm.lead.created.v1',
      'crm.lead.scored.v1',
      'crm.lead.review.v1',
      'support.ticket.created.v1',
      'support.ticket.triaged.v1',
      'support.ticket.review.v1',
    ]) {
      expect(byName.get(topic)).toEqual({ topic, partitions: 12, config: { 'retention.ms': WEEK } });
    }
  });

  it("derives each pipeline's retry, DLQ and compacted completed-keys topics with the engine's names", () => {
    expect(byName.get('crm.lead.created.v1.lead-scoring.retry')?.config).toEqual({ 'retention.ms': WEEK });
    expect(byName.get('support.ticket.created.v1.ticket-triage.dlq')?.partitions).toBe(12);
    for (const name of ['junction.lead-scoring.completed', 'junction.ticket-triage.completed'])
      expect(byName.get(name)?.config).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': WEEK });
    expect(specs).toHaveLength(BUSINESS_TOPICS.length + PIPELINES.length * 3);
  });

  it('never sets min.insync.replicas or a replication factor (broker defaults)', () => {
    for (const s of specs) {
      expect(s.replicationFactor).toBeUndefined();
      expect(Object.keys(s.config ?? {})).not.toContain('min.insync.replicas');
    }
  });

  it('names every topic of a pipeline, its sources and outputs being business topics', () => {
    expect(pipelineTopicNames(PIPELINES[0]!)).toEqual({
      pipeline: 'lead-scoring',
      group: 'junction.lead-scoring',
      source: 'crm.lead.created.v1',
      output: 'crm.lead.scored.v1',
      review: 'crm.lead.review.v1',
      retry: 'crm.lead.created.v1.lead-scoring.retry',
      dlq: 'crm.lead.created.v1.lead-scoring.dlq',
      completed: 'junction.lead-scoring.completed',
    });
    const business: readonly string[] = BUSINESS_TOPICS;
    for (const p of PIPELINES)
      for (const t of [p.source, p.outputs.output, p.outputs.review]) expect(business).toContain(t);
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
    expect(() => validateTopicSpecs(fleetTopics())).not.toThrow();
  });
});
