/**
 * Tracks the records of one partition between fetch and commit, and answers the one question a
 * commit needs: up to which offset is everything finished? Records finish in any order (different
 * keys run concurrently); the committable position only ever moves over the contiguous prefix of
 * finished records, so a crash can never skip an unfinished one.
 *
 * Offsets need not be dense (compacted topics, transaction markers): the watermark follows the
 * offsets it was given, not offset + 1 arithmetic.
 */
export class OffsetWatermark<T = unknown> {
  /** Offsets in fetch order, each with its finished flag and payload. */
  private readonly entries: { offset: bigint; done: boolean; value: T | undefined }[] = [];
  private head = 0;
  /** Offset of the last record taken off the front (committed or ready to commit). */
  private released: bigint | undefined;

  /** Registers a fetched record; offsets must increase. */
  track(offset: bigint): void {
    const last = this.entries[this.entries.length - 1];
    if (last && offset <= last.offset) {
      throw new Error(`offset ${offset} tracked after ${last.offset}: offsets of a partition must increase`);
    }
    this.entries.push({ offset, done: false, value: undefined });
  }

  /** Marks a tracked record finished, with what it produced (results, markers). */
  finish(offset: bigint, value: T): void {
    const entry = this.find(offset);
    if (!entry) throw new Error(`offset ${offset} is not tracked`);
    entry.done = true;
    entry.value = value;
  }

  /** Whether `release()` would return something: the oldest tracked record is finished. */
  get releasable(): boolean {
    return this.head < this.entries.length && this.entries[this.head]!.done;
  }

  /** Records tracked and not yet released. */
  get pending(): number {
    return this.entries.length - this.head;
  }

  /**
   * Takes the finished prefix off the front: returns its payloads in offset order and the offset to
   * commit (last released + 1, Kafka's "next offset to read"), or undefined when nothing is ready.
   */
  release(): { values: T[]; commitOffset: bigint } | undefined {
    const values: T[] = [];
    while (this.head < this.entries.length && this.entries[this.head]!.done) {
      const e = this.entries[this.head]!;
      values.push(e.value as T);
      this.released = e.offset;
      this.head++;
    }
    // Compact now and then rather than on every release: shifting an array is O(n).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    if (values.length === 0 || this.released === undefined) return undefined;
    return { values, commitOffset: this.released + 1n };
  }

  private find(offset: bigint): { offset: bigint; done: boolean; value: T | undefined } | undefined {
    // binary search over the live part: entries are sorted by offset
    let lo = this.head;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid]!;
      if (e.offset === offset) return e;
      if (e.offset < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
