import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyState } from './key-state';
import type { ChangelogRecord, ChangelogSource } from './types';

/** A changelog partition in memory; offsets may skip (transaction markers) like the real one. */
class FakeChangelog implements ChangelogSource {
  readonly partitions = new Map<number, ChangelogRecord[]>();
  readonly ends = new Map<number, bigint>();
  readonly reads: { partition: number; from: bigint; records: number }[] = [];

  append(partition: number, key: string, at: number | null, markerAfter = true): bigint {
    const list = this.partitions.get(partition) ?? [];
    this.partitions.set(partition, list);
    const offset = this.ends.get(partition) ?? 0n;
    list.push({ key, value: at === null ? null : Buffer.from(String(at)), timestamp: at ?? 0, offset });
    // like a transactional topic: a commit marker after the record takes the next offset
    this.ends.set(partition, offset + (markerAfter ? 2n : 1n));
    return offset;
  }

  recreate(partition: number): void {
    this.partitions.set(partition, []);
    this.ends.set(partition, 0n);
  }

  readToEnd(partition: number, fromOffset: bigint, onBatch: (r: ChangelogRecord[]) => void): Promise<bigint> {
    const records = (this.partitions.get(partition) ?? []).filter((r) => r.offset >= fromOffset);
    this.reads.push({ partition, from: fromOffset, records: records.length });
    for (let i = 0; i < records.length; i += 3) onBatch(records.slice(i, i + 3));
    return Promise.resolve(this.ends.get(partition) ?? 0n);
  }
}

const HOUR = 3_600_000;
let dir: string;
let changelog: FakeChangelog;
let clock: number;
const states: KeyState[] = [];
const state = (windowMs = 24 * HOUR) => {
  const s = new KeyState({ dir, pipeline: 'lead-scoring', windowMs, changelog, now: () => clock });
  states.push(s);
  return s;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'junction-key-state-'));
  changelog = new FakeChangelog();
  clock = 1_800_000_000_000;
});
afterEach(async () => {
  for (const s of states.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('KeyState', () => {
  it('restores a partition from its changelog partition only, tombstones removing keys', async () => {
    changelog.append(0, 'a', clock - 1000);
    changelog.append(0, 'b', clock - 900);
    changelog.append(0, 'a', null);
    changelog.append(1, 'other-partition', clock - 500);
    const keys = await state().assign(0);
    expect(keys.has('a')).toBe(false);
    expect(keys.has('b')).toBe(true);
    expect(keys.has('other-partition')).toBe(false);
    expect(keys.size).toBe(1);
  });

  it('forgets keys older than the window, at restore and as time passes', async () => {
    changelog.append(0, 'old', clock - 2 * HOUR);
    changelog.append(0, 'recent', clock - 10 * 60_000);
    const s = state(HOUR);
    const keys = await s.assign(0);
    expect(keys.has('old')).toBe(false);
    expect(keys.has('recent')).toBe(true);
    clock += HOUR;
    expect(keys.has('recent')).toBe(false);
    await s.checkpoint();
    expect(keys.size).toBe(0);
  });

  it('keeps pending keys in memory until committed, and drops them on abort or revoke', async () => {
    const s = state();
    const keys = await s.assign(0);
    keys.markPending('p1');
    keys.markPending('p2');
    expect(keys.has('p1')).toBe(true);
    keys.dropPending(['p1']);
    expect(keys.has('p1')).toBe(false);
    keys.committed(['p2'], clock);
    keys.dropPending();
    expect(keys.has('p2')).toBe(true);
    keys.markPending('p3');
    await s.revoke(0);
    const again = await s.assign(0);
    expect(again.has('p3')).toBe(false);
    expect(again.has('p2')).toBe(true);
    again.forget(['p2']);
    expect(again.has('p2')).toBe(false);
  });

  it('re-assignment reuses the file and reads only the changelog tail', async () => {
    for (let i = 0; i < 10; i++) changelog.append(2, `k${i}`, clock - 100);
    const s = state();
    await s.assign(2);
    await s.revoke(2);
    expect(s.get(2)).toBeUndefined();
    changelog.append(2, 'k-new', clock - 50);
    const keys = await s.assign(2);
    expect(changelog.reads.map((r) => [r.from, r.records])).toEqual([
      [0n, 10],
      [20n, 1],
    ]);
    expect(keys.has('k0') && keys.has('k9') && keys.has('k-new')).toBe(true);
  });

  it('a new instance over the same directory restores from the checkpoint the last one left', async () => {
    for (let i = 0; i < 5; i++) changelog.append(0, `k${i}`, clock);
    const first = state();
    const keys = await first.assign(0);
    // the instance's own commit, with the offset its changelog record got
    const off = changelog.append(0, 'mine', clock);
    keys.committed(['mine'], clock, off);
    await first.close();
    changelog.append(0, 'after', clock);
    const restarted = await state().assign(0);
    expect(changelog.reads.at(-1)).toEqual({ partition: 0, from: off + 1n, records: 1 });
    expect(restarted.has('k4') && restarted.has('mine') && restarted.has('after')).toBe(true);
  });

  it('a corrupt store file falls back to a full restore', async () => {
    changelog.append(0, 'a', clock);
    const s = state();
    await s.assign(0);
    await s.close();
    writeFileSync(join(dir, 'lead-scoring.0.sqlite'), 'not a database at all, just garbage '.repeat(200));
    rmSync(join(dir, 'lead-scoring.0.sqlite-wal'), { force: true });
    const keys = await state().assign(0);
    expect(changelog.reads.at(-1)).toEqual({ partition: 0, from: 0n, records: 1 });
    expect(keys.has('a')).toBe(true);
  });

  it('a changelog that ends before the checkpoint (topic recreated) is restored in full', async () => {
    changelog.append(0, 'gone', clock);
    changelog.append(0, 'gone-too', clock);
    const s = state();
    await s.assign(0);
    await s.revoke(0);
    changelog.recreate(0);
    changelog.append(0, 'fresh', clock);
    const keys = await s.assign(0);
    expect(keys.has('fresh')).toBe(true);
    expect(keys.has('gone')).toBe(false);
  });

  it('a revoke while restoring leaves the partition unassigned', async () => {
    changelog.append(0, 'a', clock);
    const s = state();
    const restoring = s.assign(0);
    await s.revoke(0);
    await expect(restoring).rejects.toThrow(/revoked/);
    expect(s.get(0)).toBeUndefined();
    expect((await s.assign(0)).has('a')).toBe(true);
  });
});
