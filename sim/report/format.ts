import type { Spread } from "../metrics/stats.ts";

/** "mean ±half" in a given format; the ± part only with several runs that differ. */
export function withSpread(s: Spread, format: (x: number, ref?: number) => string): string {
  if (Number.isNaN(s.mean)) return "-";
  if (s.n < 2 || s.hi === s.lo) return format(s.mean);
  return `${format(s.mean)} ±${format((s.hi - s.lo) / 2, s.mean)}`;
}

export const pct = (x: number): string => (Number.isNaN(x) ? "-" : `${(100 * x).toFixed(1)}%`);
/** Seconds: 3 decimals below 10 s, else 1; `ref` (the mean, for a ± part) sets the decimals. */
export const sec = (x: number, ref = x): string => (Number.isNaN(x) ? "-" : Math.abs(ref) < 10 ? x.toFixed(3) : x.toFixed(1));
export const sci = (x: number): string => (Number.isNaN(x) ? "-" : x === 0 ? "0" : x.toExponential(2));
export const count = (x: number): string => (Number.isNaN(x) ? "-" : Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Wraps text at spaces into lines of at most `width` characters (for legends above tables). */
export function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}
