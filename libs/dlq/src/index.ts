/**
 * Dead-letter topics (`<source>.<pipeline>.dlq`): list them, filter and show their records, and replay
 * them with a transactional replay ledger so a second identical replay sends nothing.
 *
 * ```ts
 * import { DeadLetters, parseTime } from '@junction/dlq';
 * const dlq = new DeadLetters({ brokers: ['127.0.0.1:9092'], registryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7' });
 * await dlq.topics();                                                   // count, oldest/newest, top error classes
 * for await (const r of dlq.records(topic, { errorClass: 'CallError', since: parseTime('2h') })) console.log(r.offset);
 * await dlq.show(topic, 0, 42);                                         // payload, headers, error in full
 * await dlq.replay(topic, { pipeline: 'lead-scoring' }, { to: 'original', ratePerSec: 500 });
 * ```
 */
export { DeadLetters, DlqError, replayHeaders } from './dead-letters';
export type {
  DeadLettersOptions,
  DlqRecord,
  DlqTopicSummary,
  ShownRecord,
  ReplayOptions,
  ReplayProgress,
  ReplayResult,
} from './dead-letters';
export {
  FilterError,
  parseTime,
  parseHeaderMatch,
  checkFilters,
  matches,
  displayHeaders,
  type DlqFilters,
} from './filters';
export { REPLAY_LEDGER_TOPIC, ledgerKey, readLedger, ensureLedger, type LedgerEntry } from './ledger';
export { readToEnd, partitionOffsets, type RawRecord, type ReadResult } from './reader';
export { TokenBucket } from './token-bucket';
