import * as z from "zod";
import type { Rng } from "../engine/index.ts";

import { bounded, interval, rate } from "./numbers.ts";

/** How generated groups arrive. */
export const arrivalSchema = z.discriminatedUnion("process", [
  /** Poisson: exponential gaps with mean 1 / rate. */
  z.object({ process: z.literal("poisson"), rate }).strict(),
  /**
   * Bursty (Markov-modulated Poisson): the process sits in state i for an
   * exponential time of mean `meanSojourn[i]`, arriving at `rates[i]`, then
   * moves to the next state (cyclically).
   */
  z
    .object({ process: z.literal("mmpp"), rates: z.array(z.union([z.literal(0), rate])).min(2), meanSojourn: z.array(interval).min(2) })
    .strict()
    .refine((a) => a.rates.length === a.meanSojourn.length, { message: "expected as many meanSojourn as rates", path: ["meanSojourn"] })
    .refine((a) => a.rates.some((r) => r > 0), { message: "expected some rate > 0", path: ["rates"] }),
  /** Diurnal: rate(t) = rate x (1 + amplitude x sin(2 pi (t + shift) / period)), by thinning. */
  z
    .object({
      process: z.literal("diurnal"),
      rate,
      amplitude: z.number().min(0).max(1).default(0.5),
      period: interval.default(86400),
      shift: bounded.default(0),
    })
    .strict(),
]);

export type Arrival = z.infer<typeof arrivalSchema>;

/** `count` arrival times after `start`, ascending, drawn from `rng`. */
export function arrivalTimes(arrival: Arrival, count: number, start: number, rng: Rng): number[] {
  const times: number[] = [];
  let t = start;
  switch (arrival.process) {
    case "poisson":
      while (times.length < count) times.push((t += rng.exponential(1 / arrival.rate)));
      return times;
    case "mmpp": {
      let state = 0;
      let leave = t + rng.exponential(arrival.meanSojourn[0]!);
      while (times.length < count) {
        const rate = arrival.rates[state]!;
        const next = rate > 0 ? t + rng.exponential(1 / rate) : Infinity;
        if (next < leave) {
          times.push((t = next));
        } else {
          // Memoryless: the pending gap is redrawn in the next state.
          t = leave;
          state = (state + 1) % arrival.rates.length;
          leave = t + rng.exponential(arrival.meanSojourn[state]!);
        }
      }
      return times;
    }
    case "diurnal": {
      const peak = arrival.rate * (1 + arrival.amplitude);
      while (times.length < count) {
        t += rng.exponential(1 / peak);
        const rate = arrival.rate * (1 + arrival.amplitude * Math.sin((2 * Math.PI * (t + arrival.shift)) / arrival.period));
        if (rng.next() * peak <= rate) times.push(t);
      }
      return times;
    }
  }
}
