/**
 * `junction dlq topics|list|show|replay`: dead-letter topics for the people who look after them.
 *
 * Exit codes: 0 done; 1 the operation failed (Kafka unreachable, a read or replay failed, no record at
 * the offset); 2 bad usage: an unknown flag, a malformed value or filter, a topic that is not a
 * dead-letter topic or does not exist, a --to topic that does not exist.
 */
import cliProgress from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  checkFilters,
  DeadLetters,
  DlqError,
  FilterError,
  parseHeaderMatch,
  parseTime,
  type DlqFilters,
  type DlqRecord,
  type ReplayResult,
} from '@junction/dlq';
import { kafkaAnswers, StackError } from '@junction/local-stack';
import {
  brokersOption,
  endpoints,
  endpointSource,
  positiveInt,
  positiveNumber,
  registryOption,
} from './options';

interface CommonOpts {
  brokers?: string[];
  registry?: string;
  json?: boolean;
}
interface FilterOpts {
  since?: number;
  until?: number;
  errorClass?: string;
  pipeline?: string;
  key?: string;
  header?: { name: string; value: string }[];
}

function timeArg(value: string): number {
  try {
    return parseTime(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function headerArg(
  value: string,
  previous: { name: string; value: string }[] = [],
): { name: string; value: string }[] {
  try {
    return [...previous, parseHeaderMatch(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function nonEmpty(what: string) {
  return (value: string): string => {
    if (!value.trim()) throw new InvalidArgumentError(`expected ${what}, got an empty value.`);
    return value;
  };
}

/** `<partition>:<offset>`, e.g. `3:1024`. */
export function coordinates(value: string): { partition: number; offset: string } {
  const m = /^(\d+):(\d+)$/.exec(value.trim());
  if (!m)
    throw new InvalidArgumentError(
      `expected <partition>:<offset>, e.g. 3:1024 (as \`junction dlq list\` prints them), got ${JSON.stringify(value)}.`,
    );
  return { partition: Number(m[1]), offset: m[2]! };
}

function target(value: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(value))
    throw new InvalidArgumentError(
      `expected 'original' or a topic name (letters, digits, '.', '_', '-'), got ${JSON.stringify(value)}.`,
    );
  return value;
}

function addFilterOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--since <time>',
        'dead-lettered at or after: ISO-8601 time or a duration ago (30m, 2h, 7d)',
      ).argParser(timeArg),
    )
    .addOption(
      new Option('--until <time>', 'dead-lettered before: ISO-8601 time or a duration ago').argParser(
        timeArg,
      ),
    )
    .addOption(
      new Option('--error-class <name>', 'kafka_dlt-exception-fqcn, e.g. QualityError').argParser(
        nonEmpty('an error class, e.g. QualityError'),
      ),
    )
    .addOption(
      new Option('--pipeline <name>', 'junction-pipeline, e.g. lead-scoring').argParser(
        nonEmpty('a pipeline name, e.g. lead-scoring'),
      ),
    )
    .option('--key <key>', 'record key (exact)')
    .addOption(
      new Option('--header <name=value>', 'a header value (repeatable; all must match)').argParser(headerArg),
    );
}

function filtersFrom(o: FilterOpts, cmd: Command): DlqFilters {
  const f: DlqFilters = {};
  if (o.since !== undefined) f.since = o.since;
  if (o.until !== undefined) f.until = o.until;
  if (o.errorClass !== undefined) f.errorClass = o.errorClass;
  if (o.pipeline !== undefined) f.pipeline = o.pipeline;
  if (o.key !== undefined) f.key = o.key;
  if (o.header?.length) f.headers = o.header;
  try {
    checkFilters(f);
  } catch (err) {
    if (err instanceof FilterError)
      cmd.error(`error: ${err.message}`, { exitCode: 2, code: 'junction.dlq.filter' });
    throw err;
  }
  return f;
}

async function open(opts: CommonOpts): Promise<DeadLetters> {
  const { brokers, registryUrl } = endpoints(opts);
  if (!(await kafkaAnswers(brokers, 1))) {
    const source = endpointSource(opts, 'brokers');
    throw new StackError(
      `no Kafka answers at ${brokers.join(',')} (from ${source})${source === 'the local stack' ? '; start it with `pnpm junction up` (or `pnpm junction stack up`) or set KAFKA_BROKERS' : ''}`,
    );
  }
  return new DeadLetters({ brokers, registryUrl, clientId: 'junction-cli-dlq' });
}

/** Runs `fn`, turning a usage-type DlqError (not a DLQ topic, unknown topic or target) into exit 2. */
async function usage<T>(cmd: Command, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DlqError && ['not-a-dlq', 'unknown-topic', 'unknown-target'].includes(err.code))
      cmd.error(`error: ${err.message}`, { exitCode: 2, code: `junction.dlq.${err.code}` });
    throw err;
  }
}

const iso = (ms: number | undefined) =>
  ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const oneLine = (s: string | undefined, max: number) => {
  const t = (s ?? '').replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

function recordJson(r: DlqRecord) {
  return {
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    time: new Date(r.timestamp).toISOString(),
    key: r.key === null ? null : r.key.toString('utf8'),
    pipeline: r.pipeline ?? null,
    originalTopic: r.originalTopic ?? null,
    errorClass: r.errorClass ?? null,
    errorCode: r.errorCode ?? null,
    errorMessage: r.errorMessage ?? null,
    attempts: r.attempts ?? null,
  };
}

export function addDlqCommand(program: Command): Command {
  const dlq = program
    .command('dlq')
    .description('dead-letter topics (<source>.<pipeline>.dlq): list, show and replay their records')
    .addHelpText(
      'after',
      '\nExit codes: 0 done; 1 failed (Kafka unreachable, no record at that offset, a replay failed);\n2 bad usage (unknown flag, malformed value or filter, not a DLQ topic, unknown topic or --to topic).',
    );

  dlq
    .command('topics')
    .description('every DLQ topic: committed records (read_committed), oldest/newest, top error classes')
    .option('--json', 'one JSON line per topic')
    .option('--all', 'include empty DLQ topics')
    .addOption(brokersOption())
    .action(async (opts: CommonOpts & { all?: boolean }) => {
      const d = await open(opts);
      const rows = (await d.topics()).filter((t) => opts.all || t.count > 0);
      if (opts.json) {
        for (const t of rows) console.log(JSON.stringify(t));
        return;
      }
      if (rows.length === 0) {
        console.log(
          opts.all ? 'no DLQ topics' : 'no dead letters (no DLQ topic has records; --all lists empty ones)',
        );
        return;
      }
      console.log(
        table([
          ['TOPIC', 'RECORDS', 'OLDEST', 'NEWEST', 'TOP ERROR CLASSES'],
          ...rows.map((t) => [
            t.topic,
            String(t.count),
            iso(t.oldest),
            iso(t.newest),
            t.errorClasses.map((c) => `${c.errorClass} ${c.count}`).join(', '),
          ]),
        ]),
      );
    });

  addFilterOptions(
    dlq
      .command('list')
      .description('records of a DLQ topic matching the filters, as a table (or JSON lines)')
      .argument('<dlq-topic>', 'e.g. crm.lead.created.v1.lead-scoring.dlq'),
  )
    .addOption(new Option('--max <n>', 'print at most n records').argParser(positiveInt))
    .option('--json', 'one JSON line per record')
    .addOption(brokersOption())
    .action(async (topic: string, opts: CommonOpts & FilterOpts & { max?: number }, cmd: Command) => {
      const filters = filtersFrom(opts, cmd);
      const d = await open(opts);
      const rows: string[][] = [
        ['PARTITION:OFFSET', 'DEAD-LETTERED', 'KEY', 'PIPELINE', 'ERROR CLASS', 'MESSAGE'],
      ];
      let n = 0;
      await usage(cmd, () =>
        d.scan(topic, filters, (r) => {
          n++;
          if (opts.json) console.log(JSON.stringify(recordJson(r)));
          else
            rows.push([
              `${r.partition}:${r.offset}`,
              iso(r.timestamp),
              oneLine(r.key === null ? '(null)' : r.key.toString('utf8'), 24),
              r.pipeline ?? '-',
              r.errorClass ?? '-',
              oneLine(r.errorMessage, 80),
            ]);
          return opts.max !== undefined && n >= opts.max ? 'stop' : undefined;
        }),
      );
      if (!opts.json) {
        if (n === 0) console.error(`no records in ${topic} match`);
        else console.log(table(rows));
      }
    });

  dlq
    .command('show')
    .description(
      'one record in full: payload decoded through the registry (hex when not Avro), every header, the error with its stack',
    )
    .argument('<dlq-topic>', 'e.g. crm.lead.created.v1.lead-scoring.dlq')
    .argument('<partition:offset>', 'as `junction dlq list` prints it, e.g. 3:1024', coordinates)
    .option('--json', 'print it as one JSON object')
    .addOption(brokersOption())
    .addOption(registryOption())
    .action(
      async (topic: string, at: { partition: number; offset: string }, opts: CommonOpts, cmd: Command) => {
        const d = await open(opts);
        const r = await usage(cmd, () => d.show(topic, at.partition, at.offset));
        if (opts.json) {
          console.log(JSON.stringify(r, null, 2));
          return;
        }
        const lines = [
          `${r.topic} ${r.partition}:${r.offset}  dead-lettered ${iso(r.timestamp)}${r.attempts !== undefined ? `  after ${r.attempts} attempt(s)` : ''}`,
          `original: ${r.original.topic ?? '-'} ${r.original.partition ?? '-'}:${r.original.offset ?? '-'}  at ${iso(r.original.timestamp)}`,
          `key: ${r.key ?? '(null)'}`,
          r.replayed
            ? `replayed: ${r.replayed.replayedAt} to ${r.replayed.target} by ${r.replayed.by}`
            : 'replayed: no',
          '',
          r.value.encoding === 'avro'
            ? `value (Avro, schema id ${r.value.schemaId}):\n${JSON.stringify(r.value.value, null, 2)}`
            : `value (hex; not decodable: ${r.value.reason}):\n${r.value.hex ?? '(null)'}`,
          '',
          'headers:',
          ...Object.entries(r.headers)
            .filter(([k]) => k !== 'kafka_dlt-exception-stacktrace')
            .map(([k, v]) => `  ${k}: ${v}`),
          '',
          `error: ${r.error.class ?? '-'} (${r.error.kind ?? '-'}, ${r.error.code ?? '-'})`,
          `  ${r.error.message ?? ''}`,
          ...(r.error.stacktrace ? ['', 'stacktrace:', r.error.stacktrace] : []),
        ];
        console.log(lines.join('\n'));
      },
    );

  addFilterOptions(
    dlq
      .command('replay')
      .description(
        'produce matching records again (original key, value and headers, plus junction-replay-of); each replay is recorded in the replay ledger in the same transaction, so replaying again sends nothing',
      )
      .argument('<dlq-topic>', 'e.g. crm.lead.created.v1.lead-scoring.dlq'),
  )
    .addOption(
      new Option('--to <topic>', "'original' (each record's kafka_dlt-original-topic) or a topic")
        .argParser(target)
        .default('original'),
    )
    .addOption(
      new Option('--rate <n>', 'records per second (default: as fast as possible)').argParser(positiveNumber),
    )
    .addOption(new Option('--limit <n>', 'replay at most n records').argParser(positiveInt))
    .option('--dry-run', 'show what would be replayed; send nothing')
    .option('--json', 'print the summary as JSON')
    .addOption(brokersOption())
    .action(
      async (
        topic: string,
        opts: CommonOpts & FilterOpts & { to: string; rate?: number; limit?: number; dryRun?: boolean },
        cmd: Command,
      ) => {
        const filters = filtersFrom(opts, cmd);
        const d = await open(opts);
        let bar: cliProgress.SingleBar | undefined;
        const result: ReplayResult = await usage(cmd, () =>
          d
            .replay(topic, filters, {
              to: opts.to,
              ...(opts.rate !== undefined ? { ratePerSec: opts.rate } : {}),
              ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
              dryRun: !!opts.dryRun,
              onPlan: (plan) => {
                if (opts.dryRun || plan.total === 0 || opts.json) return;
                bar = new cliProgress.SingleBar(
                  {
                    format: 'replaying |{bar}| {value}/{total} records | {speed} rec/s | ETA {eta_formatted}',
                    stream: process.stderr,
                    hideCursor: true,
                    etaBuffer: 50,
                  },
                  cliProgress.Presets.shades_classic,
                );
                bar.start(plan.total, 0, { speed: 0 });
              },
              onProgress: (p) =>
                bar?.update(p.sent, { speed: Math.round(p.sent / Math.max(0.001, p.elapsedMs / 1000)) }),
            })
            .finally(() => bar?.stop()),
        );
        if (opts.json) {
          console.log(JSON.stringify(result));
          return;
        }
        const targets = Object.entries(result.targets)
          .map(([t, n]) => `${t} (${n})`)
          .join(', ');
        console.log(
          [
            `${result.dryRun ? 'dry run: would replay' : 'replayed'} ${result.dryRun ? Object.values(result.targets).reduce((a, b) => a + b, 0) : result.replayed} of ${result.matched} matching records from ${topic}`,
            `skipped as already replayed: ${result.skippedAlreadyReplayed}${result.skippedNoTarget ? `; without kafka_dlt-original-topic: ${result.skippedNoTarget}` : ''}`,
            `target topics: ${targets || '-'}`,
            ...(result.dryRun
              ? []
              : [
                  `took ${(result.durationMs / 1000).toFixed(1)} s (${result.ratePerSec} records/s while sending)`,
                ]),
          ].join('\n'),
        );
      },
    );
  return dlq;
}
