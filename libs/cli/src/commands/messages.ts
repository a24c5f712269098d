import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { IHeaders } from 'kafkajs';
import { createKafka } from '@junction/kafka';
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

/** `junction publish` and `junction consume`: one event in, events out, as JSON. */
export function addMessageCommands(program: Command): void {
  program
    .command('publish')
    .description("publish one JSON event, encoded with the topic's latest registered schema (<topic>-value)")
    .argument('<topic>', 'topic, e.g. crm.lead.created.v1')
    .option('--value <json>', 'the event as JSON')
    .option('--file <path>', 'read the event JSON from a file')
    .option('--key <key>', 'record key')
    .addOption(brokersOption())
    .addOption(registryOption())
    .action(
      async (
        topic: string,
        opts: { value?: string; file?: string; key?: string; brokers?: string[]; registry?: string },
      ) => {
        if (!opts.value === !opts.file)
          throw new Error('give the event with exactly one of --value <json> or --file <path>');
        let event: unknown;
        try {
          event = JSON.parse(opts.value ?? readFileSync(opts.file!, 'utf8'));
        } catch (err) {
          throw new Error(`the event is not valid JSON: ${(err as Error).message}`);
        }
        const { brokers, registryUrl } = endpoints(opts);
        const registry = new RegistryClient({ url: registryUrl });
        const latest = await registry.latest(`${topic}-value`);
        const encoder = await new AvroSerde(registry).encoder(`${topic}-value`, latest.schema, {
          autoRegister: false,
        });
        const value = encoder.encode(event);
        const producer = createKafka({ brokers, clientId: 'junction-cli' }).producer({
          idempotent: true,
          maxInFlightRequests: 1,
        });
        await producer.connect();
        const [meta] = await producer.send({ topic, messages: [{ key: opts.key ?? null, value }] });
        await producer.disconnect();
        console.log(
          `published to ${topic} partition ${meta?.partition} offset ${meta?.baseOffset} (schema id ${latest.id})`,
        );
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
