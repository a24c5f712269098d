// `junction simulate` and the simulator core on the real stack, each run on topics of its own: counts,
// keys, trace headers, and bad records that really are bad (undecodable, or breaking a quality rule).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command, CommanderError } from 'commander';
import { createKafka, ensureTopics, type KafkaClient } from '@junction/kafka';
import {
  LeadCreatedSchema,
  LeadScoredSchema,
  TicketCreatedSchema,
  type LeadCreated,
  type LeadScored,
  type TicketCreated,
} from '@junction/schema-types';
import {
  AvroDecodeError,
  AvroSerde,
  parseWireFormat,
  RegistryClient,
  UnknownSchemaError,
} from '@junction/schemas';
import { readTopic, testStack, uniqueSuffix, uniqueTopic, type ReadRecord } from '@junction/testing';
import { simulate, UNKNOWN_SCHEMA_ID, type SimulateProgress } from '../simulator';
import { simulateTopic } from '../topic-simulator';
import { addSimulateCommand, progressLine, simulateTopics } from './simulate';

let kafka: KafkaClient;
beforeAll(() => {
  kafka = createKafka({ brokers: testStack().brokers, clientId: 'simulate-test' });
});

function program(): { program: Command; errors: string[] } {
  const errors: string[] = [];
  const p = new Command('junction')
    .exitOverride()
    .configureOutput({ writeErr: (s) => errors.push(s), writeOut: () => {} });
  addSimulateCommand(p);
  return { program: p, errors };
}

async function parseError(args: string[]): Promise<{ code: string; message: string }> {
  const { program: p, errors } = program();
  const err = await p.parseAsync(['simulate', ...args], { from: 'user' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CommanderError);
  return { code: (err as CommanderError).code, message: errors.join('') };
}

interface Classified {
  good: { key: string; eventId: string }[];
  unknownSchema: number;
  corrupt: number;
  ruleViolations: number;
}

/** Decodes every record as a pipeline would and sorts it into good and each kind of bad. */
async function classify(records: ReadRecord[], system: 'crm' | 'helpdesk'): Promise<Classified> {
  const serde = new AvroSerde(new RegistryClient({ url: testStack().schemaRegistryUrl }));
  const decoder =
    system === 'crm'
      ? serde.decoder<LeadCreated>(LeadCreatedSchema)
      : serde.decoder<TicketCreated>(TicketCreatedSchema);
  const out: Classified = { good: [], unknownSchema: 0, corrupt: 0, ruleViolations: 0 };
  for (const r of records) {
    let value: LeadCreated | TicketCreated;
    try {
      value = await decoder.decode(r.value);
    } catch (err) {
      if (err instanceof UnknownSchemaError) {
        expect(parseWireFormat(r.value).schemaId).toBe(UNKNOWN_SCHEMA_ID);
        out.unknownSchema++;
      } else if (err instanceof AvroDecodeError) out.corrupt++;
      else throw err;
      continue;
    }
    const key = r.key!.toString();
    if (system === 'crm') {
      const lead = value as LeadCreated;
      expect(key).toBe(lead.leadId);
      if (lead.contact.email === '' || lead.company.employees < 0) {
        out.ruleViolations++;
        continue;
      }
      out.good.push({ key, eventId: lead.eventId });
    } else {
      const ticket = value as TicketCreated;
      expect(key).toBe(ticket.ticketId);
      if (ticket.body.trim() === '') {
        out.ruleViolations++;
        continue;
      }
      out.good.push({ key, eventId: ticket.eventId });
    }
  }
  return out;
}

describe('junction simulate: flags', () => {
  it.each([
    [['crm', '--rate', 'fast'], /--rate <n>.*'fast' is invalid\. expected a number greater than 0\./],
    [['crm', '--rate', '0'], /expected a number greater than 0/],
    [['crm', '--count', '2.5'], /--count <n>.*expected a positive whole number/],
    [['crm', '--bad-share', '1.5'], /--bad-share <share>.*expected a share between 0 and 1, e\.g\. 0\.02/],
    [['crm', '--seed', '-1'], /--seed <n>.*expected a whole number >= 0, e\.g\. 42/],
    [['crm', '--brokers', 'kafka'], /expected comma-separated host:port, e\.g\. 127\.0\.0\.1:9092/],
    [['crm', '--registry', 'ftp://x'], /expected an http\(s\) URL/],
    [['crm', '--topic-suffix', 'a/b'], /--topic-suffix <suffix>.*expected letters, digits/],
    [['erp'], /expected crm, helpdesk, all or a topic with a schema, e\.g\. erp\.order\.created\.v1/],
  ])('refuses %j with a message that says what is expected', async (args, message) => {
    const { code, message: text } = await parseError(args);
    expect(code).toBe('commander.invalidArgument');
    expect(text).toMatch(message);
  });

  it('names its topics, with the suffix for isolated runs', () => {
    expect(simulateTopics(['crm', 'helpdesk'])).toEqual({
      crm: 'crm.lead.created.v1',
      helpdesk: 'support.ticket.created.v1',
    });
    expect(simulateTopics(['helpdesk'], 't1')).toEqual({ helpdesk: 'support.ticket.created.v1.t1' });
    expect(
      progressLine(
        new Map([
          ['crm', { sent: 100, bad: 2 }],
          ['helpdesk', { sent: 50, bad: 1 }],
        ]),
        2,
      ),
    ).toBe('crm: sent 100 (2 bad) 50.0/s | helpdesk: sent 50 (1 bad) 25.0/s | total 150 in 2.0 s');
  });
});

describe('simulator on the real stack', () => {
  const topics = {
    crm: uniqueTopic('crm.lead.created.v1'),
    helpdesk: uniqueTopic('support.ticket.created.v1'),
  };
  let sent: SimulateProgress[];
  const records: Partial<Record<'crm' | 'helpdesk', ReadRecord[]>> = {};

  beforeAll(async () => {
    await ensureTopics(kafka, [
      { topic: topics.crm, partitions: 3 },
      { topic: topics.helpdesk, partitions: 3 },
    ]);
    sent = await simulate({
      systems: ['crm', 'helpdesk'],
      brokers: testStack().brokers,
      registryUrl: testStack().schemaRegistryUrl,
      rate: 2_000,
      count: 200,
      badShare: 0.1,
      seed: 99,
      topics,
    });
    records.crm = await readTopic(kafka, topics.crm, { expected: 200 });
    records.helpdesk = await readTopic(kafka, topics.helpdesk, { expected: 200 });
  });

  it('publishes exactly count events per system, each keyed and with a W3C traceparent', () => {
    for (const system of ['crm', 'helpdesk'] as const) {
      const progress = sent.find((s) => s.system === system)!;
      expect(progress.sent).toBe(200);
      expect(records[system]).toHaveLength(200);
      for (const r of records[system]!) {
        expect(r.key?.length).toBeGreaterThan(0);
        expect(r.headers.traceparent?.toString()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      }
      expect(new Set(records[system]!.map((r) => r.headers.traceparent?.toString())).size).toBe(200);
    }
  });

  it('makes about the asked share of bad records, and each is really bad: undecodable or breaking a rule', async () => {
    for (const system of ['crm', 'helpdesk'] as const) {
      const progress = sent.find((s) => s.system === system)!;
      // 200 draws at 0.1: between 5 and 40 bad with overwhelming probability (the seed makes it fixed)
      expect(progress.bad).toBeGreaterThan(5);
      expect(progress.bad).toBeLessThan(40);
      const c = await classify(records[system]!, system);
      expect(c.unknownSchema).toBe(progress.badKinds['unknown-schema-id'] ?? 0);
      expect(c.corrupt).toBe(progress.badKinds['corrupt-bytes'] ?? 0);
      expect(c.ruleViolations).toBe(progress.badKinds['rule-violation'] ?? 0);
      expect(c.unknownSchema + c.corrupt + c.ruleViolations).toBe(progress.bad);
      expect(c.good.map((g) => g.eventId).sort()).toEqual([...progress.goodIds!].sort());
    }
    // all three kinds appear over both systems
    const kinds = new Set(sent.flatMap((s) => Object.keys(s.badKinds)));
    expect(kinds).toEqual(new Set(['unknown-schema-id', 'corrupt-bytes', 'rule-violation']));
  });

  it('registers the schemas under <topic>-value', async () => {
    const res = await fetch(`${testStack().schemaRegistryUrl}/subjects`);
    const subjects = (await res.json()) as string[];
    expect(subjects).toEqual(expect.arrayContaining([`${topics.crm}-value`, `${topics.helpdesk}-value`]));
  });

  it('sends the same events for the same seed', async () => {
    const again = uniqueTopic('crm.lead.created.v1');
    await ensureTopics(kafka, [{ topic: again, partitions: 1 }]);
    const run = () =>
      simulate({
        systems: ['crm'],
        brokers: testStack().brokers,
        registryUrl: testStack().schemaRegistryUrl,
        rate: 1_000,
        count: 20,
        badShare: 0,
        seed: 5,
        topics: { crm: again },
      });
    const [first] = await run();
    const [second] = await run();
    expect(second!.goodIds).toEqual(first!.goodIds);
  });

  it('stops when aborted, keeping to the rate meanwhile', async () => {
    const topic = uniqueTopic('support.ticket.created.v1');
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1_000);
    const started = Date.now();
    const [p] = await simulate({
      systems: ['helpdesk'],
      brokers: testStack().brokers,
      registryUrl: testStack().schemaRegistryUrl,
      rate: 100,
      seed: 1,
      topics: { helpdesk: topic },
      signal: abort.signal,
    });
    const secs = (Date.now() - started) / 1000;
    expect(secs).toBeLessThan(3);
    // the token bucket sends about rate × elapsed (one tick ahead at most)
    expect(p!.sent).toBeGreaterThan(10);
    expect(p!.sent).toBeLessThanOrEqual(Math.ceil(100 * (secs + 0.2)));
  });
});

describe('junction simulate on the real stack', () => {
  const logs: string[] = [];
  afterAll(() => vi.restoreAllMocks());

  it('creates its topics, publishes both systems and prints progress and a summary', async () => {
    const suffix = uniqueSuffix();
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logs.push(String(line)));
    const { program: p } = program();
    await p.parseAsync(
      [
        'simulate',
        'all',
        '--count',
        '60',
        '--rate',
        '100',
        '--bad-share',
        '0',
        '--seed',
        '0',
        '--topic-suffix',
        suffix,
        '--progress-every',
        '0.2',
        '--brokers',
        testStack().brokers.join(','),
        '--registry',
        testStack().schemaRegistryUrl,
      ],
      { from: 'user' },
    );
    const topics = simulateTopics(['crm', 'helpdesk'], suffix);
    expect(logs).toContain(`created topic ${topics.crm}`);
    expect(logs).toContain(`created topic ${topics.helpdesk}`);
    expect(
      logs.some((l) =>
        /^crm: sent \d+ \(0 bad\) [\d.]+\/s \| helpdesk: sent \d+ \(0 bad\) [\d.]+\/s \| total \d+ in [\d.]+ s$/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(logs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^crm: sent 60 events to ${topics.crm!.replace(/\./g, '\\.')} in [\\d.]+ s, 0 bad$`),
        ),
        expect.stringMatching(/^helpdesk: sent 60 events to .* 0 bad$/),
      ]),
    );
    for (const topic of [topics.crm!, topics.helpdesk!]) {
      expect(await readTopic(kafka, topic, { expected: 60 })).toHaveLength(60);
    }
    const decoded = await classify(await readTopic(kafka, topics.crm!, { expected: 60 }), 'crm');
    expect(decoded.good).toHaveLength(60);
  });
});

describe("junction simulate <topic>: records from the topic's schema", () => {
  it('sends valid records for a topic with no generator of its own, and the asked share of undecodable ones', async () => {
    // crm.lead.scored.v1 has a schema and no hand-written generator; sent to a topic of this test's own
    const to = uniqueTopic('crm.lead.scored.v1');
    await ensureTopics(kafka, [{ topic: to, partitions: 2 }]);
    try {
      const progress = await simulateTopic({
        topic: 'crm.lead.scored.v1',
        to,
        brokers: testStack().brokers,
        registryUrl: testStack().schemaRegistryUrl,
        rate: 2_000,
        count: 150,
        badShare: 0.2,
        seed: 5,
      });
      expect(progress.sent).toBe(150);
      const records = await readTopic(kafka, to, { expected: 150 });
      const serde = new AvroSerde(new RegistryClient({ url: testStack().schemaRegistryUrl }));
      const decoder = serde.decoder<LeadScored>(LeadScoredSchema);
      let good = 0;
      let bad = 0;
      for (const r of records) {
        try {
          const lead = await decoder.decode(r.value);
          expect(r.key?.toString()).toBe(lead.leadId);
          expect(typeof lead.score).toBe('number');
          good++;
        } catch (err) {
          expect(err instanceof UnknownSchemaError || err instanceof AvroDecodeError).toBe(true);
          bad++;
        }
      }
      expect(bad).toBe(progress.bad);
      expect(bad).toBeGreaterThan(10);
      expect(good).toBe(150 - progress.bad);
    } finally {
      await fetch(`${testStack().schemaRegistryUrl}/subjects/${to}-value`, { method: 'DELETE' }).catch(
        () => {},
      );
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [to] }).catch(() => {});
      await admin.disconnect();
    }
  });
});
