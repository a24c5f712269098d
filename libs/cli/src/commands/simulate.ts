import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_PARTITIONS, workspacePlan } from '@junction/fleet-infra';
import { createKafka, ensureTopics, type TopicSpec } from '@junction/kafka';
import { DEFAULT_TOPICS, simulate, type SimulateProgress, type SourceSystem } from '../simulator';
import { simulateTopic, topicSchema, type TopicProgress } from '../topic-simulator';
import { brokerList, endpoints, httpUrl, positiveInt, positiveNumber, share } from './options';

// the core, for callers that start here (the demo runs it in-process with an AbortSignal)
export { simulate, type SimulateOptions, type SimulateProgress } from '../simulator';

export interface SimulateCommandOptions {
  rate: number;
  count?: number;
  badShare: number;
  seed?: number;
  brokers?: string[];
  registry?: string;
  topicSuffix?: string;
  progressEvery: number;
}

function seed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected a whole number >= 0, e.g. 42.');
  return n;
}

function topicSuffix(value: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,80}$/.test(value))
    throw new InvalidArgumentError('expected letters, digits, ".", "_" or "-" (up to 81), e.g. test-1.');
  return value;
}

/** The topics a run publishes to: the fleet's source topics, or `<topic>.<suffix>` with --topic-suffix. */
export function simulateTopics(
  systems: readonly SourceSystem[],
  suffix?: string,
): Partial<Record<SourceSystem, string>> {
  return Object.fromEntries(
    systems.map((s) => [s, suffix ? `${DEFAULT_TOPICS[s]}.${suffix}` : DEFAULT_TOPICS[s]]),
  );
}

/** One line: per system sent, bad and rate; then the total. */
export function progressLine(
  totals: ReadonlyMap<SourceSystem, { sent: number; bad: number }>,
  secs: number,
): string {
  let sent = 0;
  const parts = [...totals].map(([system, t]) => {
    sent += t.sent;
    return `${system}: sent ${t.sent} (${t.bad} bad) ${(t.sent / Math.max(secs, 0.001)).toFixed(1)}/s`;
  });
  return `${parts.join(' | ')} | total ${sent} in ${secs.toFixed(1)} s`;
}

/** Runs `junction simulate` with parsed options: creates missing topics as infra/topics defines them, then publishes. */
export async function runSimulate(
  system: SourceSystem | 'all',
  opts: SimulateCommandOptions,
  io: { log: (line: string) => void; signal?: AbortSignal } = { log: (line) => console.log(line) },
): Promise<SimulateProgress[]> {
  const systems: SourceSystem[] = system === 'all' ? ['crm', 'helpdesk'] : [system];
  const { brokers, registryUrl } = endpoints(opts);
  const topics = simulateTopics(systems, opts.topicSuffix);

  // the source topics must exist: create the missing ones with the fleet's settings (never alter existing ones)
  const specs = new Map((await workspacePlan()).topics.map((s) => [s.topic, s]));
  const wanted: TopicSpec[] = systems.map((s) => ({
    ...(specs.get(DEFAULT_TOPICS[s]) ?? { partitions: DEFAULT_PARTITIONS }),
    topic: topics[s]!,
  }));
  const created = await ensureTopics(createKafka({ brokers, clientId: 'junction-simulator-admin' }), wanted);
  for (const t of created) io.log(`created topic ${t}`);

  const totals = new Map<SourceSystem, { sent: number; bad: number }>(
    systems.map((s) => [s, { sent: 0, bad: 0 }]),
  );
  const started = Date.now();
  const timer = setInterval(
    () => io.log(progressLine(totals, (Date.now() - started) / 1000)),
    opts.progressEvery * 1000,
  );
  try {
    const result = await simulate({
      systems,
      brokers,
      registryUrl,
      rate: opts.rate,
      badShare: opts.badShare,
      topics,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(opts.count !== undefined ? { count: opts.count } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      onProgress: (p) => totals.set(p.system, { sent: p.sent, bad: p.bad }),
    });
    const secs = (Date.now() - started) / 1000;
    for (const r of result) {
      const kinds = Object.entries(r.badKinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      io.log(
        `${r.system}: sent ${r.sent} events to ${topics[r.system]} in ${secs.toFixed(1)} s, ${r.bad} bad${kinds ? ` (${kinds})` : ''}`,
      );
    }
    return result;
  } finally {
    clearInterval(timer);
  }
}

/** `junction simulate <topic>`: records generated from the topic's schema; creates the topic as planned when missing. */
export async function runSimulateTopic(
  topic: string,
  opts: SimulateCommandOptions,
  io: { log: (line: string) => void; signal?: AbortSignal } = { log: (line) => console.log(line) },
): Promise<TopicProgress> {
  const { brokers, registryUrl } = endpoints(opts);
  const to = opts.topicSuffix ? `${topic}.${opts.topicSuffix}` : topic;
  await topicSchema(topic); // a topic without a schema is refused before anything is created
  const spec = (await workspacePlan()).topics.find((t) => t.topic === topic);
  const created = await ensureTopics(createKafka({ brokers, clientId: 'junction-simulator-admin' }), [
    { ...(spec ?? { partitions: DEFAULT_PARTITIONS }), topic: to },
  ]);
  for (const t of created) io.log(`created topic ${t}`);
  const started = Date.now();
  let last: TopicProgress = { topic: to, sent: 0, bad: 0, badKinds: {} };
  const timer = setInterval(
    () =>
      io.log(
        `${to}: sent ${last.sent} (${last.bad} bad) ${(last.sent / Math.max((Date.now() - started) / 1000, 0.001)).toFixed(1)}/s`,
      ),
    opts.progressEvery * 1000,
  );
  try {
    const r = await simulateTopic({
      topic,
      to,
      brokers,
      registryUrl,
      rate: opts.rate,
      badShare: opts.badShare,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(opts.count !== undefined ? { count: opts.count } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      onProgress: (p) => (last = { ...p }),
    });
    const kinds = Object.entries(r.badKinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    io.log(
      `sent ${r.sent} events to ${to} in ${((Date.now() - started) / 1000).toFixed(1)} s, ${r.bad} bad${kinds ? ` (${kinds})` : ''}`,
    );
    return r;
  } finally {
    clearInterval(timer);
  }
}

const TOPIC = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+\.v\d+$/;

function systemOrTopic(value: string): string {
  if (['crm', 'helpdesk', 'all'].includes(value) || TOPIC.test(value)) return value;
  throw new InvalidArgumentError(
    'expected crm, helpdesk, all or a topic with a schema, e.g. erp.order.created.v1.',
  );
}

/** `junction simulate <crm|helpdesk|all|topic>`: realistic source events at a rate, with a share of bad ones. */
export function addSimulateCommand(program: Command): Command {
  return program
    .command('simulate')
    .description(
      'publish realistic CRM leads (crm.lead.created.v1) and/or helpdesk tickets (support.ticket.created.v1), ' +
        'keyed by leadId / ticketId with a traceparent header, including a share of bad records; ' +
        'or, for any other topic with a schema, valid records generated from that schema',
    )
    .addArgument(
      new Argument('<system>', 'crm, helpdesk, all, or a topic (e.g. erp.order.created.v1)').argParser(
        systemOrTopic,
      ),
    )
    .addOption(new Option('--rate <n>', 'events per second per system').argParser(positiveNumber).default(50))
    .addOption(
      new Option('--count <n>', 'stop after n events per system (default: until Ctrl-C)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option(
        '--bad-share <share>',
        'share of bad records, split among an unknown schema id, corrupt bytes and a rule violation',
      )
        .argParser(share)
        .default(0.02),
    )
    .addOption(new Option('--seed <n>', 'seed for reproducible events (default: the clock)').argParser(seed))
    .addOption(
      new Option(
        '--brokers <list>',
        'Kafka bootstrap servers (default: KAFKA_BROKERS or the local stack)',
      ).argParser(brokerList),
    )
    .addOption(
      new Option(
        '--registry <url>',
        'schema registry URL (default: SCHEMA_REGISTRY_URL or the local stack)',
      ).argParser(httpUrl),
    )
    .addOption(
      new Option(
        '--topic-suffix <suffix>',
        'publish to <topic>.<suffix> instead (tests and experiments)',
      ).argParser(topicSuffix),
    )
    .addOption(
      new Option('--progress-every <s>', 'seconds between progress lines')
        .argParser(positiveNumber)
        .default(5),
    )
    .action(async (system: string, opts: SimulateCommandOptions) => {
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const io = { log: (line: string) => console.log(line), signal: abort.signal };
        if (system === 'crm' || system === 'helpdesk' || system === 'all')
          await runSimulate(system, opts, io);
        else await runSimulateTopic(system, opts, io);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
