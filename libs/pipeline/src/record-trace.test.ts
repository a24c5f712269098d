import { describe, expect, it } from 'vitest';
import { SpanKind, tracer } from '@junction/observability';
import { RecordTracer } from './record-trace';

const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('RecordTracer with tracing off', () => {
  const tracing = new RecordTracer(tracer('test'));

  it('passes the incoming traceparent on to calls and results, and logs its ids', () => {
    expect(tracing.enabled()).toBe(false);
    const t = tracing.start(false, { traceparent: Buffer.from(incoming) }, 'topic process', {});
    expect(t.traceparent).toBe(incoming);
    expect(t.child('call m', SpanKind.CLIENT).traceparent).toBe(incoming);
    expect(t.logIds()).toEqual({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
  });

  it('carries nothing when the record came without a trace', () => {
    const t = tracing.start(false, {}, 'topic process', {});
    expect(t.traceparent).toBeUndefined();
    expect(t.child('decode').traceparent).toBeUndefined();
    expect(t.logIds()).toEqual({});
  });
});
