import * as z from "zod";
import type { Rng } from "../engine/index.ts";

import { bounded, nonNegative, positive } from "./numbers.ts";

/**
 * A random quantity in a scenario: a bare number (fixed), or one of the named
 * distributions below.
 */
export const distSchema = z.union([
  nonNegative,
  z.discriminatedUnion("dist", [
    z.object({ dist: z.literal("fixed"), value: nonNegative }).strict(),
    z
      .object({ dist: z.literal("uniform"), min: nonNegative, max: nonNegative })
      .strict()
      .refine((d) => d.max >= d.min, { message: "expected max >= min", path: ["max"] }),
    z.object({ dist: z.literal("exponential"), mean: positive }).strict(),
    z.object({ dist: z.literal("lognormal"), median: positive, sigma: z.number().min(0).max(20) }).strict(),
    z
      .object({
        dist: z.literal("choice"),
        values: z.array(nonNegative).min(1),
        weights: z.array(nonNegative).min(1).optional(),
      })
      .strict()
      .refine((d) => d.weights === undefined || d.weights.length === d.values.length, {
        message: "expected as many weights as values",
        path: ["weights"],
      }),
    /**
     * Empirical: draws follow the given samples' distribution (inverse CDF with
     * linear interpolation between sorted samples). `file` names a CSV with a
     * `value` column, relative to the scenario file; it is read when the
     * workload is built.
     */
    z
      .object({ dist: z.literal("empirical"), values: z.array(bounded).min(1).optional(), file: z.string().min(1).optional() })
      .strict()
      .refine((d) => (d.values === undefined) !== (d.file === undefined), { message: "expected exactly one of values or file" }),
  ]),
]);

export type Dist = z.infer<typeof distSchema>;

/** Draws one value of `dist` from `rng`. */
export function sample(dist: Dist, rng: Rng): number {
  if (typeof dist === "number") return dist;
  switch (dist.dist) {
    case "fixed":
      return dist.value;
    case "uniform":
      return rng.uniform(dist.min, dist.max);
    case "exponential":
      return rng.exponential(dist.mean);
    case "lognormal":
      return dist.median * Math.exp(dist.sigma * rng.normal());
    case "empirical": {
      const values = dist.values;
      if (values === undefined) throw new Error(`empirical distribution from ${dist.file} was not loaded`);
      const sorted = sortedValues(values);
      const x = rng.next() * (sorted.length - 1);
      const i = Math.floor(x);
      const lo = sorted[i]!;
      const hi = sorted[Math.min(i + 1, sorted.length - 1)]!;
      return lo + (hi - lo) * (x - i);
    }
    case "choice": {
      const weights = dist.weights ?? dist.values.map(() => 1);
      const total = weights.reduce((a, b) => a + b, 0);
      let u = rng.next() * total;
      for (let i = 0; i < dist.values.length; i++) {
        u -= weights[i]!;
        if (u < 0) return dist.values[i]!;
      }
      return dist.values[dist.values.length - 1]!;
    }
  }
}

const sortedCache = new WeakMap<readonly number[], number[]>();
function sortedValues(values: readonly number[]): number[] {
  let sorted = sortedCache.get(values);
  if (sorted === undefined) {
    sorted = [...values].sort((a, b) => a - b);
    sortedCache.set(values, sorted);
  }
  return sorted;
}

