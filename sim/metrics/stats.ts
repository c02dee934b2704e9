/** Pure statistics over plain arrays. */

/** Nearest-rank percentile (q in [0, 1]) of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** a / b, or NaN when b is 0 (written as an empty CSV field). */
export function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}
