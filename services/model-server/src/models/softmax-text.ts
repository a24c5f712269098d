/**
 * Multiclass softmax regression over a bag of words and bigrams, trained with SGD. Chosen over naive
 * Bayes because its probabilities are usable as a confidence for routing to human review.
 */
import { Random } from '@junction/datagen';

export function tokenize(text: string, extra: readonly string[] = []): string[] {
  const words = text.toLowerCase().match(/[a-z0-9#€$]+/g) ?? [];
  const tokens = [...words, ...extra];
  for (let i = 0; i + 1 < words.length; i++) tokens.push(`${words[i]}_${words[i + 1]}`);
  return tokens;
}

export class SoftmaxText {
  private readonly vocab = new Map<string, number>();
  private weights: Float64Array[] = [];

  constructor(readonly classes: readonly string[]) {}

  private features(tokens: readonly string[], grow: boolean): number[] {
    const ids: number[] = [];
    for (const t of tokens) {
      let id = this.vocab.get(t);
      if (id === undefined && grow) {
        id = this.vocab.size;
        this.vocab.set(t, id);
      }
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  train(
    docs: readonly string[][],
    labels: readonly string[],
    opts: { epochs?: number; rate?: number; seed?: number } = {},
  ): void {
    const x = docs.map((d) => this.features(d, true));
    const k = this.classes.length;
    const v = this.vocab.size + 1; // last = bias
    this.weights = Array.from({ length: k }, () => new Float64Array(v));
    const y = labels.map((l) => this.classes.indexOf(l));
    const rng = new Random(opts.seed ?? 1);
    const order = x.map((_, i) => i);
    const { epochs = 6, rate = 0.3 } = opts;
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const lr = rate / (1 + e);
      for (const i of order) {
        const p = this.probs(x[i]!);
        for (let c = 0; c < k; c++) {
          const g = p[c]! - (y[i] === c ? 1 : 0);
          const w = this.weights[c]!;
          const scale = (lr * g) / Math.sqrt(x[i]!.length + 1);
          for (const f of x[i]!) w[f]! -= scale;
          w[v - 1]! -= lr * g * 0.1;
        }
      }
    }
  }

  private probs(ids: readonly number[]): Float64Array {
    const k = this.classes.length;
    const bias = this.vocab.size;
    const z = new Float64Array(k);
    const norm = 1 / Math.sqrt(ids.length + 1);
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const w = this.weights[c]!;
      let s = w[bias]! * 0.1;
      for (const f of ids) s += w[f]! * norm;
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - max);
    for (let c = 0; c < k; c++) z[c]! /= sum;
    return z;
  }

  predict(tokens: readonly string[]): { label: string; confidence: number } {
    const p = this.probs(this.features(tokens, false));
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    return { label: this.classes[best]!, confidence: p[best]! };
  }
}
