/**
 * The bounded stream a scenario sends: seeded CRM leads (`@junction/datagen`) with known ids, and a
 * share of poison records cycling through every kind in `poison.ts`. Every record carries its id in
 * the `fault-event-id` header, so a dead letter whose bytes cannot be decoded is still accounted for.
 */
import { generateLead, generateTicket, Random } from '@junction/datagen';
import {
  LeadCreatedSchema,
  TicketCreatedSchema,
  type LeadCreated,
  type TicketCreated,
} from '@junction/schema-types';
import { AvroSerde, type AvroEncoder } from '@junction/schemas';
import type { Expectation } from './checker';
import { POISON_KINDS, type PoisonKind } from './poison';
import { EVENT_ID_HEADER } from './read-topics';

export interface FaultEvent {
  id: string;
  key: string;
  value: Buffer | null;
  headers: Record<string, string>;
  expect: Expectation;
}

export interface StreamOptions {
  /** Prefix of every event id; unique per scenario run. */
  runId: string;
  seed: number;
  /** One record in `poisonEvery` is poison (0: none). */
  poisonEvery: number;
  poisonKinds?: readonly PoisonKind[];
}

/**
 * The lead schema with one more optional field: a second version under the same subject (BACKWARD
 * compatible), so records written with it carry a schema id the pipeline has not seen yet.
 */
export const LeadCreatedV2Schema = {
  ...LeadCreatedSchema,
  fields: [
    ...LeadCreatedSchema.fields,
    { name: 'campaign', type: ['null', 'string'], default: null, doc: 'Marketing campaign, when known.' },
  ],
} as const;

export class FaultStream {
  private readonly rng: Random;
  private readonly kinds: readonly PoisonKind[];
  private poisonSent = 0;
  /** When set, valid leads are written with the second schema version. */
  useV2: (i: number) => boolean = () => false;

  private constructor(
    private readonly options: StreamOptions,
    private readonly v1: AvroEncoder<LeadCreated>,
    private readonly v2: AvroEncoder<LeadCreated & { campaign: string | null }> | undefined,
    private readonly foreign: AvroEncoder<TicketCreated>,
  ) {
    this.rng = new Random(options.seed);
    this.kinds = options.poisonKinds ?? POISON_KINDS;
  }

  /** Registers the schemas the stream writes with (v1 under `<topic>-value`, optionally v2, and the foreign one). */
  static async create(
    serde: AvroSerde,
    topic: string,
    options: StreamOptions & { withV2?: boolean },
  ): Promise<FaultStream> {
    const v1 = await serde.encoder<LeadCreated>(`${topic}-value`, LeadCreatedSchema);
    const v2 = options.withV2
      ? await serde.encoder<LeadCreated & { campaign: string | null }>(`${topic}-value`, LeadCreatedV2Schema)
      : undefined;
    const foreign = await serde.encoder<TicketCreated>(`${topic}.foreign-value`, TicketCreatedSchema);
    return new FaultStream(options, v1, v2, foreign);
  }

  /** The `i`-th record of the stream (call in order: the generator is sequential). */
  event(i: number): FaultEvent {
    const id = `${this.options.runId}-${i}`;
    const { lead: generated } = generateLead(this.rng, i);
    const lead: LeadCreated = { ...generated, eventId: id, leadId: `L-${100_000 + (i % 4_999)}` };
    const headers = { [EVENT_ID_HEADER]: id };
    const every = this.options.poisonEvery;
    if (every > 0 && i % every === every - 1) {
      const kind = this.kinds[this.poisonSent++ % this.kinds.length]!;
      const value = kind.make({
        lead,
        encode: (l) => this.v1.encode(l),
        foreign: () => this.foreign.encode(generateTicket(this.rng, i).ticket),
      });
      return {
        id,
        key: lead.leadId,
        value,
        headers,
        expect: { kind: 'poison', poison: kind.name, errorClass: kind.errorClass, errorCode: kind.errorCode },
      };
    }
    const value =
      this.v2 && this.useV2(i)
        ? this.v2.encode({ ...lead, campaign: `spring-${i % 7}` })
        : this.v1.encode(lead);
    return { id, key: lead.leadId, value, headers, expect: { kind: 'valid' } };
  }
}
