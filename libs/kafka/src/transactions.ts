/**
 * KIP-447 exactly-once on librdkafka: one transactional producer per pipeline instance, offsets sent
 * with the consumer's group metadata (`sendOffsets({ consumer, topics })`), read_committed consumers.
 * A zombie is fenced by the group generation its offsets carry, so the transactional id only has to
 * be unique per live instance, not stable per partition.
 */
import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Client, Consumer, Producer, TopicPartition } from './confluent-client';

export interface TransactionalProducerOptions {
  transactionalId: string;
  /** The coordinator aborts a transaction that stays open longer. Default 60 s. */
  transactionTimeoutMs?: number;
  /** How long the producer waits to fill a batch; results of one transaction share batches. Default 5 ms. */
  lingerMs?: number;
}

export function transactionalProducer(client: Client, options: TransactionalProducerOptions): Producer {
  return client.producer({
    kafkaJS: {
      transactionalId: options.transactionalId,
      idempotent: true,
      transactionTimeout: options.transactionTimeoutMs ?? 60_000,
    },
    // keys land on the partitions Java clients (and kafkajs's default partitioner) chose
    partitioner: 'murmur2_random',
    'linger.ms': options.lingerMs ?? 5,
  });
}

export interface RebalanceHooks {
  /** Awaited before the consumer fetches from the new partitions. */
  onAssign?(partitions: TopicPartition[]): Promise<void> | void;
  /** Awaited before the partitions go: finish or abort the open transaction here. */
  onRevoke?(partitions: TopicPartition[], lost: boolean): Promise<void> | void;
}

export interface ReadCommittedConsumerOptions extends RebalanceHooks {
  groupId: string;
  sessionTimeoutMs?: number;
  /** A new group starts at the earliest offset. Default true. */
  fromBeginning?: boolean;
}

/**
 * A consumer for transactional processing: read_committed (librdkafka then fetches committed offsets
 * with `require_stable`, so an offset still inside an open transaction is never read), no auto-commit
 * (offsets travel in the producer's transaction), cooperative-sticky assignment (a rebalance revokes
 * only the partitions that move; the others keep their open work).
 */
export function readCommittedConsumer(client: Client, options: ReadCommittedConsumerOptions): Consumer {
  const codes = KafkaJS.ErrorCodes as unknown as Record<string, number>;
  return client.consumer({
    kafkaJS: {
      groupId: options.groupId,
      readUncommitted: false,
      autoCommit: false,
      fromBeginning: options.fromBeginning ?? true,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      partitionAssigners: [KafkaJS.PartitionAssigners.cooperativeSticky],
    },
    rebalance_cb: async (
      err: { code: number },
      assignment: TopicPartition[],
      fns: { assignmentLost(): boolean },
    ) => {
      if (err.code === codes.ERR__ASSIGN_PARTITIONS) await options.onAssign?.(assignment);
      else if (err.code === codes.ERR__REVOKE_PARTITIONS)
        await options.onRevoke?.(assignment, fns.assignmentLost());
    },
  });
}

const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

/**
 * The fencing check: this producer's transactional id or group generation belongs to someone newer, or
 * the producer is in a fatal state. Its open work must be dropped and a new producer made. Reads both
 * clients' errors (librdkafka's `fatal`/codes, kafkajs's protocol error types) while both are in use.
 */
export function isFenced(err: unknown): boolean {
  const e = (err ?? {}) as { fatal?: boolean; code?: number; type?: string; name?: string; message?: string };
  if (e.fatal === true) return true;
  const codes = KafkaJS.ErrorCodes as unknown as Record<string, number>;
  if (
    typeof e.code === 'number' &&
    [codes.ERR__FENCED, codes.ERR_PRODUCER_FENCED, codes.ERR_INVALID_PRODUCER_EPOCH].includes(e.code)
  )
    return true;
  if (e.type !== undefined && FENCED_TYPES.has(e.type)) return true;
  return e.name === 'KafkaJSProducerFencedError' || /fenced/i.test(e.message ?? '');
}

/** The transaction cannot commit but the producer lives: abort it and redo (rewind) its records. */
export function requiresAbort(err: unknown): boolean {
  return (err as { abortable?: boolean } | undefined)?.abortable === true && !isFenced(err);
}
