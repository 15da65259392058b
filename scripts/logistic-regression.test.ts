import { describe, expect, it } from 'vitest';
import { fitLogistic } from './logistic-regression.js';

describe('fitLogistic', () => {
  it('recovers the log-odds of a single binary feature (unpenalised)', () => {
    // x=0: 1 of 4 positive (log-odds ln(1/3)); x=1: 3 of 4 positive (ln 3).
    const x = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [true, false, false, false, true, true, true, false];
    const fit = fitLogistic(x, y, { lambda: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(Math.log(1 / 3), 6);
    expect(fit.weights[0]).toBeCloseTo(Math.log(3) - Math.log(1 / 3), 6);
  });

  it('shrinks slopes toward zero as the L2 penalty grows, never the intercept', () => {
    const x = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [true, false, false, false, true, true, true, false];
    const loose = fitLogistic(x, y, { lambda: 0.1 });
    const tight = fitLogistic(x, y, { lambda: 100 });
    expect(Math.abs(tight.weights[0]!)).toBeLessThan(Math.abs(loose.weights[0]!));
    expect(tight.weights[0]!).toBeGreaterThan(0);
    // With the slope almost gone the intercept tends to the overall log-odds (4 of 8 → 0).
    expect(tight.intercept).toBeCloseTo(0, 1);
  });
});
