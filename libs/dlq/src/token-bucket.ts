/** A token bucket: `take(n)` resolves when n tokens are available, refilled at `ratePerSec`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSec: number,
    readonly capacity: number = Math.max(1, ratePerSec),
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(ratePerSec > 0)) throw new RangeError('ratePerSec must be greater than 0');
    this.tokens = this.capacity;
    this.last = this.now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
  }

  /** Waits until `n` tokens (at most the capacity) are there, then takes them. */
  async take(n: number): Promise<void> {
    const want = Math.min(n, this.capacity);
    for (;;) {
      this.refill();
      if (this.tokens >= want) {
        this.tokens -= want;
        return;
      }
      await this.sleep(Math.max(1, ((want - this.tokens) / this.ratePerSec) * 1000));
    }
  }
}
