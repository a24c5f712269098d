/** One record of a changelog partition, as the state restores it. `value === null` is a tombstone. */
export interface ChangelogRecord {
  key: string;
  value: Buffer | null;
  timestamp: number;
  offset: bigint;
}

/** Reads one changelog partition (read_committed) from an offset up to its end as of the call. */
export interface ChangelogSource {
  /** Calls onBatch for each fetched batch, in offset order; resolves with the next offset to read
   *  (the partition's end as seen read_committed, i.e. the last stable offset). */
  readToEnd(
    partition: number,
    fromOffset: bigint,
    onBatch: (records: ChangelogRecord[]) => void,
    signal?: AbortSignal,
  ): Promise<bigint>;
}

export interface KeyStateOptions {
  /** Directory of this pipeline's stores, e.g. <stateDir>/<pipeline>/ ; see `defaultStateDir`. */
  dir: string;
  pipeline: string;
  /** Dedupe window: keys older than this are forgotten. */
  windowMs: number;
  changelog: ChangelogSource;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** SQLite page cache per open partition store, in KiB (default 4096). */
  cacheKiB?: number;
  /** The same while a partition restores (inserts in key order are random). Default 16384. */
  restoreCacheKiB?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** The keys of one owned source partition. Synchronous reads on the hot path. */
export interface PartitionKeys {
  readonly partition: number;
  /** True when the key completed within the window, or is pending in this instance. */
  has(key: string): boolean;
  /** Finished in memory, not yet committed (not visible to other instances yet). */
  markPending(key: string): void;
  /** The transaction carrying these keys committed; `changelogOffset` = offset of the last of them
   *  in the changelog partition if known (for the checkpoint), else undefined. */
  committed(keys: readonly string[], at?: number, changelogOffset?: bigint): void;
  /** The transaction carrying them was aborted or its work abandoned: not done. */
  dropPending(keys?: readonly string[]): void;
  /** A transaction acknowledged then rolled back: forget these committed keys. */
  forget(keys: readonly string[]): void;
  /** Committed keys held (within the window, up to the last expiry pass). */
  readonly size: number;
}
