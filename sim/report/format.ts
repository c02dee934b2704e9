import type { Spread } from "../metrics/stats.ts";

/** "mean ±half" in a given format; the ± part only with several runs that differ. */
export function withSpread(s: Spread, format: (x: number) => string): string {
  if (Number.isNaN(s.mean)) return "-";
  if (s.n < 2 || s.hi === s.lo) return format(s.mean);
  return `${format(s.mean)} ±${format((s.hi - s.lo) / 2)}`;
}

export const pct = (x: number): string => (Number.isNaN(x) ? "-" : `${(100 * x).toFixed(1)}%`);
export const sec = (x: number): string => (Number.isNaN(x) ? "-" : Math.abs(x) < 10 ? x.toFixed(3) : x.toFixed(1));
export const sci = (x: number): string => (Number.isNaN(x) ? "-" : x === 0 ? "0" : x.toExponential(2));
export const count = (x: number): string => (Number.isNaN(x) ? "-" : Number.isInteger(x) ? String(x) : x.toFixed(1));
