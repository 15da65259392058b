/**
 * Logistic regression by iteratively reweighted least squares with an L2 penalty on the slopes (not the
 * intercept). Small and dependency-free: the calibration has ~10 features and a few thousand rows.
 */
export interface LogisticFit {
  readonly intercept: number;
  readonly weights: number[];
  readonly iterations: number;
  readonly converged: boolean;
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-12) throw new Error('singular system in IRLS');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function fitLogistic(
  x: readonly (readonly number[])[],
  y: readonly boolean[],
  options: { lambda?: number; maxIterations?: number; tolerance?: number } = {},
): LogisticFit {
  const lambda = options.lambda ?? 1;
  const maxIt = options.maxIterations ?? 50;
  const tol = options.tolerance ?? 1e-8;
  const p = (x[0]?.length ?? 0) + 1;
  let beta = new Array<number>(p).fill(0);
  for (let it = 1; it <= maxIt; it++) {
    const h = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const g = new Array<number>(p).fill(0);
    for (let i = 0; i < x.length; i++) {
      const row = [1, ...x[i]!];
      let z = 0;
      for (let j = 0; j < p; j++) z += beta[j]! * row[j]!;
      const mu = sigmoid(z);
      const w = Math.max(mu * (1 - mu), 1e-10);
      const r = (y[i] ? 1 : 0) - mu;
      for (let j = 0; j < p; j++) {
        g[j]! += row[j]! * r;
        for (let k = j; k < p; k++) h[j]![k]! += w * row[j]! * row[k]!;
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) h[j]![k] = h[k]![j]!;
    for (let j = 1; j < p; j++) {
      h[j]![j]! += lambda;
      g[j]! -= lambda * beta[j]!;
    }
    const step = solve(h, g);
    beta = beta.map((b, j) => b + step[j]!);
    if (Math.max(...step.map(Math.abs)) < tol) {
      return { intercept: beta[0]!, weights: beta.slice(1), iterations: it, converged: true };
    }
  }
  return { intercept: beta[0]!, weights: beta.slice(1), iterations: maxIt, converged: false };
}
