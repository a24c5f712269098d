// kafkajs's read_committed filter (src/consumer/filterAbortedMessages.js) when the transactions of
// several producers abort at once, as they do when a broker restarts under a pipeline with one
// transactional producer per partition. patches/kafkajs@2.2.4.patch makes it take in every aborted
// transaction that has begun before judging a record; taking in one per record, it delivered aborted
// records and dropped committed ones.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface Message {
  offset: string;
  key: Buffer;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}
type Filter = (input: {
  messages: Message[];
  abortedTransactions: { producerId: string; firstOffset: string }[];
}) => Message[];
const filterAbortedMessages = require('kafkajs/src/consumer/filterAbortedMessages') as Filter;

const ABORT_KEY = Buffer.from([0, 0, 0, 0]);
const COMMIT_KEY = Buffer.from([0, 0, 0, 1]);

/** A transactional record of `producer`, or its abort / commit marker. */
function record(offset: number, producer: string, marker?: 'abort' | 'commit'): Message {
  return {
    offset: String(offset),
    key:
      marker === 'abort'
        ? ABORT_KEY
        : marker === 'commit'
          ? COMMIT_KEY
          : Buffer.from(`${producer}-${offset}`),
    isControlRecord: marker !== undefined,
    batchContext: { producerId: producer, inTransaction: true },
  };
}

/** What a read_committed consumer is handed: data records that survive the filter. */
function delivered(messages: Message[], aborted: [string, number][]): string[] {
  return filterAbortedMessages({
    messages,
    abortedTransactions: aborted.map(([producerId, first]) => ({ producerId, firstOffset: String(first) })),
  })
    .filter((m) => !m.isControlRecord)
    .map((m) => `${m.batchContext.producerId}@${m.offset}`);
}

describe('kafkajs read_committed filter (patched)', () => {
  it('hides the records of every aborted transaction already open where the fetch starts', () => {
    // B and C began before offset 102 and abort at 105 and 106; A commits
    const messages = [
      record(102, 'C'),
      record(103, 'B'),
      record(104, 'A'),
      record(105, 'B', 'abort'),
      record(106, 'C', 'abort'),
      record(107, 'A'),
      record(108, 'A', 'commit'),
    ];
    expect(
      delivered(messages, [
        ['B', 100],
        ['C', 101],
      ]),
    ).toEqual(['A@104', 'A@107']);
  });

  it("keeps a producer's committed records after its aborted transaction, however many others overlap", () => {
    // B, X and Y were open before the fetch; A aborts 104 (marker 105) and then commits 106 and 108
    const messages = [
      record(103, 'B'),
      record(104, 'A'),
      record(105, 'A', 'abort'),
      record(106, 'A'),
      record(107, 'B', 'abort'),
      record(108, 'A'),
      record(109, 'A', 'commit'),
    ];
    const aborted: [string, number][] = [
      ['B', 100],
      ['X', 101],
      ['Y', 102],
      ['A', 104],
    ];
    expect(delivered(messages, aborted)).toEqual(['A@106', 'A@108']);
  });

  it('does not depend on the order the broker lists the aborted transactions in', () => {
    const messages = [
      record(10, 'P'),
      record(11, 'Q'),
      record(12, 'P', 'abort'),
      record(13, 'Q'),
      record(14, 'Q', 'commit'),
    ];
    expect(
      delivered(messages, [
        ['Q', 40],
        ['P', 10],
      ]),
    ).toEqual(['Q@11', 'Q@13']);
  });
});
