import { LRUCache } from 'lru-cache';
import type { Faults } from './faults';
import { LatencyStats } from './latency-stats';
import { trainLeadConversion } from './models/lead-conversion';
import type { Model } from './models/model';
import { trainTicketClassifier } from './models/ticket-classifier';

export const MODEL_HOST = Symbol('MODEL_HOST');

/** How many Idempotency-Keys (and per-row keys) are remembered. */
export const IDEMPOTENCY_ENTRIES = 100_000;

let trained: readonly Model[] | undefined;

/**
 * Trains both models once per process (about a second); every server started in the process shares
 * them, since a trained model holds no per-server state.
 */
export function trainedModels(): readonly Model[] {
  trained ??= [trainLeadConversion(), trainTicketClassifier()];
  return trained;
}

/** The models, their fault knobs, latency figures and the idempotency store. */
export class ModelHost {
  readonly models = new Map<string, Model>();
  readonly stats = new LatencyStats();
  /** `<model>\n<Idempotency-Key>` → the response body first sent for it (bounded, least recently used out). */
  readonly responses = new LRUCache<string, string>({ max: IDEMPOTENCY_ENTRIES });
  /**
   * Times the model ran for a key: the Idempotency-Key header, and each row's key when the request
   * lists them in `parameters.idempotency_keys` (as Junction's client does). For tests and the demo.
   */
  readonly inferencesByKey = new LRUCache<string, number>({ max: IDEMPOTENCY_ENTRIES });
  /** Responses answered from the idempotency store. */
  replays = 0;

  constructor(
    readonly faults: Faults,
    models: readonly Model[] = trainedModels(),
  ) {
    for (const m of models) this.models.set(m.name, m);
  }

  countInference(keys: readonly string[]): void {
    for (const k of keys) this.inferencesByKey.set(k, (this.inferencesByKey.get(k) ?? 0) + 1);
  }
}
