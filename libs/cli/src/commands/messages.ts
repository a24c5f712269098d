import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createKafka, type IHeaders } from '@junction/kafka';
import { AvroSerde, parseAvroSchema, parseWireFormat, RegistryClient } from '@junction/schemas';
import { brokersOption, endpoints, positiveInt, registryOption } from './options';

/** Header values as text where they are UTF-8, else hex; Spring's 4/8-byte numbers decoded. */
export function showHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const b = Buffer.isBuffer(v) ? v : Buffer.from(String(Array.isArray(v) ? v[v.length - 1] : (v ?? '')));
    if (/^kafka_dlt-original-(partition)$/.test(k) && b.length === 4) out[k] = String(b.readInt32BE());
    else if (/^kafka_dlt-original-(offset|timestamp)$/.test(k) && b.length === 8)
      out[k] = String(b.readBigInt64BE());
    else {
      const text = b.toString('utf8');
      out[k] = Buffer.from(text, 'utf8').equals(b) ? text : `hex:${b.toString('hex')}`;
    }
  }
  return out;
}

/** Records per `send` when publishing many. */
const PUBLISH_BATCH = 500;

function collectHeader(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError(`expected name=value (got ${JSON.stringify(value)})`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** One JSON document (the whole text), else JSON lines; errors name the line. */
export function parseEvents(text: string): { line: number; event: unknown }[] {
  try {
    return [{ line: 1, event: JSON.parse(text) as unknown }];
  } catch {
    // not one document: JSON lines
  }
  const events: { line: number; event: unknown }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      events.push({ line: i + 1, event: JSON.parse(raw) as unknown });
    } catch (err) {
      throw new Error(`line ${i + 1}: not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  });
  if (events.length === 0) throw new Error('no event given: the input is empty');
  return events;
}

/** `junction publish` and `junction consume`: events in, events out, as JSON. */
export function addMessageCommands(program: Command): void {
  program
    .command('publish')
    .description(
      "publish JSON events, encoded with the topic's latest registered schema (<topic>-value): one JSON document, or JSON lines (one event per line) for many",
    )
    .argument('<topic>', 'topic, e.g. crm.lead.created.v1')
    .option('--value <json>', 'the event as JSON')
    .option('--file <path>', 'read the event(s) from a file, `-` for stdin: one JSON document or JSON lines')
    .option('--key <key>', 'record key (every event)')
    .option('--key-field <field>', "take each record's key from this field of its event, e.g. leadId")
    .option('--header <name=value>', 'a header on every record (repeatable)', collectHeader, {})
    .addOption(brokersOption())
    .addOption(registryOption())
    .action(
      async (
        topic: string,
        opts: {
          value?: string;
          file?: string;
          key?: string;
          keyField?: string;
          header: Record<string, string>;
          brokers?: string[];
          registry?: string;
        },
      ) => {
        if (!opts.value === !opts.file)
          throw new Error('give the event(s) with exactly one of --value <json> or --file <path>');
        const text = opts.value ?? readFileSync(opts.file === '-' ? 0 : opts.file!, 'utf8');
        const events = parseEvents(text);
        const { brokers, registryUrl } = endpoints(opts);
        const registry = new RegistryClient({ url: registryUrl });
        const latest = await registry.latest(`${topic}-value`);
        const encoder = await new AvroSerde(registry).encoder(`${topic}-value`, latest.schema, {
          autoRegister: false,
        });
        // encode everything first: a bad event is reported with its line and nothing is sent
        const messages = events.map(({ line, event }) => {
          let value: Buffer;
          try {
            value = encoder.encode(event);
          } catch (err) {
            throw new Error(`line ${line}: does not fit ${topic}-value: ${(err as Error).message}`, {
              cause: err,
            });
          }
          const field = opts.keyField ? (event as Record<string, unknown>)[opts.keyField] : undefined;
          if (opts.keyField && typeof field !== 'string' && typeof field !== 'number')
            throw new Error(`line ${line}: --key-field ${opts.keyField} is missing or not a string/number`);
          const key = opts.keyField ? String(field) : (opts.key ?? null);
          return { key, value, headers: opts.header };
        });
        const producer = createKafka({ brokers, clientId: 'junction-cli' }).producer({
          idempotent: true,
          maxInFlightRequests: 1,
        });
        await producer.connect();
        try {
          let first: { partition?: number; baseOffset?: string } | undefined;
          for (let i = 0; i < messages.length; i += PUBLISH_BATCH) {
            const [meta] = await producer.send({ topic, messages: messages.slice(i, i + PUBLISH_BATCH) });
            first ??= meta;
          }
          console.log(
            messages.length === 1
              ? `published to ${topic} partition ${first?.partition} offset ${first?.baseOffset} (schema id ${latest.id})`
              : `published ${messages.length} events to ${topic} (schema id ${latest.id})`,
          );
        } finally {
          await producer.disconnect();
        }
      },
    );

  program
    .command('consume')
    .description(
      'print records of a topic as JSON lines: key, value decoded through the registry (hex when not Avro), headers',
    )
    .argument('<topic>', 'topic, e.g. crm.lead.scored.v1')
    .addOption(new Option('--max <n>', 'stop after n records').argParser(positiveInt).default(10))
    .option('--key <key>', 'only records with this key')
    .addOption(
      new Option('--timeout <s>', 'stop when nothing arrives for this long')
        .argParser(positiveInt)
        .default(5),
    )
    .addOption(brokersOption())
    .addOption(registryOption())
    .action(
      async (
        topic: string,
        opts: { max: number; key?: string; timeout: number; brokers?: string[]; registry?: string },
      ) => {
        const { brokers, registryUrl } = endpoints(opts);
        const registry = new RegistryClient({ url: registryUrl });
        const consumer = createKafka({ brokers, clientId: 'junction-cli' }).consumer({
          groupId: `junction-cli-${process.pid}-${Date.now()}`,
          readUncommitted: false,
          maxWaitTimeInMs: 250,
        });
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        let printed = 0;
        let last = Date.now();
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            last = Date.now();
            if (printed >= opts.max) return;
            const key = message.key?.toString('utf8') ?? null;
            if (opts.key !== undefined && key !== opts.key) return;
            let value: unknown;
            try {
              const { schemaId, payload } = parseWireFormat(message.value);
              value = parseAvroSchema((await registry.getSchemaById(schemaId)).schema).fromBuffer(payload);
            } catch (err) {
              value = { undecodable: (err as Error).message, hex: message.value?.toString('hex') ?? null };
            }
            printed++;
            console.log(
              JSON.stringify({
                partition,
                offset: message.offset,
                timestamp: message.timestamp,
                key,
                value,
                headers: showHeaders(message.headers),
              }),
            );
          },
        });
        while (printed < opts.max && Date.now() - last < opts.timeout * 1000)
          await new Promise((r) => setTimeout(r, 200));
        await consumer.disconnect();
        if (printed === 0)
          console.error(
            `no records in ${topic}${opts.key ? ` with key ${opts.key}` : ''} within ${opts.timeout}s`,
          );
      },
    );
}
