/**
 * Source-system simulators: a CRM creating leads and a helpdesk opening tickets, at a chosen rate,
 * with a configurable share of bad records (an unknown schema id, corrupt bytes, a rule violation).
 */
import { randomBytes } from 'node:crypto';
import { generateLead, generateTicket, Random } from '@junction/datagen';
import { createKafka, type KafkaProducer } from '@junction/kafka';
import { context, headersFromContext, SpanKind, trace, tracer } from '@junction/observability';
import {
  LeadCreatedSchema,
  TicketCreatedSchema,
  type LeadCreated,
  type TicketCreated,
} from '@junction/schema-types';
import { AvroSerde, RegistryClient, toWireFormat } from '@junction/schemas';

export type SourceSystem = 'crm' | 'helpdesk';

export interface SimulateOptions {
  systems: SourceSystem[];
  brokers: string[];
  registryUrl: string;
  /** Events per second per system. */
  rate: number;
  /** Stop after this many events per system; default: until aborted. */
  count?: number;
  /** Share of bad records, 0..1. */
  badShare?: number;
  seed?: number;
  /** Topic overrides (tests); defaults crm.lead.created.v1 and support.ticket.created.v1. */
  topics?: Partial<Record<SourceSystem, string>>;
  signal?: AbortSignal;
  onProgress?: (p: SimulateProgress) => void;
}

export interface SimulateProgress {
  system: SourceSystem;
  sent: number;
  bad: number;
  badKinds: Record<string, number>;
  /** Event ids of the good records, when `count` is set (for tests that check each one). */
  goodIds?: string[];
}

export const DEFAULT_TOPICS: Record<SourceSystem, string> = {
  crm: 'crm.lead.created.v1',
  helpdesk: 'support.ticket.created.v1',
};
/** A schema id no registry hands out: records carrying it are undecodable by design. */
export const UNKNOWN_SCHEMA_ID = 2_147_480_000;

type BadKind = 'unknown-schema-id' | 'corrupt-bytes' | 'rule-violation';
const BAD_KINDS: BadKind[] = ['unknown-schema-id', 'corrupt-bytes', 'rule-violation'];

/**
 * A producer span per event when tracing is on, so one trace runs from the source system to the
 * result; otherwise a fresh W3C traceparent, so logs can still be joined on it.
 */
export function publishTraceparent(topic: string): string {
  const span = tracer('junction-simulator').startSpan(`${topic} publish`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topic,
    },
  });
  const { traceparent } = headersFromContext(trace.setSpan(context.active(), span));
  span.end();
  return traceparent ?? randomTraceparent();
}

function randomTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

export async function simulate(options: SimulateOptions): Promise<SimulateProgress[]> {
  const kafka = createKafka({ brokers: options.brokers, clientId: 'junction-simulator' });
  const serde = new AvroSerde(new RegistryClient({ url: options.registryUrl }));
  // idempotent: a send retried after a lost acknowledgement must not put the event on the topic twice
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const runs = options.systems.map((system) => runSystem(system, options, serde, producer));
    return await Promise.all(runs);
  } finally {
    await producer.disconnect();
  }
}

async function runSystem(
  system: SourceSystem,
  o: SimulateOptions,
  serde: AvroSerde,
  producer: KafkaProducer,
): Promise<SimulateProgress> {
  const topic = o.topics?.[system] ?? DEFAULT_TOPICS[system];
  const rng = new Random((o.seed ?? Date.now()) + (system === 'crm' ? 0 : 1));
  const badShare = o.badShare ?? 0;
  const progress: SimulateProgress = {
    system,
    sent: 0,
    bad: 0,
    badKinds: {},
    ...(o.count !== undefined ? { goodIds: [] } : {}),
  };
  const encoder =
    system === 'crm'
      ? await serde.encoder<LeadCreated>(`${topic}-value`, LeadCreatedSchema)
      : await serde.encoder<TicketCreated>(`${topic}-value`, TicketCreatedSchema);
  const tickMs = 100;
  const started = Date.now();
  let i = 0;
  while (!o.signal?.aborted && (o.count === undefined || i < o.count)) {
    // token bucket: send what the rate allows up to now, then sleep one tick
    const due = Math.floor(((Date.now() - started + tickMs) / 1000) * o.rate);
    const n = Math.max(0, Math.min(due - i, (o.count ?? Infinity) - i));
    const messages = [];
    for (let k = 0; k < n; k++, i++) {
      const bad = rng.chance(badShare) ? rng.pick(BAD_KINDS) : undefined;
      let key: string;
      let value: Buffer;
      let id: string;
      if (system === 'crm') {
        const { lead } = generateLead(rng, i);
        if (bad === 'rule-violation') lead.company.employees = -1;
        key = lead.leadId;
        id = lead.eventId;
        value = (encoder as { encode(v: LeadCreated): Buffer }).encode(lead);
      } else {
        const { ticket } = generateTicket(rng, i);
        if (bad === 'rule-violation') ticket.body = '';
        key = ticket.ticketId;
        id = ticket.eventId;
        value = (encoder as { encode(v: TicketCreated): Buffer }).encode(ticket);
      }
      if (bad === 'unknown-schema-id') value = toWireFormat(UNKNOWN_SCHEMA_ID, value.subarray(5));
      if (bad === 'corrupt-bytes')
        value = Buffer.concat([value.subarray(0, 5), randomBytes(Math.max(8, value.length - 5))]);
      if (bad) {
        progress.bad++;
        progress.badKinds[bad] = (progress.badKinds[bad] ?? 0) + 1;
      } else {
        progress.goodIds?.push(id);
      }
      messages.push({
        key,
        value,
        headers: { traceparent: publishTraceparent(topic), 'junction-simulator': system },
      });
    }
    if (messages.length) {
      await producer.send({ topic, messages });
      progress.sent += messages.length;
      o.onProgress?.(progress);
    }
    if (o.count !== undefined && i >= o.count) break;
    await new Promise((r) => setTimeout(r, tickMs));
  }
  return progress;
}
