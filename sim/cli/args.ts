import { coreStrategyIds, strategyIds } from "../strategies/registry.ts";
import { InputError } from "../workload/errors.ts";
import { closest } from "../workload/suggest.ts";

/** "kube,naive" or "all" -> strategy ids; "all" is every strategy but the variants (kube-coscheduling, kube-kueue), in registry order. */
export function parseStrategies(value: string): string[] {
  const known = strategyIds();
  if (value === "all") return coreStrategyIds();
  const ids = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (ids.length === 0) throw new InputError(`--strategy: expected a comma-separated list of ${known.join(", ")}, or all`);
  for (const id of ids) {
    if (known.includes(id)) continue;
    const guess = closest(id, known);
    throw new InputError(`--strategy: unknown strategy "${id}" (${guess !== undefined ? `did you mean "${guess}"? ` : ""}expected one of ${known.join(", ")}, or all)`);
  }
  return [...new Set(ids)];
}

/** "3", "1..10" or "1,2,5" -> seeds. */
export function parseSeeds(value: string, flag = "--seeds"): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(value.trim());
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (hi < lo) throw new InputError(`${flag} ${value}: expected lo..hi with lo <= hi`);
    if (!Number.isSafeInteger(hi)) throw new InputError(`${flag} ${value}: seeds go up to 2^53 - 1 (${Number.MAX_SAFE_INTEGER})`);
    if (hi - lo >= 100_000) throw new InputError(`${flag} ${value}: at most 100000 seeds`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const parts = value.split(",").map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new InputError(`${flag} ${value}: expected a non-negative integer, a list like 1,2,5, or a range like 1..10`);
  }
  const seeds = parts.map(Number);
  const unsafe = parts.find((p) => !Number.isSafeInteger(Number(p)));
  if (unsafe !== undefined) throw new InputError(`${flag} ${value}: seed ${unsafe} is above 2^53 - 1 (${Number.MAX_SAFE_INTEGER}), which a double cannot hold exactly`);
  return seeds;
}

/** "4096" (MB), "512MB", "2GB", "1.5G" -> bytes. */
export function parseBytes(value: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|m|g|t)?i?b?\s*$/i.exec(value);
  const units: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12 };
  if (!m) throw new InputError(`${flag} ${value}: expected a size like 4096 (MB), 512MB or 2GB`);
  const bytes = Number(m[1]) * units[(m[2] ?? "m").toLowerCase()]!;
  if (!(bytes >= 1e6) || !Number.isFinite(bytes)) throw new InputError(`${flag} ${value}: expected a size of at least 1 MB`);
  return bytes;
}

/** --workers as yargs parsed it (a number, NaN for a word): a whole number >= 1, or undefined when not given. */
export function checkWorkers(value: number | undefined): number | undefined {
  if (value === undefined || (Number.isInteger(value) && value >= 1)) return value;
  throw new InputError(`--workers${Number.isNaN(value) ? "" : ` ${value}`}: expected a whole number >= 1`);
}
