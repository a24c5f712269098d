// Mapping helpers for what most pipelines write the same way: a request made of some of the event's
// fields, the model identity fields of a result, and "send it to a person above a threshold".
import type { CallMeta, Route } from './definition';

/** `request: pick('amount', 'currency')`: the event's fields of those names, nothing else. */
export function pick<K extends string>(
  ...fields: K[]
): <T extends Record<K, unknown>>(event: T) => Pick<T, K> {
  return (event) => Object.fromEntries(fields.map((f) => [f, event[f]])) as Pick<typeof event, K>;
}

/** The fields every scored result carries: which model (or the fallback) made it, and when. */
export interface ModelFields {
  modelName: string;
  modelVersion: string;
  degraded: boolean;
  scoredAt: number;
}

/**
 * `result: (e, out, meta) => ({ orderId: e.orderId, score: out.score, ...modelFields(meta) })`. A
 * degraded result (the fallback's) is named `fallback`; a model that gave no version says `unknown`.
 */
export function modelFields(meta: CallMeta, now: () => number = Date.now): ModelFields {
  return {
    modelName: meta.model?.name ?? (meta.degraded ? 'fallback' : 'unknown'),
    modelVersion: meta.model?.version ?? 'unknown',
    degraded: meta.degraded,
    scoredAt: now(),
  };
}

type NumberField<T> = { [K in keyof T]: T[K] extends number ? K : never }[keyof T] & string;

/**
 * `...reviewAbove<OrderFlagged>('score', 0.8)`: results whose field is above the threshold go to
 * review, with a `reason` that says so; degraded results never do (a person cannot judge a guess).
 */
export function reviewAbove<Out extends { degraded?: boolean }>(
  field: NumberField<Out>,
  threshold: number,
): { route: (result: Out) => Route; review: (result: Out) => Out & { reason: string } } {
  const value = (r: Out) => r[field] as number;
  return {
    route: (r) => (!r.degraded && value(r) > threshold ? 'review' : 'output'),
    review: (r) => ({ ...r, reason: `${field} ${value(r).toFixed(3)} is above ${threshold}` }),
  };
}
