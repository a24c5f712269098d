/**
 * Malformed records of the kinds real producers send by mistake, each with the reason the pipeline must
 * dead-letter it for (`kafka_dlt-exception-fqcn` / `junction-error-code`).
 */
import type { LeadCreated } from '@junction/schema-types';
import { toWireFormat } from '@junction/schemas';

export interface PoisonContext {
  /** A valid, fresh lead to spoil. */
  lead: LeadCreated;
  /** The lead in the Confluent wire format under the source subject. */
  encode(lead: LeadCreated): Buffer;
  /** A valid record of an unrelated schema (a support ticket), registered under its own subject. */
  foreign(): Buffer;
}

export interface PoisonKind {
  name: string;
  errorClass: string;
  errorCode: string;
  make(ctx: PoisonContext): Buffer | null;
}

const DAY = 86_400_000;
/** An id no registry here hands out (ids are small sequence numbers). */
const UNKNOWN_SCHEMA_ID = 0x7ffffff0;

const withLead = (ctx: PoisonContext, change: (lead: LeadCreated) => LeadCreated): Buffer =>
  ctx.encode(change(ctx.lead));

export const POISON_KINDS: readonly PoisonKind[] = [
  { name: 'tombstone', errorClass: 'NullValueError', errorCode: 'null-value', make: () => null },
  {
    name: 'empty-value',
    errorClass: 'WireFormatError',
    errorCode: 'wire-format',
    make: () => Buffer.alloc(0),
  },
  {
    name: 'json-instead-of-avro',
    errorClass: 'WireFormatError',
    errorCode: 'wire-format',
    make: (ctx) => Buffer.from(JSON.stringify(ctx.lead)),
  },
  {
    name: 'wrong-magic-byte',
    errorClass: 'WireFormatError',
    errorCode: 'wire-format',
    make: (ctx) => {
      const b = Buffer.from(ctx.encode(ctx.lead));
      b[0] = 1;
      return b;
    },
  },
  {
    name: 'header-cut-short',
    errorClass: 'WireFormatError',
    errorCode: 'wire-format',
    make: () => Buffer.from([0, 0, 0]),
  },
  {
    name: 'unknown-schema-id',
    errorClass: 'UnknownSchemaError',
    errorCode: 'unknown-schema',
    make: (ctx) => toWireFormat(UNKNOWN_SCHEMA_ID, ctx.encode(ctx.lead).subarray(5)),
  },
  {
    name: 'truncated-body',
    errorClass: 'AvroDecodeError',
    errorCode: 'avro-decode',
    make: (ctx) => {
      const b = ctx.encode(ctx.lead);
      return b.subarray(0, 5 + Math.floor((b.length - 5) / 2));
    },
  },
  {
    name: 'trailing-bytes',
    errorClass: 'AvroDecodeError',
    errorCode: 'avro-decode',
    make: (ctx) => Buffer.concat([ctx.encode(ctx.lead), Buffer.from([0x02, 0x41, 0x42])]),
  },
  {
    name: 'garbage-body',
    errorClass: 'AvroDecodeError',
    errorCode: 'avro-decode',
    // a valid header, then bytes whose varints never end
    make: (ctx) => Buffer.concat([ctx.encode(ctx.lead).subarray(0, 5), Buffer.alloc(32, 0xff)]),
  },
  {
    name: 'foreign-schema',
    errorClass: 'SchemaResolutionError',
    errorCode: 'schema-resolution',
    make: (ctx) => ctx.foreign(),
  },
  {
    name: 'blank-email',
    errorClass: 'QualityError',
    errorCode: 'quality.required',
    make: (ctx) => withLead(ctx, (l) => ({ ...l, contact: { ...l.contact, email: ' ' } })),
  },
  {
    name: 'malformed-email',
    errorClass: 'QualityError',
    errorCode: 'quality.pattern',
    make: (ctx) => withLead(ctx, (l) => ({ ...l, contact: { ...l.contact, email: 'not-an-email' } })),
  },
  {
    name: 'negative-employees',
    errorClass: 'QualityError',
    errorCode: 'quality.range',
    make: (ctx) => withLead(ctx, (l) => ({ ...l, company: { ...l.company, employees: -1 } })),
  },
  {
    name: 'stale-event',
    errorClass: 'QualityError',
    errorCode: 'quality.freshness',
    make: (ctx) => withLead(ctx, (l) => ({ ...l, createdAt: Date.now() - 60 * DAY })),
  },
  {
    name: 'blank-event-id',
    errorClass: 'MappingError',
    errorCode: 'mapping',
    make: (ctx) => withLead(ctx, (l) => ({ ...l, eventId: '' })),
  },
];
