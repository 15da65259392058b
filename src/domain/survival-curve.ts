/**
 * Kaplan–Meier survival of "still unpaid" over days relative to the due date. Settled invoices are events at
 * their delay (settled date − due date); invoices still open at asOf are censored at their current days past
 * due, so long-overdue debt that never got paid keeps the curve up instead of vanishing from the history (a
 * history of paid invoices alone says every invoice gets paid).
 */
export interface SurvivalCurve {
  /** Distinct event times, ascending. */
  readonly times: Float64Array;
  /** S(t) just after each event time. */
  readonly survival: Float64Array;
  readonly events: number;
}

export const EMPTY_SURVIVAL: SurvivalCurve = {
  times: new Float64Array(0),
  survival: new Float64Array(0),
  events: 0,
};

export function kaplanMeier(eventTimes: readonly number[], censoredTimes: readonly number[]): SurvivalCurve {
  if (eventTimes.length === 0) return EMPTY_SURVIVAL;
  const ev = sortedCopy(eventTimes);
  const ce = sortedCopy(censoredTimes);
  let distinct = 1;
  for (let i = 1; i < ev.length; i++) if (ev[i] !== ev[i - 1]) distinct++;
  const times = new Float64Array(distinct);
  const survival = new Float64Array(distinct);
  let atRisk = ev.length + ce.length;
  let s = 1;
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < ev.length) {
    const t = ev[i]!;
    // Censored before t leave the risk set; censored at t are still at risk at t (the usual convention).
    while (j < ce.length && ce[j]! < t) {
      atRisk--;
      j++;
    }
    let d = 0;
    while (i < ev.length && ev[i] === t) {
      d++;
      i++;
    }
    s *= 1 - d / atRisk;
    atRisk -= d;
    times[k] = t;
    survival[k] = s;
    k++;
  }
  return { times, survival, events: ev.length };
}

/**
 * Ascending copy. A customer's history is a handful of invoices (20k curves a run): an insertion sort into a
 * plain array beats allocating and sorting a typed array; the organisation's 100k take the typed-array sort.
 */
function sortedCopy(xs: readonly number[]): ArrayLike<number> {
  if (xs.length > 32) return Float64Array.from(xs).sort();
  const out: number[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && out[j]! > x) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = x;
  }
  return out;
}

/** S(x) = P(still unpaid after x days past due). */
export function survivalAt(curve: SurvivalCurve, x: number): number {
  const t = curve.times;
  if (t.length === 0 || x < t[0]!) return 1;
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return curve.survival[lo]!;
}

/**
 * P(still unpaid at dpd + horizon | unpaid at dpd) from the customer's curve mixed with the organisation's
 * (weight on the customer's own). When no invoice in the history stayed unpaid this long, there is no evidence
 * of payment at this age: 1.
 */
export function conditionalStillUnpaid(
  own: SurvivalCurve,
  org: SurvivalCurve,
  ownWeight: number,
  dpd: number,
  horizon: number,
): number {
  const now = ownWeight * survivalAt(own, dpd) + (1 - ownWeight) * survivalAt(org, dpd);
  if (now <= 1e-9) return 1;
  const later = ownWeight * survivalAt(own, dpd + horizon) + (1 - ownWeight) * survivalAt(org, dpd + horizon);
  return later / now;
}
