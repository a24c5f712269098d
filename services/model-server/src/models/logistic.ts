/** Binary logistic regression trained by full-batch gradient descent with L2; small and dependency-free. */
export function trainLogistic(
  x: Float64Array[],
  y: Uint8Array,
  opts: { epochs?: number; rate?: number; l2?: number } = {},
): Float64Array {
  const d = x[0]!.length;
  const w = new Float64Array(d + 1); // last = bias
  const { epochs = 300, rate = 0.5, l2 = 1e-4 } = opts;
  const n = x.length;
  const grad = new Float64Array(d + 1);
  for (let e = 0; e < epochs; e++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      let z = w[d]!;
      for (let j = 0; j < d; j++) z += w[j]! * xi[j]!;
      const err = 1 / (1 + Math.exp(-z)) - y[i]!;
      for (let j = 0; j < d; j++) grad[j]! += err * xi[j]!;
      grad[d]! += err;
    }
    for (let j = 0; j <= d; j++) w[j]! -= rate * (grad[j]! / n + (j < d ? l2 * w[j]! : 0));
  }
  return w;
}

export function predictLogistic(w: Float64Array, x: Float64Array): number {
  const d = x.length;
  let z = w[d]!;
  for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
  return 1 / (1 + Math.exp(-z));
}

/** Area under the ROC curve (rank statistic). */
export function auc(scores: number[], labels: number[]): number {
  const idx = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let pos = 0;
  idx.forEach(([, l], r) => {
    if (l === 1) {
      rankSum += r + 1;
      pos++;
    }
  });
  const neg = idx.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
