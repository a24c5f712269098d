/**
 * The first stages of the flow, as values in and values out: decode (Confluent wire format → the
 * pipeline's reader type), validate (data-quality rules) and the keys (ordering key, idempotency key).
 * A record that fails any of them comes back as a failure carrying its kind; nothing is thrown.
 */
import { classify, MappingError, NullValueError, QualityError, type Failure } from '../errors';
import { checkQuality, type QualityRule } from '../quality';

export interface Decoder<T> {
  decode(buf: Buffer): Promise<T>;
}

export interface Accepted<In> {
  ok: true;
  event: In;
  /** Records with the same key run strictly in order. */
  key: string;
  idempotencyKey: string;
}

export interface Rejected<In> {
  ok: false;
  stage: 'decode' | 'validate' | 'keys';
  failure: Failure;
  /** What was thrown, for the trace. */
  error: unknown;
  /** The decoded event when decoding succeeded (for a redacted log line). */
  event?: In;
  /** The rule that failed, when a data-quality rule rejected the record. */
  quality?: { rule: string; field: string };
}

export interface AcceptOptions<In> {
  decoder: Decoder<In>;
  quality: readonly QualityRule<In>[];
  key(event: In): string;
  idempotencyKey(event: In): string;
  now?: number;
}

export async function decodeRecord<In>(
  value: Buffer | null,
  o: AcceptOptions<In>,
): Promise<Accepted<In> | Rejected<In>> {
  let event: In;
  try {
    if (value === null) throw new NullValueError();
    event = await o.decoder.decode(value);
  } catch (err) {
    return { ok: false, stage: 'decode', failure: classify(err), error: err };
  }
  try {
    checkQuality(o.quality, event, o.now);
  } catch (err) {
    const rejected: Rejected<In> = {
      ok: false,
      stage: 'validate',
      failure: classify(err),
      error: err,
      event,
    };
    if (err instanceof QualityError) rejected.quality = { rule: err.rule, field: err.field };
    return rejected;
  }
  try {
    const key = o.key(event);
    const idempotencyKey = o.idempotencyKey(event);
    if (typeof key !== 'string' || typeof idempotencyKey !== 'string' || idempotencyKey === '')
      throw new Error('expected non-empty strings');
    return { ok: true, event, key, idempotencyKey };
  } catch (err) {
    const error = new MappingError('key/idempotencyKey', err);
    return { ok: false, stage: 'keys', failure: classify(error), error, event };
  }
}
