import { describe, expect, it } from 'vitest';
import { OffsetWatermark } from './offset-watermark';

describe('OffsetWatermark', () => {
  it('releases nothing until the first record finishes', () => {
    const w = new OffsetWatermark<string>();
    w.track(10n);
    w.track(11n);
    w.finish(11n, 'b');
    expect(w.release()).toBeUndefined();
    expect(w.pending).toBe(2);
  });

  it('releases the contiguous finished prefix in offset order, commit offset = last + 1', () => {
    const w = new OffsetWatermark<string>();
    for (const o of [5n, 6n, 7n, 8n]) w.track(o);
    w.finish(7n, 'c');
    w.finish(5n, 'a');
    expect(w.release()).toEqual({ values: ['a'], commitOffset: 6n });
    w.finish(6n, 'b');
    expect(w.release()).toEqual({ values: ['b', 'c'], commitOffset: 8n });
    expect(w.pending).toBe(1);
    w.finish(8n, 'd');
    expect(w.release()).toEqual({ values: ['d'], commitOffset: 9n });
    expect(w.release()).toBeUndefined();
  });

  it('follows gaps in offsets (compaction, transaction markers)', () => {
    const w = new OffsetWatermark<number>();
    w.track(100n);
    w.track(103n);
    w.finish(103n, 2);
    w.finish(100n, 1);
    expect(w.release()).toEqual({ values: [1, 2], commitOffset: 104n });
  });

  it('refuses offsets that go backwards and finishing unknown offsets', () => {
    const w = new OffsetWatermark();
    w.track(3n);
    expect(() => w.track(3n)).toThrow(/must increase/);
    expect(() => w.finish(4n, null)).toThrow(/not tracked/);
  });

  it('stays correct across internal compaction with many records finished in random order', () => {
    const w = new OffsetWatermark<bigint>();
    const n = 5000;
    for (let i = 0; i < n; i++) w.track(BigInt(i));
    const order = Array.from({ length: n }, (_, i) => i).sort(() => Math.random() - 0.5);
    const released: bigint[] = [];
    let lastCommit = 0n;
    for (const i of order) {
      w.finish(BigInt(i), BigInt(i));
      const r = w.release();
      if (r) {
        released.push(...r.values);
        expect(r.commitOffset).toBeGreaterThan(lastCommit);
        lastCommit = r.commitOffset;
      }
    }
    expect(released).toEqual(Array.from({ length: n }, (_, i) => BigInt(i)));
    expect(lastCommit).toBe(BigInt(n));
    expect(w.pending).toBe(0);
  });
});
