// Micro-batching, independent of HTTP: items wait until `max` of them are queued or the first has waited
// `lingerMs`, then one `flush` call handles them together and each caller gets its own result back.

export interface BatchOptions {
  /** Most items in one batch. Default 32. */
  max?: number;
  /** How long the first item of a batch waits for company. Default 5. */
  lingerMs?: number;
  /**
   * Most batches being flushed at once (default 4). Further full batches wait their turn, so the work
   * queued here stays bounded by what callers have outstanding.
   */
  maxInFlight?: number;
}

export interface MicroBatcherOptions<Item, Result> extends BatchOptions {
  /** Handles one batch: resolves with exactly one result per item, in the same order, or rejects for all. */
  flush: (items: Item[]) => Promise<Result[]>;
  /** Items whose keys differ never share a batch (e.g. rows of different shapes). Default: one key. */
  keyOf?: (item: Item) => string;
}

type EntryState = 'queued' | 'sent' | 'settled';

interface Entry<Item, Result> {
  item: Item;
  state: EntryState;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
  detach?: () => void;
}

interface Bucket<Item, Result> {
  key: string;
  entries: Entry<Item, Result>[];
  timer: NodeJS.Timeout;
}

export const DEFAULT_BATCH = { max: 32, lingerMs: 5, maxInFlight: 4 } as const;

export class BatcherClosedError extends Error {
  override readonly name = 'BatcherClosedError';
  constructor() {
    super('the batcher is closed');
  }
}

export class MicroBatcher<Item, Result> {
  readonly max: number;
  readonly lingerMs: number;
  readonly maxInFlight: number;
  private readonly flushFn: (items: Item[]) => Promise<Result[]>;
  private readonly keyOf: (item: Item) => string;
  private readonly open = new Map<string, Bucket<Item, Result>>();
  private readonly ready: Entry<Item, Result>[][] = [];
  private running = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: MicroBatcherOptions<Item, Result>) {
    this.max = options.max ?? DEFAULT_BATCH.max;
    this.lingerMs = options.lingerMs ?? DEFAULT_BATCH.lingerMs;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_BATCH.maxInFlight;
    if (!Number.isInteger(this.max) || this.max < 1)
      throw new RangeError(`batch max must be an integer >= 1, got ${this.max}`);
    if (!Number.isFinite(this.lingerMs) || this.lingerMs < 0)
      throw new RangeError(`batch lingerMs must be >= 0, got ${this.lingerMs}`);
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) {
      throw new RangeError(`batch maxInFlight must be an integer >= 1, got ${this.maxInFlight}`);
    }
    this.flushFn = options.flush;
    this.keyOf = options.keyOf ?? (() => '');
  }

  /** Items waiting to be flushed (not yet handed to `flush`). */
  get queued(): number {
    let n = 0;
    for (const bucket of this.open.values()) n += bucket.entries.length;
    for (const batch of this.ready) n += batch.filter((e) => e.state === 'queued').length;
    return n;
  }

  /** Batches currently being flushed. */
  get inFlight(): number {
    return this.running;
  }

  /**
   * Queues one item; resolves with its result or rejects with its batch's error. When `signal` aborts,
   * this promise rejects with the signal's reason at once; an item not yet flushed leaves its batch.
   */
  add(item: Item, signal?: AbortSignal): Promise<Result> {
    if (this.closed) return Promise.reject(new BatcherClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    let key: string;
    try {
      key = this.keyOf(item);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<Result>((resolve, reject) => {
      const entry: Entry<Item, Result> = { item, state: 'queued', resolve, reject };
      let bucket = this.open.get(key);
      if (!bucket) {
        const fresh: Bucket<Item, Result> = {
          key,
          entries: [],
          timer: setTimeout(() => this.seal(fresh), this.lingerMs),
        };
        bucket = fresh;
        this.open.set(key, fresh);
      }
      bucket.entries.push(entry);
      if (signal) {
        const onAbort = (): void => this.abandon(entry, key, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.detach = () => signal.removeEventListener('abort', onAbort);
      }
      if (bucket.entries.length >= this.max) this.seal(bucket);
    });
  }

  /** Flushes everything queued now, without waiting for `lingerMs`. */
  flushNow(): void {
    for (const bucket of [...this.open.values()]) this.seal(bucket);
  }

  /** Refuses new items, flushes what is queued and resolves once every batch has been handled. */
  close(): Promise<void> {
    this.closed = true;
    this.flushNow();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.running === 0 && this.ready.length === 0 && this.open.size === 0;
  }

  private abandon(entry: Entry<Item, Result>, key: string, reason: unknown): void {
    if (entry.state === 'queued') {
      const bucket = this.open.get(key);
      if (bucket) {
        const i = bucket.entries.indexOf(entry);
        if (i >= 0) bucket.entries.splice(i, 1);
        if (bucket.entries.length === 0) {
          clearTimeout(bucket.timer);
          this.open.delete(key);
          this.notifyIfIdle();
        }
      }
      // an entry already in a sealed batch is skipped when that batch is sent
    }
    this.settle(entry, { error: reason });
  }

  private seal(bucket: Bucket<Item, Result>): void {
    clearTimeout(bucket.timer);
    if (this.open.get(bucket.key) !== bucket) return; // sealed already
    this.open.delete(bucket.key);
    if (bucket.entries.length > 0) this.ready.push(bucket.entries);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.maxInFlight && this.ready.length > 0) {
      const batch = (this.ready.shift() ?? []).filter((e) => e.state === 'queued');
      if (batch.length === 0) continue;
      for (const e of batch) e.state = 'sent';
      this.running++;
      void this.run(batch);
    }
    this.notifyIfIdle();
  }

  private async run(batch: Entry<Item, Result>[]): Promise<void> {
    try {
      const results = await this.flushFn(batch.map((e) => e.item));
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new Error(
          `batch flush returned ${Array.isArray(results) ? results.length : typeof results} results for ${batch.length} items`,
        );
      }
      batch.forEach((e, i) => this.settle(e, { value: results[i] as Result }));
    } catch (err) {
      for (const e of batch) this.settle(e, { error: err });
    } finally {
      this.running--;
      this.pump();
    }
  }

  private settle(entry: Entry<Item, Result>, outcome: { value: Result } | { error: unknown }): void {
    if (entry.state === 'settled') return;
    entry.state = 'settled';
    entry.detach?.();
    if ('value' in outcome) entry.resolve(outcome.value);
    else entry.reject(outcome.error);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
