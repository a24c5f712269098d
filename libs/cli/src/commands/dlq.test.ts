// `junction dlq` as a user runs it, against the real stack: a small DLQ written with the runner's own
// dead-letter headers (Avro and non-Avro values), list filters, show (hex fallback), replay with the
// ledger, and usage errors that exit 2 saying what is expected.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKafka, deadLetterHeaders, ensureTopics } from '@junction/kafka';
import { repoRoot } from '@junction/local-stack';
import { createRegistry, SchemaType } from '@junction/schemas';
import { readTopic, testStack, uniqueTopic } from '@junction/testing';
// deadLetterHeaders: the exact headers the runner writes on a dead letter (the header contract)

const MAIN = join(repoRoot(), 'libs/cli/src/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function junction(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, MAIN, ...args],
      {
        cwd: repoRoot(),
        env: {
          ...process.env,
          KAFKA_BROKERS: testStack().brokers.join(','),
          SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const Event = {
  type: 'record',
  name: 'CliDlqEvent',
  namespace: 'junction.test',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'amount', type: 'int' },
  ],
} as const;

const source = uniqueTopic('test.clidlq.created.v1');
const dlqTopic = `${source}.cli-test.dlq`;
const target = `${source}.replayed`;
const now = Date.now();

beforeAll(async () => {
  const kafka = createKafka({ brokers: testStack().brokers, clientId: 'cli-dlq-test' });
  await ensureTopics(kafka, [
    { topic: source, partitions: 2 },
    { topic: dlqTopic, partitions: 2 },
    { topic: target, partitions: 2 },
  ]);
  const registry = createRegistry(testStack().schemaRegistryUrl);
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(Event) },
    { subject: `${source}-value` },
  );
  const dead = (i: number, errorClass: string, code: string, value: Buffer) => ({
    key: `K-${i}`,
    value,
    headers: deadLetterHeaders(
      { 'x-app': 'billing' },
      {
        pipeline: i < 6 ? 'cli-test' : 'other-pipeline',
        consumerGroup: 'junction.cli-test',
        idempotencyKey: `evt-${i}`,
        origin: { topic: source, partition: i % 2, offset: String(i), timestamp: String(now - 1_000) },
        attempts: errorClass === 'CallError' ? 3 : 1,
        firstFailure: now - 1_000,
        lastFailure: now,
        failure: {
          kind: errorClass === 'CallError' ? 'retriable' : 'poison',
          code,
          errorClass,
          message: `${errorClass} for event ${i}`,
          stack: `${errorClass}: for event ${i}\n    at handler (pipeline.ts:1:1)`,
        },
      },
    ),
  });
  const messages = [];
  for (let i = 0; i < 8; i++)
    messages.push(
      dead(i, 'CallError', 'call.unavailable', await registry.encode(id, { eventId: `evt-${i}`, amount: i })),
    );
  messages.push(dead(8, 'WireFormatError', 'wire-format', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00])));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // all to partition 0 (then 8 and 9 in partition 1), so the offsets are known
  await producer.send({ topic: dlqTopic, messages: messages.map((m) => ({ ...m, partition: 0 })) });
  await producer.send({
    topic: dlqTopic,
    messages: [{ ...dead(9, 'QualityError', 'quality.range', Buffer.from('plain text')), partition: 1 }],
  });
  await producer.disconnect();
});

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('junction dlq', () => {
  it('topics: the DLQ with its committed count and top error classes', async () => {
    const r = await junction(['dlq', 'topics', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const mine = lines(r.stdout).find((t) => t.topic === dlqTopic);
    expect(mine).toMatchObject({
      count: 10,
      partitions: 2,
      errorClasses: [
        { errorClass: 'CallError', count: 8 },
        { errorClass: 'QualityError', count: 1 },
        { errorClass: 'WireFormatError', count: 1 },
      ],
    });
    const table = await junction(['dlq', 'topics']);
    expect(table.stdout).toMatch(/^TOPIC\s+RECORDS\s+OLDEST\s+NEWEST\s+TOP ERROR CLASSES/);
    expect(table.stdout).toContain(dlqTopic);
  });

  it('list: a table by default, JSON lines with --json, and every filter', async () => {
    const table = await junction(['dlq', 'list', dlqTopic]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^PARTITION:OFFSET\s+DEAD-LETTERED\s+KEY\s+PIPELINE\s+ERROR CLASS\s+MESSAGE/,
    );
    expect(table.stdout).toMatch(
      /^0:8\s+\S+\s+K-8\s+other-pipeline\s+WireFormatError\s+WireFormatError for event 8$/m,
    );

    const count = async (...filters: string[]) => {
      const r = await junction(['dlq', 'list', dlqTopic, '--json', ...filters]);
      expect(r.code, r.stderr).toBe(0);
      return lines(r.stdout);
    };
    expect(await count()).toHaveLength(10);
    expect(await count('--error-class', 'CallError')).toHaveLength(8);
    expect(await count('--pipeline', 'cli-test')).toHaveLength(6);
    expect(await count('--pipeline', 'cli-test', '--error-class', 'CallError')).toHaveLength(6);
    expect(await count('--key', 'K-3')).toMatchObject([
      { key: 'K-3', partition: 0, offset: '3', errorCode: 'call.unavailable', attempts: 3 },
    ]);
    expect(await count('--header', 'junction-error-code=wire-format')).toHaveLength(1);
    expect(
      await count('--header', 'kafka_dlt-original-partition=1', '--header', 'x-app=billing'),
    ).toHaveLength(5);
    expect(await count('--since', '1h')).toHaveLength(10);
    expect(await count('--since', new Date(now + 3_600_000).toISOString())).toHaveLength(0);
    expect(await count('--until', '2020-01-01T00:00:00Z')).toHaveLength(0);
    expect(await count('--max', '2')).toHaveLength(2);
  });

  it('show: Avro decoded, non-Avro as hex, every header (Spring numbers decoded), the error in full', async () => {
    const avro = await junction(['dlq', 'show', dlqTopic, '0:3', '--json']);
    expect(avro.code, avro.stderr).toBe(0);
    const a = JSON.parse(avro.stdout);
    expect(a.value).toMatchObject({ encoding: 'avro', value: { eventId: 'evt-3', amount: 3 } });
    expect(a.headers).toMatchObject({
      'kafka_dlt-original-partition': '1',
      'kafka_dlt-original-offset': '3',
      'x-app': 'billing',
    });
    expect(a.error).toMatchObject({
      class: 'CallError',
      kind: 'retriable',
      message: 'CallError for event 3',
    });
    expect(a.error.stacktrace).toContain('at handler (pipeline.ts:1:1)');

    const hex = await junction(['dlq', 'show', dlqTopic, '0:8']);
    expect(hex.code, hex.stderr).toBe(0);
    expect(hex.stdout).toContain('value (hex; not decodable');
    expect(hex.stdout).toContain('deadbeef00');
    expect(hex.stdout).toContain('error: WireFormatError (poison, wire-format)');
    expect(hex.stdout).toContain('stacktrace:\nWireFormatError: for event 8');
    expect(hex.stdout).toContain('kafka_dlt-original-timestamp: ');

    const missing = await junction(['dlq', 'show', dlqTopic, '1:5']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no record at ${dlqTopic} 1:5; partition 1 holds offsets 0..0`);
  });

  it('replay: dry run, a filtered replay with a limit, the rest, then nothing the second time', async () => {
    const dry = await junction([
      'dlq',
      'replay',
      dlqTopic,
      '--error-class',
      'CallError',
      '--to',
      target,
      '--dry-run',
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run: would replay 8 of 8 matching records');

    const first = await junction([
      'dlq',
      'replay',
      dlqTopic,
      '--error-class',
      'CallError',
      '--to',
      target,
      '--limit',
      '3',
      '--rate',
      '100',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`replayed 3 of 3 matching records from ${dlqTopic}`);
    expect(first.stdout).toContain(`target topics: ${target} (3)`);

    const rest = await junction([
      'dlq',
      'replay',
      dlqTopic,
      '--error-class',
      'CallError',
      '--to',
      target,
      '--json',
    ]);
    expect(rest.code, rest.stderr).toBe(0);
    expect(JSON.parse(rest.stdout)).toMatchObject({
      matched: 8,
      replayed: 5,
      skippedAlreadyReplayed: 3,
      targets: { [target]: 5 },
    });

    const again = await junction(['dlq', 'replay', dlqTopic, '--error-class', 'CallError', '--to', target]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('replayed 0 of 8 matching records');
    expect(again.stdout).toContain('skipped as already replayed: 8');

    const out = await readTopic(createKafka({ brokers: testStack().brokers }), target, {
      expected: 8,
      minWaitMs: 1_000,
    });
    expect(out.map((r) => r.key?.toString()).sort()).toEqual([
      'K-0',
      'K-1',
      'K-2',
      'K-3',
      'K-4',
      'K-5',
      'K-6',
      'K-7',
    ]);
    expect(out.every((r) => String(r.headers['junction-replay-of']).startsWith(`${dlqTopic}:0:`))).toBe(true);

    const shown = JSON.parse((await junction(['dlq', 'show', dlqTopic, '0:0', '--json'])).stdout);
    expect(shown.replayed).toMatchObject({ target });
  });

  it.each([
    [['dlq', 'list', 'crm.lead.created.v1'], 'expected a dead-letter topic (a name ending in .dlq'],
    [
      ['dlq', 'list', 'no.such.topic.dlq'],
      'no topic no.such.topic.dlq; expected one of the dead-letter topics:',
    ],
    [
      ['dlq', 'list', dlqTopic, '--since', 'yesterday'],
      'expected an ISO-8601 time (e.g. 2026-11-23T10:00:00Z) or a duration ago (e.g. 30m, 2h, 7d)',
    ],
    [['dlq', 'list', dlqTopic, '--since', '1h', '--until', '2h'], 'expected --since to be before --until'],
    [['dlq', 'list', dlqTopic, '--header', 'x-app'], 'expected name=value'],
    [['dlq', 'list', dlqTopic, '--max', '0'], 'expected a positive whole number.'],
    [['dlq', 'show', dlqTopic, '3'], 'expected <partition>:<offset>, e.g. 3:1024'],
    [['dlq', 'replay', dlqTopic, '--rate', 'fast'], 'expected a number greater than 0.'],
    [['dlq', 'replay', dlqTopic, '--limit', '-1'], 'expected a positive whole number.'],
    [
      ['dlq', 'replay', dlqTopic, '--to', 'no.such.target.topic'],
      'does not exist; expected --to original or an existing topic',
    ],
    [['dlq', 'replay', dlqTopic, '--to', 'bad topic!'], "expected 'original' or a topic name"],
    [['dlq', 'replay', dlqTopic, '--dryrun'], "unknown option '--dryrun'"],
    [['dlq', 'purge'], "unknown command 'purge'"],
  ])('junction %j exits 2 saying what is expected', async (args, expected) => {
    const r = await junction(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expected);
  });
});
