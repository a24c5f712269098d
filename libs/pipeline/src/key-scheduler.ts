/**
 * Runs tasks so that tasks with the same key run strictly one after another, in submission order,
 * while tasks with different keys run concurrently up to `concurrency`. A key whose task is waiting
 * for a slot does not block other keys; keys get slots in the order they became ready.
 *
 * The scheduler never rejects work: how much is submitted is bounded by the caller (the pipeline
 * pauses partitions when its in-flight bound is reached).
 */
export type Task = () => Promise<void>;

interface Lane {
  queue: Task[];
  running: boolean;
}

export class KeyScheduler {
  private readonly lanes = new Map<string, Lane>();
  /** Keys with a queued task and no running one, in the order they became ready. */
  private readonly ready: string[] = [];
  private readyHead = 0;
  private running = 0;
  private queued = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    /** Called with a task's error; tasks are expected to handle their own failures. */
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error('concurrency must be a positive integer');
  }

  /** Tasks submitted and not yet finished (running or queued). */
  get size(): number {
    return this.running + this.queued;
  }

  get active(): number {
    return this.running;
  }

  submit(key: string, task: Task): void {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { queue: [], running: false };
      this.lanes.set(key, lane);
    }
    lane.queue.push(task);
    this.queued++;
    if (!lane.running && lane.queue.length === 1) this.ready.push(key);
    this.drain();
  }

  /** Resolves when nothing is running or queued. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private drain(): void {
    while (this.running < this.concurrency && this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead++]!;
      const lane = this.lanes.get(key);
      const task = lane?.queue.shift();
      if (!lane || !task) continue;
      this.queued--;
      lane.running = true;
      this.running++;
      void this.run(key, lane, task);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
  }

  private async run(key: string, lane: Lane, task: Task): Promise<void> {
    try {
      await task();
    } catch (err) {
      this.onError(err);
    } finally {
      this.running--;
      lane.running = false;
      if (lane.queue.length > 0) this.ready.push(key);
      else this.lanes.delete(key);
      this.drain();
      if (this.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}
