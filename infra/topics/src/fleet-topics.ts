/**
 * Every topic the fleet uses, as code. Business topics are listed here; each pipeline's retry, DLQ and
 * completed-key topics are derived with the engine's own naming functions so the two cannot drift.
 *
 * A new integration: add its topics to `BUSINESS_TOPICS` and its pipeline to `PIPELINES`.
 */
import { completedTopicFor, consumerGroupFor, dlqTopicFor, retryTopicFor } from '@junction/pipeline';
import type { TopicSpec } from '@junction/kafka';

const DAY_MS = 86_400_000;
export const DEFAULT_PARTITIONS = 12;
export const RETENTION_MS = 7 * DAY_MS;
/** Dead letters wait for a person to look at them (and a long weekend): kept longer than the rest. */
export const DLQ_RETENTION_MS = 30 * DAY_MS;

/** Events in and results out, `<domain>.<entity>.<event>.v<major>`. */
export const BUSINESS_TOPICS = [
  'crm.lead.created.v1',
  'crm.lead.scored.v1',
  'crm.lead.review.v1',
  'support.ticket.created.v1',
  'support.ticket.triaged.v1',
  'support.ticket.review.v1',
] as const;

export interface FleetPipeline {
  /** The pipeline's name in `definePipeline` (and so its consumer group, retry and DLQ names). */
  name: string;
  source: string;
  outputs: { output: string; review?: string };
}

/** The fleet's pipelines: what each reads and writes (the demo's summary counts these topics). */
export const PIPELINES: readonly FleetPipeline[] = [
  {
    name: 'lead-scoring',
    source: 'crm.lead.created.v1',
    outputs: { output: 'crm.lead.scored.v1', review: 'crm.lead.review.v1' },
  },
  {
    name: 'ticket-triage',
    source: 'support.ticket.created.v1',
    outputs: { output: 'support.ticket.triaged.v1', review: 'support.ticket.review.v1' },
  },
];

/** Every topic and the consumer group of one pipeline, by role. */
export interface PipelineTopicNames {
  pipeline: string;
  group: string;
  source: string;
  output: string;
  review?: string;
  retry: string;
  dlq: string;
  completed: string;
}

export function pipelineTopicNames(p: FleetPipeline): PipelineTopicNames {
  return {
    pipeline: p.name,
    group: consumerGroupFor(p.name),
    source: p.source,
    output: p.outputs.output,
    ...(p.outputs.review ? { review: p.outputs.review } : {}),
    retry: retryTopicFor(p.source, p.name),
    dlq: dlqTopicFor(p.source, p.name),
    completed: completedTopicFor(p.name),
  };
}

/**
 * The specs `junction topics apply` makes true: business topics and, per pipeline, its retry topic,
 * DLQ and compacted completed-keys topic. `min.insync.replicas` and the replication factor are left to
 * the broker's defaults (1 on the single-broker stack, 3/2 on `--brokers 3`).
 */
export function fleetTopics(partitions = DEFAULT_PARTITIONS): TopicSpec[] {
  const retention = { 'retention.ms': String(RETENTION_MS) };
  return validateTopicSpecs([
    ...BUSINESS_TOPICS.map((topic) => ({ topic, partitions, config: retention })),
    ...PIPELINES.flatMap((p) => {
      const t = pipelineTopicNames(p);
      return [
        { topic: t.retry, partitions, config: retention },
        { topic: t.dlq, partitions, config: { 'retention.ms': String(DLQ_RETENTION_MS) } },
        {
          topic: t.completed,
          partitions,
          config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(RETENTION_MS) },
        },
      ];
    }),
  ]);
}

/** A topic list that cannot be applied; the message names every problem. */
export class TopicSpecError extends Error {
  override name = 'TopicSpecError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid topic specs:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const LEGAL_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const NUMERIC_CONFIGS = new Set([
  'retention.ms',
  'retention.bytes',
  'segment.bytes',
  'segment.ms',
  'min.insync.replicas',
]);
const CLEANUP_POLICIES = new Set(['delete', 'compact']);

/** Checks names, partition counts and the configs Junction sets; returns the specs or throws `TopicSpecError`. */
export function validateTopicSpecs(specs: TopicSpec[]): TopicSpec[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    if (!LEGAL_NAME.test(s.topic) || s.topic === '.' || s.topic === '..')
      problems.push(`${JSON.stringify(s.topic)}: expected 1-249 characters of [A-Za-z0-9._-]`);
    if (seen.has(s.topic)) problems.push(`${s.topic}: declared twice`);
    seen.add(s.topic);
    if (s.partitions !== undefined && (!Number.isInteger(s.partitions) || s.partitions < 1))
      problems.push(`${s.topic}: partitions must be a whole number >= 1 (got ${s.partitions})`);
    if (
      s.replicationFactor !== undefined &&
      !(Number.isInteger(s.replicationFactor) && (s.replicationFactor >= 1 || s.replicationFactor === -1))
    )
      problems.push(
        `${s.topic}: replicationFactor must be >= 1, or -1 for the broker default (got ${s.replicationFactor})`,
      );
    for (const [name, value] of Object.entries(s.config ?? {})) {
      if (NUMERIC_CONFIGS.has(name) && !/^-?\d+$/.test(value))
        problems.push(`${s.topic}: ${name} must be a whole number (got ${JSON.stringify(value)})`);
      if (name === 'cleanup.policy' && !value.split(',').every((v) => CLEANUP_POLICIES.has(v.trim())))
        problems.push(
          `${s.topic}: cleanup.policy must be delete, compact or compact,delete (got ${JSON.stringify(value)})`,
        );
    }
  }
  if (problems.length) throw new TopicSpecError(problems);
  return specs;
}
