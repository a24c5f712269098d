import { describe, expect, it } from 'vitest';
import { BatcherClosedError, MicroBatcher } from './micro-batcher';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A flush fake that records batches and doubles each number. */
function recorder(): { batches: number[][]; flush: (items: number[]) => Promise<number[]> } {
  const batches: number[][] = [];
  return {
    batches,
    flush: (items) => {
      batches.push([...items]);
      return Promise.resolve(items.map((n) => n * 2));
    },
  };
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('MicroBatcher', () => {
  it('flushes as soon as max items are queued, without waiting for the linger', async () => {
    const r = recorder();
    const b = new MicroBatcher<number, number>({ max: 3, lingerMs: 10_000, flush: r.flush });
    const started = Date.now();
    const pending = [1, 2, 3, 4, 5, 6, 7].map((n) => b.add(n));
    const results = await Promise.all(pending.slice(0, 6));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(results).toEqual([2, 4, 6, 8, 10, 12]);
    expect(r.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(b.queued).toBe(1); // the 7th waits for company or its linger
    await b.close();
    expect(await pending[6]).toBe(14);
    expect(r.batches[2]).toEqual([7]);
  });

  it('flushes a partial batch after lingerMs', async () => {
    const r = recorder();
    const b = new MicroBatcher<number, number>({ max: 100, lingerMs: 30, flush: r.flush });
    const p = Promise.all([b.add(1), b.add(2)]);
    await sleep(5);
    expect(r.batches).toHaveLength(0);
    expect(b.queued).toBe(2);
    expect(await p).toEqual([2, 4]);
    expect(r.batches).toEqual([[1, 2]]);
  });

  it('rejects every member of a failed batch with the same error', async () => {
    const boom = new Error('boom');
    const b = new MicroBatcher<number, number>({ max: 3, lingerMs: 1, flush: () => Promise.reject(boom) });
    const settled = await Promise.allSettled([b.add(1), b.add(2), b.add(3)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const s of settled) expect((s as PromiseRejectedResult).reason).toBe(boom);
  });

  it('rejects the batch when flush returns the wrong number of results', async () => {
    const b = new MicroBatcher<number, number>({ max: 2, lingerMs: 1, flush: () => Promise.resolve([1]) });
    const settled = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/1 results for 2 items/);
  });

  it('never mixes items with different keys in one batch', async () => {
    const batches: string[][] = [];
    const b = new MicroBatcher<string, string>({
      max: 10,
      lingerMs: 5,
      keyOf: (s) => s.slice(0, 1),
      flush: (items) => {
        batches.push(items);
        return Promise.resolve(items.map((s) => s.toUpperCase()));
      },
    });
    expect(await Promise.all(['a1', 'b1', 'a2', 'b2'].map((s) => b.add(s)))).toEqual([
      'A1',
      'B1',
      'A2',
      'B2',
    ]);
    expect(batches.map((x) => x.join(',')).sort()).toEqual(['a1,a2', 'b1,b2']);
  });

  it('drops an aborted item from its batch before the flush and rejects it with the reason', async () => {
    const r = recorder();
    const b = new MicroBatcher<number, number>({ max: 10, lingerMs: 20, flush: r.flush });
    const ac = new AbortController();
    const kept = b.add(1);
    const dropped = b.add(2, ac.signal);
    ac.abort(new Error('caller gave up'));
    await expect(dropped).rejects.toThrow('caller gave up');
    expect(await kept).toBe(2);
    expect(r.batches).toEqual([[1]]);
    await expect(b.add(3, ac.signal)).rejects.toThrow('caller gave up');
  });

  it('answers an aborted caller at once even while its batch is in flight', async () => {
    const gate = deferred<number[]>();
    const b = new MicroBatcher<number, number>({ max: 2, lingerMs: 1, flush: () => gate.promise });
    const ac = new AbortController();
    const a = b.add(1, ac.signal);
    const other = b.add(2);
    await sleep(5);
    expect(b.inFlight).toBe(1);
    ac.abort(new Error('gone'));
    await expect(a).rejects.toThrow('gone');
    gate.resolve([10, 20]);
    expect(await other).toBe(20);
  });

  it('bounds the batches in flight; the rest wait their turn', async () => {
    const gates: ReturnType<typeof deferred<number[]>>[] = [];
    const b = new MicroBatcher<number, number>({
      max: 2,
      lingerMs: 1,
      maxInFlight: 1,
      flush: (items) => {
        const g = deferred<number[]>();
        gates.push(g);
        return g.promise.then(() => items);
      },
    });
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => b.add(n)));
    await sleep(10);
    expect(gates).toHaveLength(1);
    expect(b.inFlight).toBe(1);
    expect(b.queued).toBe(3);
    gates[0]?.resolve([]);
    await sleep(5);
    expect(gates).toHaveLength(2);
    gates[1]?.resolve([]);
    await sleep(5);
    gates[2]?.resolve([]);
    expect(await all).toEqual([1, 2, 3, 4, 5]);
  });

  it('close() flushes what is queued, waits for it and refuses new items', async () => {
    const r = recorder();
    const b = new MicroBatcher<number, number>({ max: 10, lingerMs: 10_000, flush: r.flush });
    const p = b.add(21);
    await b.close();
    expect(await p).toBe(42);
    await expect(b.add(1)).rejects.toBeInstanceOf(BatcherClosedError);
  });

  it('validates its options', () => {
    const flush = (items: number[]): Promise<number[]> => Promise.resolve(items);
    expect(() => new MicroBatcher({ max: 0, flush })).toThrow(RangeError);
    expect(() => new MicroBatcher({ lingerMs: -1, flush })).toThrow(RangeError);
    expect(() => new MicroBatcher({ maxInFlight: 0, flush })).toThrow(RangeError);
  });
});
