/**
 * Binary logistic regression trained by full-batch gradient descent with momentum and L2; small,
 * dependency-free, and deterministic (no random initialisation or shuffling).
 */
export interface LogisticOptions {
  epochs?: number;
  rate?: number;
  momentum?: number;
  l2?: number;
}

/**
 * `x` is row-major, `rows × d`; `y` holds 0/1 labels. Returns `d + 1` weights, the last the bias.
 */
export function trainLogistic(
  x: Float64Array,
  y: Uint8Array,
  d: number,
  opts: LogisticOptions = {},
): Float64Array {
  const { epochs = 200, rate = 0.5, momentum = 0.9, l2 = 1e-4 } = opts;
  const n = y.length;
  if (x.length !== n * d) throw new Error(`trainLogistic: x has ${x.length} values, expected ${n} × ${d}`);
  const w = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const grad = new Float64Array(d + 1);
  for (let e = 0; e < epochs; e++) {
    grad.fill(0);
    for (let i = 0, off = 0; i < n; i++, off += d) {
      let z = w[d]!;
      for (let j = 0; j < d; j++) z += w[j]! * x[off + j]!;
      const err = 1 / (1 + Math.exp(-z)) - y[i]!;
      for (let j = 0; j < d; j++) grad[j] = grad[j]! + err * x[off + j]!;
      grad[d] = grad[d]! + err;
    }
    for (let j = 0; j <= d; j++) {
      const g = grad[j]! / n + (j < d ? l2 * w[j]! : 0);
      v[j] = momentum * v[j]! - rate * g;
      w[j] = w[j]! + v[j]!;
    }
  }
  return w;
}

/** P(y = 1) for the row of `x` starting at `offset` (`w.length - 1` values). */
export function predictLogistic(w: Float64Array, x: Float64Array, offset = 0): number {
  const d = w.length - 1;
  let z = w[d]!;
  for (let j = 0; j < d; j++) z += w[j]! * x[offset + j]!;
  return 1 / (1 + Math.exp(-z));
}

/** Area under the ROC curve (the rank statistic, ties counted half). */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let pos = 0;
  for (let r = 0; r < idx.length;) {
    // a run of tied scores shares the average rank
    let end = r;
    while (end + 1 < idx.length && scores[idx[end + 1]!] === scores[idx[r]!]) end++;
    const avg = (r + end) / 2 + 1;
    for (let k = r; k <= end; k++) {
      if (labels[idx[k]!] === 1) {
        rankSum += avg;
        pos++;
      }
    }
    r = end + 1;
  }
  const neg = idx.length - pos;
  return pos === 0 || neg === 0 ? NaN : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
