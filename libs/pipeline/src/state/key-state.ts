/**
 * Idempotency keys kept as Kafka Streams keeps its state: an instance holds the keys of the source
 * partitions it owns, each in a store file of its own, restored from the same-numbered partition of
 * the changelog topic on assignment and closed on revoke. Each store carries its checkpoint, so a
 * restart (or a partition coming back) reads only the changelog's tail. Keys finished but not yet
 * committed ("pending") live in memory only: they are not done until their transaction commits.
 */
import { join } from 'node:path';
import { PartitionStore } from './partition-store';
import type { ChangelogRecord, KeyStateOptions, PartitionKeys } from './types';

/** `<JUNCTION_STATE_DIR or ./.local/state>/<pipeline>`: where a pipeline's stores live by default. */
export function defaultStateDir(pipeline: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.JUNCTION_STATE_DIR ?? join(process.cwd(), '.local', 'state'), pipeline);
}

/** The completion time a changelog record carries: its value (ms as text), else its timestamp. */
function completedAt(r: ChangelogRecord): number {
  const v = r.value === null ? NaN : Number(r.value.toString('utf8'));
  return Number.isFinite(v) && v > 0 ? v : r.timestamp;
}

export interface RestoreStats {
  partition: number;
  from: bigint;
  to: bigint;
  records: number;
  full: boolean;
  ms: number;
}

class OwnedPartition implements PartitionKeys {
  private readonly pending = new Set<string>();
  lastExpiry = 0;

  constructor(
    readonly partition: number,
    readonly store: PartitionStore,
    private nextOffset: bigint,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  has(key: string): boolean {
    if (this.pending.has(key)) return true;
    const at = this.store.at(key);
    return at !== undefined && at >= this.now() - this.windowMs;
  }

  markPending(key: string): void {
    this.pending.add(key);
  }

  committed(keys: readonly string[], at = this.now(), changelogOffset?: bigint): void {
    let next: bigint | undefined;
    if (changelogOffset !== undefined && changelogOffset + 1n > this.nextOffset)
      next = this.nextOffset = changelogOffset + 1n;
    this.store.apply(
      keys.map((k) => [k, at] as [string, number]),
      next,
    );
    for (const k of keys) this.pending.delete(k);
  }

  dropPending(keys?: readonly string[]): void {
    if (keys === undefined) this.pending.clear();
    else for (const k of keys) this.pending.delete(k);
  }

  forget(keys: readonly string[]): void {
    this.store.apply(keys.map((k) => [k, null] as [string, null]));
  }

  get size(): number {
    return this.store.count();
  }

  expire(): number {
    this.lastExpiry = this.now();
    return this.store.expire(this.now() - this.windowMs);
  }
}

export class KeyState {
  private readonly owned = new Map<number, OwnedPartition>();
  private readonly restoring = new Map<number, { done: Promise<PartitionKeys>; abort: AbortController }>();
  private readonly now: () => number;
  /** The last restore of each partition, for logs, metrics and tests. */
  readonly restores: RestoreStats[] = [];

  constructor(private readonly options: KeyStateOptions) {
    this.now = options.now ?? Date.now;
  }

  private path(partition: number): string {
    return join(this.options.dir, `${this.options.pipeline}.${partition}.sqlite`);
  }

  /** The keys of an assigned partition, once restored. */
  get(partition: number): PartitionKeys | undefined {
    return this.owned.get(partition);
  }

  assign(partition: number): Promise<PartitionKeys> {
    const owned = this.owned.get(partition);
    if (owned) return Promise.resolve(owned);
    const running = this.restoring.get(partition);
    if (running) return running.done;
    const abort = new AbortController();
    const done = this.restore(partition, abort.signal).finally(() => this.restoring.delete(partition));
    this.restoring.set(partition, { done, abort });
    return done;
  }

  private async restore(partition: number, signal: AbortSignal): Promise<PartitionKeys> {
    const started = performance.now();
    const { log, windowMs, changelog } = this.options;
    const store = PartitionStore.open(this.path(partition), this.options.cacheKiB ?? 4096, (reason) =>
      log?.('idempotency store unreadable; restoring it from the changelog in full', { partition, reason }),
    );
    try {
      store.setCacheKiB(this.options.restoreCacheKiB ?? 16_384);
      let from = store.checkpoint();
      if (from === undefined) store.clear();
      let records = 0;
      const read = async (start: bigint) => {
        const full = start === 0n;
        const run = () =>
          changelog.readToEnd(
            partition,
            start,
            (batch) => {
              if (batch.length === 0) return;
              const cutoff = this.now() - windowMs;
              const changes: [string, number | null][] = [];
              for (const r of batch) {
                if (r.value === null) changes.push([r.key, null]);
                else {
                  const at = completedAt(r);
                  if (at >= cutoff) changes.push([r.key, at]);
                }
              }
              records += batch.length;
              store.apply(changes, batch[batch.length - 1]!.offset + 1n);
            },
            signal,
          );
        return full ? await store.withoutTimeIndex(run) : await run();
      };
      let start = from ?? 0n;
      let end = await read(start);
      if (end < start) {
        // The changelog ends before the checkpoint: the topic was recreated. Start over.
        log?.('changelog ends before the checkpoint (topic recreated?); restoring in full', {
          partition,
          checkpoint: String(start),
          end: String(end),
        });
        store.clear();
        records = 0;
        start = 0n;
        end = await read(0n);
      }
      // the end may lie past the last record (a commit marker): the next restore starts there
      store.apply([], end);
      store.setCacheKiB(this.options.cacheKiB ?? 4096);
      from = start;
      const keys = new OwnedPartition(partition, store, end, windowMs, this.now);
      keys.expire();
      const stats: RestoreStats = {
        partition,
        from,
        to: end,
        records,
        full: from === 0n,
        ms: Math.round(performance.now() - started),
      };
      this.restores.push(stats);
      log?.('idempotency keys restored', { ...stats, from: String(from), to: String(end) });
      if (signal.aborted) throw signal.reason ?? new Error('revoked while restoring');
      this.owned.set(partition, keys);
      return keys;
    } catch (err) {
      store.close();
      throw err;
    }
  }

  async revoke(partition: number): Promise<void> {
    const running = this.restoring.get(partition);
    if (running) {
      running.abort.abort(new Error(`partition ${partition} revoked while restoring`));
      await running.done.catch(() => {});
    }
    const owned = this.owned.get(partition);
    if (!owned) return;
    this.owned.delete(partition);
    owned.dropPending();
    owned.store.close();
  }

  /** Expires keys past the window (at most every tenth of it, and at most once a minute). */
  checkpoint(): Promise<void> {
    const every = Math.min(60_000, this.options.windowMs / 10);
    for (const p of this.owned.values()) if (this.now() - p.lastExpiry >= every) p.expire();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await Promise.all([...this.restoring.keys(), ...this.owned.keys()].map((p) => this.revoke(p)));
  }
}
