/**
 * The route stage: where a result goes. `output` and `review` emit one record to that output
 * (`review` falls back to `output` when the pipeline has no review topic); `drop` emits nothing and
 * still completes the record.
 */
import type { Route } from '../definition';

export type Routed<Out, Rev> =
  | { outcome: 'output'; to: 'output'; value: Out }
  | { outcome: 'review'; to: 'review'; value: Rev }
  | { outcome: 'drop' };

export interface RouteOptions<In, Out, Rev> {
  route?: (result: Out, event: In) => Route;
  /** Maps a result to the review record; default: the result itself. */
  review?: (result: Out, event: In) => Rev;
  /** Whether the pipeline declares a review output. */
  hasReview: boolean;
}

/** Throws what the pipeline's own `route` / `review` functions throw (the caller makes it a MappingError). */
export function routeResult<In, Out, Rev>(
  result: Out,
  event: In,
  o: RouteOptions<In, Out, Rev>,
): Routed<Out, Rev> {
  const route: Route = o.route ? o.route(result, event) : 'output';
  if (route === 'drop') return { outcome: 'drop' };
  if (route === 'review' && o.hasReview)
    return {
      outcome: 'review',
      to: 'review',
      value: o.review ? o.review(result, event) : (result as unknown as Rev),
    };
  return { outcome: 'output', to: 'output', value: result };
}
