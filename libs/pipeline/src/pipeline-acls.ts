/**
 * The least privilege a pipeline needs, derived from its definition: what it reads, writes and creates,
 * the group it commits offsets in and its transactional ids. Nothing here talks to Kafka; `junction acls`
 * prints and applies these entries, so a new pipeline's grants follow from its file like its topics do.
 *
 * ```ts
 * pipelineAcls(leadScoring); // [{ principal: 'User:lead-scoring', resource: 'topic', name: 'crm.lead.created.v1', operation: 'read', ... }, ...]
 * ```
 */
import type { Pipeline } from './definition';

export type AclResource = 'topic' | 'group' | 'transactional-id';
/** Kafka's operations a pipeline uses; read and write imply describe on a topic. */
export type AclOperation = 'read' | 'write' | 'create' | 'describe';

/** One grant, in Kafka's terms (always ALLOW: a pipeline's principal holds nothing it is not given). */
export interface AclEntry {
  /** `User:<name>`; one SCRAM principal per pipeline by default. */
  principal: string;
  resource: AclResource;
  name: string;
  /** `prefixed` only for transactional ids: one per source partition, `junction.<pipeline>.`. */
  pattern: 'literal' | 'prefixed';
  operation: AclOperation;
  /** Why the pipeline needs it, for `acls plan` and reviews. */
  reason: string;
}

/** The principal a pipeline runs as unless told otherwise: `User:<pipeline name>`. */
export function principalFor(pipelineName: string): string {
  return `User:${pipelineName}`;
}

/**
 * Every grant `pipeline` needs, in a stable order. The engine creates its retry and completed-keys
 * topics when they are missing, so it may create those two, and only those.
 */
export function pipelineAcls(
  pipeline: Pick<Pipeline, 'name' | 'source' | 'outputs' | 'resolved'>,
  principal = principalFor(pipeline.name),
): AclEntry[] {
  const { group, retryTopic, dlqTopic, completedTopic } = pipeline.resolved;
  const topic = (name: string, operation: AclOperation, reason: string): AclEntry => ({
    principal,
    resource: 'topic',
    name,
    pattern: 'literal',
    operation,
    reason,
  });
  const out: AclEntry[] = [
    topic(pipeline.source.topic, 'read', 'source events'),
    topic(retryTopic, 'read', 'records waiting for a retry'),
    topic(completedTopic, 'read', 'completed idempotency keys, restored on assignment'),
    topic(pipeline.outputs.output.topic, 'write', 'results'),
  ];
  if (pipeline.outputs.review)
    out.push(topic(pipeline.outputs.review.topic, 'write', 'results for human review'));
  out.push(
    topic(retryTopic, 'write', 'transient failures, retried later'),
    topic(dlqTopic, 'write', 'dead letters'),
    topic(completedTopic, 'write', 'completed idempotency keys'),
    topic(retryTopic, 'create', 'created at start when missing'),
    topic(completedTopic, 'create', 'created at start when missing'),
    {
      principal,
      resource: 'group',
      name: group,
      pattern: 'literal',
      operation: 'read',
      reason: 'consumer group; offsets committed in the transaction',
    },
    {
      principal,
      resource: 'transactional-id',
      name: `junction.${pipeline.name}.`,
      pattern: 'prefixed',
      operation: 'write',
      reason: 'one transactional producer per source partition',
    },
    {
      principal,
      resource: 'transactional-id',
      name: `junction.${pipeline.name}.`,
      pattern: 'prefixed',
      operation: 'describe',
      reason: 'transaction coordinator lookup',
    },
  );
  return out;
}

/** `kafka-acls.sh` arguments for one entry (after `--bootstrap-server ... --command-config ...`). */
export function kafkaAclsArgs(entry: AclEntry): string[] {
  const resourceFlag = { topic: '--topic', group: '--group', 'transactional-id': '--transactional-id' }[
    entry.resource
  ];
  return [
    '--add',
    '--allow-principal',
    entry.principal,
    '--operation',
    entry.operation === 'create' ? 'Create' : entry.operation[0]!.toUpperCase() + entry.operation.slice(1),
    resourceFlag,
    entry.name,
    '--resource-pattern-type',
    entry.pattern,
  ];
}
