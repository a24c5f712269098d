// The pipeline options a definition may leave out, with their types, defaults and meaning: the one
// place docs/pipelines.md's "Defaults" table comes from (`pnpm -s gen:docs` writes it; a test fails
// when the two differ). Defaults are read from `DEFAULTS`, so a changed default changes the docs.
import { DEFAULTS } from './definition';

export interface OptionSpec {
  /** As written in a definition (`retry.delaysMs`), or `call <name>` for the call clients' options. */
  name: string;
  type: string;
  default: string;
  description: string;
}

const DAY = 86_400_000;

export const PIPELINE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'maxInFlight',
    type: 'number',
    default: String(DEFAULTS.maxInFlight),
    description: 'records in their call at once (different keys), over all partitions of the process',
  },
  {
    name: 'maxBuffered',
    type: 'number',
    default: `${DEFAULTS.maxBuffered} (at least 2 × \`maxInFlight\`)`,
    description:
      'records fetched and not yet committed (in a call, queued behind their key, or waiting for their transaction); at the bound every partition pauses',
  },
  {
    name: 'retry.delaysMs',
    type: 'number[]',
    default: `\`[${DEFAULTS.retryDelaysMs.join(', ')}]\``,
    description: 'delay before each retry-topic attempt; after the last the DLQ',
  },
  {
    name: 'commitIntervalMs',
    type: 'number',
    default: String(DEFAULTS.commitIntervalMs),
    description:
      "how long a finished record waits for others to share its transaction; a partition's next transaction starts as soon as the previous one ends, so under load transactions grow rather than queue",
  },
  {
    name: 'idempotency.retentionMs',
    type: 'number',
    default:
      DEFAULTS.idempotencyRetentionMs % DAY === 0
        ? `${DEFAULTS.idempotencyRetentionMs / DAY} days`
        : String(DEFAULTS.idempotencyRetentionMs),
    description: 'how long a completed key is remembered (and kept in its topic)',
  },
  {
    name: 'partitions',
    type: 'number',
    default: "the source's",
    description: 'partitions of the topics the pipeline creates',
  },
  // the call clients' options (libs/calls' resilience layer), listed here so one table has them all
  { name: 'call timeoutMs', type: 'number', default: '2000', description: 'per HTTP attempt' },
  {
    name: 'call retry',
    type: 'object',
    default: '3 attempts, 50 ms → 2 s, full jitter',
    description: 'inline retries of retriable errors',
  },
  {
    name: 'call breaker',
    type: 'object',
    default: 'opens at 50% failures over 10 s (≥ 5 rps), half-opens after 5 s',
    description: 'per endpoint',
  },
  {
    name: 'call batch',
    type: 'object',
    default: 'max 32, linger 5 ms, 4 batches in flight',
    description: 'OIP v2 and embeddings',
  },
];

/** `call timeoutMs` → call `timeoutMs`; `maxInFlight` → `maxInFlight`. */
function settingCell(name: string): string {
  return name.startsWith('call ') ? `call \`${name.slice(5)}\`` : `\`${name}\``;
}

/** The rows of the docs table: setting, type, default, meaning. */
export function optionRows(): string[][] {
  return PIPELINE_OPTIONS.map((o) => [settingCell(o.name), `\`${o.type}\``, o.default, o.description]);
}

/** The markdown table (unpadded; the formatter aligns it). */
export function optionsTable(): string {
  const rows = [['setting', 'type', 'default', 'meaning'], ['---', '---', '---', '---'], ...optionRows()];
  return rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}
