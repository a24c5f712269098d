/**
 * The on-disk keys of one (pipeline, partition): a SQLite file (node:sqlite, built into Node) with
 * the completed keys, their completion time (indexed, so window expiry deletes a range instead of
 * scanning) and the checkpoint: the changelog offset the file is restored through. Keys and
 * checkpoint change in the same SQLite transaction, so the file never claims more than it holds.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export class PartitionStore {
  private readonly db: DatabaseSync;
  private readonly getAt: StatementSync;
  private readonly put: StatementSync;
  private readonly del: StatementSync;
  private readonly setMeta: StatementSync;

  private constructor(
    readonly path: string,
    db: DatabaseSync,
  ) {
    this.db = db;
    this.getAt = db.prepare('SELECT at FROM keys WHERE key = ?');
    this.put = db.prepare(
      'INSERT INTO keys (key, at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET at = excluded.at',
    );
    this.del = db.prepare('DELETE FROM keys WHERE key = ?');
    this.setMeta = db.prepare(
      'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
  }

  /**
   * Opens the file, or starts it afresh when it cannot be read (corrupt, written by something else):
   * the changelog holds everything, so a lost file costs a full restore, never a key.
   */
  static open(path: string, cacheKiB: number, onReset?: (reason: string) => void): PartitionStore {
    mkdirSync(dirname(path), { recursive: true });
    try {
      return PartitionStore.openOrThrow(path, cacheKiB);
    } catch (err) {
      onReset?.((err as Error).message);
      for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
      return PartitionStore.openOrThrow(path, cacheKiB);
    }
  }

  private static openOrThrow(path: string, cacheKiB: number): PartitionStore {
    const db = new DatabaseSync(path);
    try {
      // WAL with synchronous=NORMAL: a crash loses at most the last commits (the checkpoint goes
      // with them), never the file's consistency.
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -${cacheKiB};
        CREATE TABLE IF NOT EXISTS keys (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS keys_at ON keys (at);
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`);
      // reads the header and schema: a file that is not a store fails here. (A full integrity check
      // reads every page, which would cost a restart what the checkpoint saves.)
      db.prepare('SELECT count(*) FROM meta').get();
      return new PartitionStore(path, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  static exists(path: string): boolean {
    return existsSync(path);
  }

  /** The next changelog offset to read, or undefined when the file has no usable checkpoint. */
  checkpoint(): bigint | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE name = 'next-offset'").get() as
      { value: string } | undefined;
    if (!row || !/^\d+$/.test(row.value)) return undefined;
    return BigInt(row.value);
  }

  /** Completion time of `key`, or undefined. */
  at(key: string): number | undefined {
    const row = this.getAt.get(key) as { at: number } | undefined;
    return row?.at;
  }

  /** Applies puts (time) and deletes (null) and moves the checkpoint, atomically. */
  apply(changes: Iterable<[string, number | null]>, nextOffset?: bigint): void {
    this.db.exec('BEGIN');
    try {
      for (const [key, at] of changes) {
        if (at === null) this.del.run(key);
        else this.put.run(key, at);
      }
      if (nextOffset !== undefined) this.setMeta.run('next-offset', String(nextOffset));
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Page cache size: larger while restoring (random inserts), small while serving. */
  setCacheKiB(kib: number): void {
    this.db.exec(`PRAGMA cache_size = -${Math.max(64, Math.round(kib))}`);
  }

  /** Empties the store (keys and checkpoint), for a full restore. */
  clear(): void {
    this.db.exec('DELETE FROM keys; DELETE FROM meta;');
  }

  /**
   * A full restore inserts keys in arbitrary time order: building the time index once at the end is
   * cheaper than keeping it up to date row by row.
   */
  async withoutTimeIndex<T>(fn: () => Promise<T>): Promise<T> {
    this.db.exec('DROP INDEX IF EXISTS keys_at');
    try {
      return await fn();
    } finally {
      this.db.exec('CREATE INDEX IF NOT EXISTS keys_at ON keys (at)');
    }
  }

  /** Deletes keys completed before `cutoff` (through the time index); returns how many. */
  expire(cutoff: number): number {
    return Number(this.db.prepare('DELETE FROM keys WHERE at < ?').run(cutoff).changes);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM keys').get() as { n: number }).n;
  }

  close(): void {
    if (this.db.isOpen) {
      try {
        this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        this.db.close();
      }
    }
  }
}
