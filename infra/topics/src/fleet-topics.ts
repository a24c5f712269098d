/**
 * Every topic the fleet uses, derived from the pipelines the workspace declares (./workspace.ts): each
 * pipeline's source and output topics, and its retry, DLQ and completed-keys topics under the names
 * the engine resolved. A new integration adds nothing here.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Pipeline } from '@junction/pipeline';
import type { TopicSpec } from '@junction/kafka';
import { avscFiles } from './register-schemas';
import { discoverPipelines, workspaceRoot, type DiscoveredPipeline } from './workspace';

const DAY_MS = 86_400_000;
export const DEFAULT_PARTITIONS = 12;
export const RETENTION_MS = 7 * DAY_MS;
/** Dead letters wait for a person to look at them (and a long weekend): kept longer than the rest. */
export const DLQ_RETENTION_MS = 30 * DAY_MS;

/** `<domain>.<entity>.<event>.v<major>`, e.g. `crm.lead.created.v1`. */
export const TOPIC_NAME = /^[a-z][a-z0-9]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;
export const TOPIC_NAME_EXPECTED = '<domain>.<entity>.<event>.v<major>, lower case, e.g. crm.lead.created.v1';

/** Every topic and the consumer group of one pipeline, by role. */
export interface PipelineTopicNames {
  pipeline: string;
  group: string;
  source: string;
  /** Every named output (`output`, `review`, ...) and its topic. */
  outputs: Readonly<Record<string, string>>;
  output: string;
  review?: string;
  retry: string;
  dlq: string;
  completed: string;
  /** Partitions of the topics the pipeline owns, when it says. */
  partitions?: number;
}

export function pipelineTopicNames(p: Pipeline): PipelineTopicNames {
  const outputs = Object.fromEntries(
    Object.entries(p.outputs as Record<string, { topic: string } | undefined>)
      .filter((e): e is [string, { topic: string }] => e[1] !== undefined)
      .map(([role, o]) => [role, o.topic]),
  );
  return {
    pipeline: p.name,
    group: p.resolved.group,
    source: p.source.topic,
    outputs,
    output: p.outputs.output.topic,
    ...(p.outputs.review ? { review: p.outputs.review.topic } : {}),
    retry: p.resolved.retryTopic,
    dlq: p.resolved.dlqTopic,
    completed: p.resolved.completedTopic,
    ...(p.partitions !== undefined ? { partitions: p.partitions } : {}),
  };
}

/** Topics that carry business events (and so have a schema): sources and outputs, once each. */
export function businessTopics(pipelines: readonly PipelineTopicNames[]): string[] {
  return [...new Set(pipelines.flatMap((p) => [p.source, ...Object.values(p.outputs)]))];
}

/**
 * The specs `junction topics apply` makes true: business topics and, per pipeline, its retry topic,
 * DLQ and compacted completed-keys topic. `min.insync.replicas` and the replication factor are left to
 * the broker's defaults (1 on the single-broker stack, 3/2 on `--brokers 3`).
 */
export function fleetTopics(
  pipelines: readonly PipelineTopicNames[],
  partitions = DEFAULT_PARTITIONS,
): TopicSpec[] {
  const retention = { 'retention.ms': String(RETENTION_MS) };
  return validateTopicSpecs([
    ...businessTopics(pipelines).map((topic) => ({ topic, partitions, config: retention })),
    ...pipelines.flatMap((t) => {
      const n = t.partitions ?? partitions;
      return [
        { topic: t.retry, partitions: n, config: retention },
        { topic: t.dlq, partitions: n, config: { 'retention.ms': String(DLQ_RETENTION_MS) } },
        {
          topic: t.completed,
          partitions: n,
          config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(RETENTION_MS) },
        },
      ];
    }),
  ]);
}

/** What `junction topics plan` shows: pipelines, topics and subjects, and what is wrong with them. */
export interface FleetPlan {
  pipelines: (PipelineTopicNames & { service: string; file: string })[];
  topics: TopicSpec[];
  /** Subject → the .avsc file that holds its schema (relative to the repository root). */
  subjects: Record<string, string>;
  problems: string[];
}

/** The fleet cannot be derived: two pipelines claim one group, a topic has no schema, ... */
export class FleetPlanError extends Error {
  override name = 'FleetPlanError';

  constructor(readonly problems: readonly string[]) {
    super(`the fleet's pipelines do not add up:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/**
 * Derives the plan from discovered pipelines. Problems (every one, each naming both sides): two
 * pipelines with one consumer group, two writing one derived topic, a business topic that breaks the
 * naming convention or has no `<topic>.avsc` under the schemas folder.
 */
export function planFleet(
  found: readonly DiscoveredPipeline[],
  options: { root?: string; schemasDir?: string; partitions?: number } = {},
): FleetPlan {
  const root = options.root ?? workspaceRoot();
  const schemasDir = options.schemasDir ?? join(root, 'schemas');
  const problems: string[] = [];
  const where = (d: DiscoveredPipeline) => `${d.pipeline.name} (${d.file})`;
  const pipelines = found.map((d) => ({
    ...pipelineTopicNames(d.pipeline),
    service: d.service,
    file: d.file,
  }));

  const groups = new Map<string, DiscoveredPipeline>();
  const owned = new Map<string, DiscoveredPipeline>();
  found.forEach((d, i) => {
    const t = pipelines[i]!;
    const other = groups.get(t.group);
    if (other) {
      problems.push(`pipelines ${where(other)} and ${where(d)} both claim consumer group ${t.group}`);
      return;
    }
    groups.set(t.group, d);
    for (const topic of [t.retry, t.dlq, t.completed]) {
      const before = owned.get(topic);
      if (before) problems.push(`pipelines ${where(before)} and ${where(d)} both claim topic ${topic}`);
      owned.set(topic, d);
    }
  });

  const files = existsSync(schemasDir) ? avscFiles(schemasDir) : [];
  const schemaFor = new Map(files.map((f) => [basename(f, '.avsc'), relative(root, f)]));
  const subjects: Record<string, string> = {};
  found.forEach((d, i) => {
    const t = pipelines[i]!;
    for (const [role, topic] of [
      ['source', t.source],
      ...Object.entries(t.outputs).map(([r, x]) => [`outputs.${r}`, x]),
    ] as [string, string][]) {
      if (!TOPIC_NAME.test(topic))
        problems.push(
          `pipeline ${where(d)}: ${role} topic ${JSON.stringify(topic)} breaks the naming convention; expected ${TOPIC_NAME_EXPECTED}`,
        );
      const file = schemaFor.get(topic);
      if (file) subjects[`${topic}-value`] = file;
      else
        problems.push(
          `pipeline ${where(d)}: ${role} topic ${topic} has no schema; expected ${relative(root, join(schemasDir, topic.split('.')[0]!, `${topic}.avsc`))}`,
        );
    }
  });
  let topics: TopicSpec[] = [];
  try {
    topics = fleetTopics(pipelines, options.partitions);
  } catch (err) {
    if (err instanceof TopicSpecError) problems.push(...err.problems);
    else throw err;
  }
  return { pipelines, topics, subjects, problems: [...new Set(problems)] };
}

/** Discovers the workspace's pipelines and derives the plan; throws `FleetPlanError` on any problem. */
export async function workspacePlan(root = workspaceRoot()): Promise<FleetPlan> {
  const plan = planFleet(await discoverPipelines(root), { root });
  if (plan.problems.length) throw new FleetPlanError(plan.problems);
  return plan;
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
