/**
 * The state of one assigned source (or retry) partition: its transactional producer (one per
 * partition, so a new owner fences a zombie), the records between fetch and commit, and the floor
 * below which everything is already committed.
 */
import type { IHeaders, Producer } from 'kafkajs';
import { OffsetWatermark } from './offset-watermark';

export interface OutMessage {
  topic: string;
  key: Buffer | string | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** What one finished record leaves to commit. */
export interface Emission {
  messages: OutMessage[];
  /**
   * Key written to the completed-keys topic with this record's transaction: its idempotency key when
   * results were emitted or deliberately dropped, its delivery key when it went to the retry topic or
   * the DLQ.
   */
  completedKey?: string;
  outcome: 'output' | 'review' | 'drop' | 'duplicate' | 'retry' | 'dlq';
  degraded?: boolean;
  /** The source event's timestamp (ms), for end-to-end latency. */
  eventTime?: number;
}

export type WorkState = 'joining' | 'active' | 'fenced' | 'revoked';

/** A transaction of this partition that the broker acknowledged: where it moved the offset, what it completed. */
export interface AcknowledgedCommit {
  commitOffset: bigint;
  completedKeys: string[];
}

/**
 * How many acknowledged transactions a partition remembers. Only the last one or two can be rolled
 * back (see `rolledBack`); the rest is margin.
 */
const REMEMBERED_COMMITS = 16;

export class PartitionWork {
  readonly id: string;
  epoch = 0;
  state: WorkState = 'joining';
  /** Offsets below this are committed: redelivered records under it are skipped. */
  floor = -1n;
  lastTracked: bigint | undefined;
  watermark = new OffsetWatermark<Emission>();
  ready: Promise<void> = Promise.resolve();
  committing: Promise<void> | undefined;
  producer: Producer | undefined;
  /** Set while the partition is paused until a retry record is due. */
  dueTimer: NodeJS.Timeout | undefined;
  /** Set while finished records wait (commitIntervalMs) for others to share their transaction. */
  commitTimer: NodeJS.Timeout | undefined;
  /** The latest acknowledged transactions, oldest first. */
  private acknowledged: AcknowledgedCommit[] = [];

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.id = `${topic}:${partition}`;
  }

  acknowledge(commit: AcknowledgedCommit): void {
    this.acknowledged.push(commit);
    if (this.acknowledged.length > REMEMBERED_COMMITS) this.acknowledged.shift();
  }

  /**
   * The broker's committed offset, read after a new transactional producer fenced the old one, is
   * below what this partition's own acknowledged transactions committed: those transactions were
   * rolled back after all. Returns the idempotency and delivery keys they completed (no longer
   * completed: their records must be redone) and forgets them.
   *
   * Seen with a single broker stopped mid-commit (Kafka 4.4): EndTxn(commit) answered, the broker
   * shut down before every commit marker was written, and after the restart the next transaction's
   * abort (the fencing InitProducerId) closed the unmarked records as aborted. Only a fresh producer
   * makes this check sound: its InitProducerId returns once every earlier transaction of the
   * transactional id is complete, so a committed offset still below the floor is not just pending.
   */
  rolledBack(committed: bigint): string[] {
    const keys: string[] = [];
    const kept: AcknowledgedCommit[] = [];
    for (const c of this.acknowledged) {
      if (c.commitOffset > committed) keys.push(...c.completedKeys);
      else kept.push(c);
    }
    this.acknowledged = kept;
    return keys;
  }

  /** Forgets all uncommitted work; the records will be fetched again from the committed offset. */
  resetWork(): void {
    this.epoch++;
    this.watermark = new OffsetWatermark<Emission>();
    this.lastTracked = undefined;
  }
}
