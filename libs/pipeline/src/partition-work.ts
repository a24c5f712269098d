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

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.id = `${topic}:${partition}`;
  }

  /** Forgets all uncommitted work; the records will be fetched again from the committed offset. */
  resetWork(): void {
    this.epoch++;
    this.watermark = new OffsetWatermark<Emission>();
    this.lastTracked = undefined;
  }
}
