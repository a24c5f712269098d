/**
 * Multiclass softmax regression over a bag of words and bigrams, trained with SGD. Chosen over naive
 * Bayes because its probabilities are usable as a confidence for routing to human review.
 */
import { Random } from '@junction/datagen';

const WORD = /[a-z0-9#€$£]+(?:'[a-z]+)?/g;

/** Lower-cased words (letters, digits, currency signs and `#`; "can't" stays one word). */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Word unigrams then bigrams (`a_b`), then any `extra` tokens. */
export function ngrams(ws: readonly string[], extra: readonly string[] = []): string[] {
  const n = ws.length;
  const tokens = new Array<string>(n + Math.max(0, n - 1) + extra.length);
  let t = 0;
  for (let i = 0; i < n; i++) tokens[t++] = ws[i]!;
  for (let i = 0; i + 1 < n; i++) tokens[t++] = `${ws[i]}_${ws[i + 1]}`;
  for (const e of extra) tokens[t++] = e;
  return tokens;
}

/** Lower-cased word unigrams and bigrams (`a_b`) of a text, then any `extra` tokens. */
export function tokenize(text: string, extra: readonly string[] = []): string[] {
  return ngrams(words(text), extra);
}

export interface Prediction {
  label: string;
  confidence: number;
}

/** Token → feature id, grown while training and fixed after; shared by the models over one text. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  private scratch = new Int32Array(256);

  get size(): number {
    return this.ids.size;
  }

  /** Ids of the tokens, adding unseen ones (training). */
  grow(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = this.ids.get(tokens[i]!);
      if (id === undefined) this.ids.set(tokens[i]!, (id = this.ids.size));
      out[i] = id;
    }
    return out;
  }

  /**
   * Ids of the known tokens into a scratch buffer reused by the next call, with room for `spare` more
   * at the end; returns the buffer and how many ids it holds.
   */
  lookup(tokens: readonly string[], spare = 0): { ids: Int32Array; n: number } {
    if (this.scratch.length < tokens.length + spare)
      this.scratch = new Int32Array((tokens.length + spare) * 2);
    return { ids: this.scratch, n: this.lookupInto(tokens, this.scratch, 0) };
  }

  /** Writes the ids of the known tokens into `out` from `start` (which must have room); returns the new end. */
  lookupInto(tokens: readonly string[], out: Int32Array, start: number): number {
    let n = start;
    for (const t of tokens) {
      const id = this.ids.get(t);
      if (id !== undefined) out[n++] = id;
    }
    return n;
  }

  id(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Every token and its id. */
  entries(): IterableIterator<[string, number]> {
    return this.ids.entries();
  }
}

/** Softmax regression over feature ids of a Vocabulary (each present token counts once per occurrence). */
export class SoftmaxText {
  /** Row-major `classes × (vocabulary + 1)`; the last column is the bias. */
  private weights = new Float64Array(0);
  private width = 1;
  private readonly z: Float64Array;

  constructor(
    readonly classes: readonly string[],
    private readonly vocab: Vocabulary,
  ) {
    this.z = new Float64Array(classes.length);
  }

  /** `docs` are feature ids from `vocab.grow`; the vocabulary must be complete before this is called. */
  train(
    docs: readonly Int32Array[],
    labels: readonly string[],
    opts: { epochs?: number; rate?: number; seed?: number } = {},
  ): void {
    const k = this.classes.length;
    this.width = this.vocab.size + 1;
    const v = this.width;
    this.weights = new Float64Array(k * v);
    const y = labels.map((l) => this.classes.indexOf(l));
    const rng = new Random(opts.seed ?? 1);
    const order = docs.map((_, i) => i);
    const { epochs = 6, rate = 0.3 } = opts;
    const p = new Float64Array(k);
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const lr = rate / (1 + e);
      for (const i of order) {
        const ids = docs[i]!;
        this.probs(ids, ids.length, p);
        const norm = 1 / Math.sqrt(ids.length + 1);
        for (let c = 0; c < k; c++) {
          const g = p[c]! - (y[i] === c ? 1 : 0);
          const base = c * v;
          const step = lr * g * norm;
          for (let f = 0; f < ids.length; f++) this.weights[base + ids[f]!]! -= step;
          this.weights[base + v - 1]! -= lr * g * 0.1;
        }
      }
    }
  }

  /** Class probabilities for the first `n` feature ids into `out`. */
  private probs(ids: Int32Array, n: number, out: Float64Array): void {
    const k = this.classes.length;
    const v = this.width;
    const norm = 1 / Math.sqrt(n + 1);
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const base = c * v;
      let s = this.weights[base + v - 1]! * 0.1;
      for (let f = 0; f < n; f++) s += this.weights[base + ids[f]!]! * norm;
      out[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[c] = Math.exp(out[c]! - max);
    for (let c = 0; c < k; c++) out[c]! /= sum;
  }

  /** The most likely class and its probability, from the first `n` feature ids. */
  predictIds(ids: Int32Array, n = ids.length): Prediction {
    this.probs(ids, n, this.z);
    let best = 0;
    for (let c = 1; c < this.z.length; c++) if (this.z[c]! > this.z[best]!) best = c;
    return { label: this.classes[best]!, confidence: this.z[best]! };
  }

  /** The most likely class of a token list; tokens not seen in training are ignored. */
  predict(tokens: readonly string[]): Prediction {
    const { ids, n } = this.vocab.lookup(tokens);
    return this.predictIds(ids, n);
  }
}
