/**
 * The trace of one record through a pipeline: a `<topic> process` span (CONSUMER, messaging
 * conventions) whose children are `decode`, `call <endpoint>` and `<topic> publish`. The W3C
 * `traceparent` of the record's current span is what calls and results carry on.
 *
 * With tracing off (no provider registered) no span objects are made at all: the incoming
 * `traceparent` is passed on unchanged and log lines take their ids from it, so the hot path pays
 * for one header read instead of four span and context constructions per record.
 */
import type { IHeaders } from '@junction/kafka';
import {
  context,
  contextFromHeaders,
  failSpan,
  headersFromContext,
  SpanKind,
  trace,
  tracingEnabled,
  type Span,
  type Tracer,
} from '@junction/observability';
import { H, headerText } from './headers';

type Attributes = Record<string, string | number | boolean>;

export interface ChildSpan {
  /** traceparent for what this step sends on (an HTTP call, a produced record). */
  readonly traceparent: string | undefined;
  fail(err: unknown): void;
  end(): void;
}

export interface RecordTrace {
  readonly traceparent: string | undefined;
  /** `trace_id` and `span_id` for log lines about the record. */
  logIds(): { trace_id?: string; span_id?: string };
  child(name: string, kind?: SpanKind, attributes?: Attributes): ChildSpan;
  /** Ends the record's span with its outcome; `failed` marks it an error. */
  end(outcome: string, failed: boolean): void;
}

/** Starts record traces; decides once per batch whether tracing is on. */
export class RecordTracer {
  constructor(private readonly tracer: Tracer) {}

  /** Whether spans are recorded now (a provider may be registered after the pipeline started). */
  enabled(): boolean {
    return tracingEnabled();
  }

  start(enabled: boolean, headers: IHeaders | undefined, name: string, attributes: Attributes): RecordTrace {
    const incoming = headerText(headers, H.traceparent);
    if (!enabled) return new PassThroughTrace(incoming);
    const parent = contextFromHeaders(headers);
    const span = this.tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent);
    return new SpanTrace(this.tracer, span, incoming);
  }
}

const NO_CHILD: ChildSpan = { traceparent: undefined, fail: () => {}, end: () => {} };

class PassThroughTrace implements RecordTrace {
  private readonly child_: ChildSpan;

  constructor(readonly traceparent: string | undefined) {
    this.child_ = traceparent === undefined ? NO_CHILD : { ...NO_CHILD, traceparent };
  }

  logIds(): { trace_id?: string; span_id?: string } {
    // 00-<trace id, 32 hex>-<parent span id, 16 hex>-<flags>
    const tp = this.traceparent;
    if (tp === undefined || tp.length < 55) return {};
    return { trace_id: tp.slice(3, 35), span_id: tp.slice(36, 52) };
  }

  child(): ChildSpan {
    return this.child_;
  }

  end(): void {}
}

class SpanTrace implements RecordTrace {
  readonly traceparent: string | undefined;

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    incoming: string | undefined,
  ) {
    this.traceparent = headersFromContext(trace.setSpan(context.active(), span)).traceparent ?? incoming;
  }

  logIds(): { trace_id?: string; span_id?: string } {
    const ctx = this.span.spanContext();
    return { trace_id: ctx.traceId, span_id: ctx.spanId };
  }

  child(name: string, kind: SpanKind = SpanKind.INTERNAL, attributes: Attributes = {}): ChildSpan {
    const span = this.tracer.startSpan(name, { kind, attributes }, trace.setSpan(context.active(), this.span));
    const traceparent = headersFromContext(trace.setSpan(context.active(), span)).traceparent ?? this.traceparent;
    return {
      traceparent,
      fail: (err) => failSpan(span, err),
      end: () => span.end(),
    };
  }

  end(outcome: string, failed: boolean): void {
    this.span.setAttribute('junction.outcome', outcome);
    if (failed) this.span.setStatus({ code: 2, message: outcome });
    this.span.end();
  }
}
