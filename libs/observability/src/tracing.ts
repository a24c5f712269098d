/**
 * OpenTelemetry tracing for Junction processes. Off unless an exporter is configured
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or an exporter passed in
 * tests): then no provider is registered and every span is a no-op, so the hot path pays almost
 * nothing. W3C trace context still flows: an incoming `traceparent` is passed on unchanged.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export { SpanKind, SpanStatusCode, trace, context, type Span, type Context, type Tracer };

const propagator = new W3CTraceContextPropagator();
propagation.setGlobalPropagator(propagator);

export interface Tracing {
  enabled: boolean;
  shutdown(): Promise<void>;
}

let active: NodeTracerProvider | undefined;

/**
 * Registers a tracer provider for this process when tracing is configured. `exporter` (tests) is
 * flushed synchronously; the OTLP exporter is batched.
 */
export function initTracing(options: {
  serviceName: string;
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}): Tracing {
  const env = options.env ?? process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (
    !options.exporter &&
    (!endpoint || env.OTEL_TRACES_EXPORTER === 'none' || env.OTEL_SDK_DISABLED === 'true')
  ) {
    return { enabled: false, shutdown: async () => {} };
  }
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(
        new OTLPTraceExporter(
          env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
            ? { url: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT }
            : { url: `${endpoint!.replace(/\/+$/, '')}/v1/traces` },
        ),
      );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? options.serviceName }),
    spanProcessors: [processor],
  });
  provider.register({ propagator });
  active = provider;
  return {
    enabled: true,
    shutdown: async () => {
      await provider.shutdown();
      if (active === provider) active = undefined;
    },
  };
}

/**
 * Whether spans are recorded in this process: a tracer provider is registered (by `initTracing` or
 * by whoever set up OpenTelemetry). When not, callers may skip making spans altogether.
 */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider() as { getDelegate?: () => object };
  const delegate = provider.getDelegate?.() ?? provider;
  return delegate.constructor.name !== 'NoopTracerProvider';
}

export function tracer(name = 'junction'): Tracer {
  return trace.getTracer(name);
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** The trace context carried by Kafka or HTTP headers (Buffers are read as UTF-8). */
export function contextFromHeaders(headers: Record<string, HeaderValue> | undefined): Context {
  return propagation.extract(context.active(), headers ?? {}, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => {
      const v = carrier[key];
      const one = Array.isArray(v) ? v[v.length - 1] : v;
      return one === undefined ? undefined : Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
    },
  });
}

/** `traceparent` (and `tracestate`) for a context, to write on a record or an HTTP request. */
export function headersFromContext(ctx: Context): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** Marks a span failed with the error's message. */
export function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : new Error(String(err)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
