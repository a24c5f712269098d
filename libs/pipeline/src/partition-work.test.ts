import { describe, expect, it } from 'vitest';
import { PartitionWork } from './partition-work';

describe('PartitionWork: acknowledged transactions rolled back by the broker', () => {
  it('returns the keys of every acknowledged transaction above the committed offset, once', () => {
    const w = new PartitionWork('leads', 3);
    w.acknowledge({ commitOffset: 10n, completedKeys: ['a', 'b'] });
    w.acknowledge({ commitOffset: 14n, completedKeys: ['c'] });
    w.acknowledge({ commitOffset: 20n, completedKeys: ['d', 'junction-delivery:leads/3/19/1'] });
    // the broker kept the first transaction's offset: the two after it were rolled back
    expect(w.rolledBack(10n)).toEqual(['c', 'd', 'junction-delivery:leads/3/19/1']);
    expect(w.rolledBack(10n)).toEqual([]);
    expect(w.rolledBack(-1n)).toEqual(['a', 'b']);
  });

  it('returns nothing when the committed offset is what was acknowledged', () => {
    const w = new PartitionWork('leads', 0);
    w.acknowledge({ commitOffset: 7n, completedKeys: ['x'] });
    expect(w.rolledBack(7n)).toEqual([]);
    expect(w.rolledBack(6n)).toEqual(['x']);
  });

  it('remembers a bounded number of transactions, the latest ones', () => {
    const w = new PartitionWork('leads', 0);
    for (let i = 1; i <= 40; i++) w.acknowledge({ commitOffset: BigInt(i), completedKeys: [`k${i}`] });
    const keys = w.rolledBack(0n);
    expect(keys.length).toBeLessThan(40);
    expect(keys.at(-1)).toBe('k40');
    expect(keys).toEqual(keys.slice().sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
  });
});
