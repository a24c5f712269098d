/**
 * Logs, traces and metrics for Junction processes.
 *
 * ```ts
 * import { createLogger } from '@junction/observability';
 * const log = createLogger('lead-scoring');
 * log.info({ topic, partition }, 'assigned');
 * ```
 */
export { createLogger, type Logger } from './logger';
export { createPipelineMetrics, type PipelineMetrics } from './pipeline-metrics';
export { Registry } from 'prom-client';
export {
  initTracing,
  tracer,
  tracingEnabled,
  contextFromHeaders,
  headersFromContext,
  failSpan,
  SpanKind,
  SpanStatusCode,
  trace,
  context,
  type Tracing,
  type Span,
  type Context,
  type Tracer,
} from './tracing';
