/**
 * The median of `values`, found by selection in linear time instead of by sorting: the organisation's typical
 * invoice is the median of 200k totals on every scoring run. `values` must be the caller's own scratch array:
 * it is reordered.
 */
export function medianInPlace(values: number[]): number | null {
  const n = values.length;
  if (n === 0) return null;
  const mid = n >> 1;
  selectInPlace(values, mid);
  const upper = values[mid]!;
  if (n % 2 === 1) return upper;
  // Everything before `mid` is ≤ values[mid]; the lower middle value is the largest of them.
  let lower = values[0]!;
  for (let i = 1; i < mid; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/**
 * Reorders `a` so that a[k] is the value a sort would put there, everything before it ≤ a[k] and everything
 * after it ≥ a[k] (Hoare's selection, median-of-three pivots). Runs of equal values split evenly.
 */
export function selectInPlace(a: number[], k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const m = lo + ((hi - lo) >> 1);
    if (a[m]! < a[lo]!) swap(a, m, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[m]!) swap(a, hi, m);
    const pivot = a[m]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≤ pivot, a[i..hi] ≥ pivot and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: number[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
