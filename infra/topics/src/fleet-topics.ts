/**
 * Every topic the fleet uses, as code. Business topics are listed here; each pipeline's retry, DLQ and
 * completed-key topics are derived with the engine's own naming functions so the two cannot drift.
 */
import { completedTopicFor, dlqTopicFor, retryTopicFor } from '@junction/pipeline';
import type { TopicSpec } from '@junction/kafka';

const DAY_MS = 86_400_000;
export const DEFAULT_PARTITIONS = 12;

/** Events in and results out, `<domain>.<entity>.<event>.v<major>`. */
export const BUSINESS_TOPICS = [
  'crm.lead.created.v1',
  'crm.lead.scored.v1',
  'crm.lead.review.v1',
  'support.ticket.created.v1',
  'support.ticket.triaged.v1',
  'support.ticket.review.v1',
] as const;

/** The fleet's pipelines: name and source topic. */
export const PIPELINES = [
  { name: 'lead-scoring', source: 'crm.lead.created.v1' },
  { name: 'ticket-triage', source: 'support.ticket.created.v1' },
] as const;

export function fleetTopics(partitions = DEFAULT_PARTITIONS): TopicSpec[] {
  const retention = { 'retention.ms': String(7 * DAY_MS) };
  return [
    ...BUSINESS_TOPICS.map((topic) => ({ topic, partitions, config: retention })),
    ...PIPELINES.flatMap((p) => [
      { topic: retryTopicFor(p.source, p.name), partitions, config: retention },
      // dead letters wait for a person: keep them longer
      { topic: dlqTopicFor(p.source, p.name), partitions, config: { 'retention.ms': String(30 * DAY_MS) } },
      {
        topic: completedTopicFor(p.name),
        partitions,
        config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(7 * DAY_MS) },
      },
    ]),
  ];
}
