import { describe, expect, it } from 'vitest';
import { KeyScheduler } from './key-scheduler';

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A task that records start/end and finishes when its gate is opened. */
function gated(log: string[], name: string) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
    },
    open: () => open(),
  };
}

describe('KeyScheduler', () => {
  it('runs tasks of one key strictly in submission order, one at a time', async () => {
    const s = new KeyScheduler(10);
    const log: string[] = [];
    const a1 = gated(log, 'a1');
    const a2 = gated(log, 'a2');
    s.submit('a', a1.task);
    s.submit('a', a2.task);
    await tick();
    expect(log).toEqual(['start a1']);
    a2.open(); // opening the second gate first must not let it run early
    await tick();
    expect(log).toEqual(['start a1']);
    a1.open();
    await s.idle();
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2']);
  });

  it('runs different keys concurrently up to the bound, never more', async () => {
    const s = new KeyScheduler(2);
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 20; i++) {
      s.submit(`k${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
      });
    }
    expect(s.size).toBe(20);
    await s.idle();
    expect(peak).toBe(2);
    expect(s.size).toBe(0);
  });

  it('does not let a busy key block other keys', async () => {
    const s = new KeyScheduler(2);
    const log: string[] = [];
    const slow = gated(log, 'a1');
    s.submit('a', slow.task);
    s.submit('a', async () => void log.push('a2'));
    s.submit('b', async () => void log.push('b1'));
    s.submit('c', async () => void log.push('c1'));
    await tick();
    await tick();
    expect(log).toEqual(['start a1', 'b1', 'c1']);
    slow.open();
    await s.idle();
    expect(log).toEqual(['start a1', 'b1', 'c1', 'end a1', 'a2']);
  });

  it('keeps per-key order under random completion times with many keys', async () => {
    const s = new KeyScheduler(8);
    const seen = new Map<string, number[]>();
    for (let i = 0; i < 500; i++) {
      const key = `k${i % 17}`;
      s.submit(key, async () => {
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        seen.set(key, [...(seen.get(key) ?? []), i]);
      });
    }
    await s.idle();
    for (const [, order] of seen) expect(order).toEqual([...order].sort((x, y) => x - y));
    expect([...seen.values()].flat()).toHaveLength(500);
  });

  it('reports a failing task and keeps going', async () => {
    const errors: unknown[] = [];
    const s = new KeyScheduler(1, (e) => errors.push(e));
    const done: string[] = [];
    s.submit('a', async () => {
      throw new Error('boom');
    });
    s.submit('a', async () => void done.push('a2'));
    await s.idle();
    expect(errors).toHaveLength(1);
    expect(done).toEqual(['a2']);
  });
});
