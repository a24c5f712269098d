// A pipeline whose call never leaves the process, for tests about hosting (not about the engine).
import type { Caller, CircuitState } from '@junction/calls';
import { definePipeline, type Pipeline } from '@junction/pipeline';

export interface HostEvent {
  id: string;
}

export const HostEventSchema = {
  type: 'record',
  name: 'HostEvent',
  namespace: 'junction.test',
  fields: [{ name: 'id', type: 'string' }],
} as const;

/** A Caller that answers at once; its circuit state is only reported, and is whatever the test sets. */
export class FakeCaller implements Caller<HostEvent, { ok: boolean }> {
  readonly endpoint = 'fake-model';
  closed = false;
  private state: CircuitState = 'closed';
  private readonly listeners = new Set<(state: CircuitState) => void>();

  async call(): Promise<{ output: { ok: boolean } }> {
    return { output: { ok: true } };
  }

  circuitState(): CircuitState {
    return this.state;
  }

  setCircuit(state: CircuitState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }

  onCircuitChange(listener: (state: CircuitState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export function fakePipeline(opts: {
  name: string;
  topic: string;
  caller?: FakeCaller;
  call?: () => Caller<HostEvent, { ok: boolean }>;
}): Pipeline<HostEvent, HostEvent, { ok: boolean }, HostEvent> {
  const caller = opts.caller ?? new FakeCaller();
  return definePipeline<HostEvent, HostEvent, { ok: boolean }, HostEvent>({
    name: opts.name,
    source: { topic: opts.topic, schema: HostEventSchema },
    key: (e) => e.id,
    idempotencyKey: (e) => e.id,
    call: opts.call ?? (() => caller),
    request: (e) => e,
    result: (e) => ({ id: e.id }),
    outputs: { output: { topic: `${opts.topic}.out`, schema: HostEventSchema } },
  });
}
