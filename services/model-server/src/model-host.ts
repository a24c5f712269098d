import { LRUCache } from 'lru-cache';
import type { Faults } from './faults';
import { LatencyStats } from './latency-stats';
import type { Model } from './models/model';
import { trainLeadConversion } from './models/lead-conversion';
import { trainTicketClassifier } from './models/ticket-classifier';

export const MODEL_HOST = Symbol('MODEL_HOST');

/** The models, their fault knobs, latency figures and the idempotency store. */
export class ModelHost {
  readonly models = new Map<string, Model>();
  readonly stats = new LatencyStats();
  /** Idempotency-Key → the response body first sent for it (bounded). */
  readonly responses = new LRUCache<string, string>({ max: 100_000 });

  constructor(readonly faults: Faults) {
    for (const m of [trainLeadConversion(), trainTicketClassifier()]) this.models.set(m.name, m);
  }
}
