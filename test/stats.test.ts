import { describe, expect, it } from "vitest";
import { RngStreams } from "../sim/engine/index.ts";
import { ascending, mean, percentile } from "../sim/metrics/stats.ts";

describe("summary statistics", () => {
  it.each([
    { name: "numbers that sort differently as text", values: [10, 9, 100, 1, 2] },
    { name: "duplicates and negatives", values: [3, -1, 3, 0, -1, 2.5] },
    { name: "infinities", values: [Infinity, 1, -Infinity, 0] },
    { name: "nothing", values: [] as number[] },
  ])("sorts $name in numeric order", ({ values }) => {
    expect([...ascending(values)]).toEqual([...values].sort((a, b) => a - b));
  });

  it("sorts latencies as the comparator sort did, on many draws", () => {
    const rng = new RngStreams(7).stream("stats");
    const values = Array.from({ length: 5000 }, () => Math.round(rng.exponential(3) * 1000) / 1000);
    const sorted = ascending(values);
    expect([...sorted]).toEqual([...values].sort((a, b) => a - b));
    // The input is left as it was.
    expect(values[0]).not.toBe(sorted[0]);
  });

  it.each([
    { q: 0.5, expected: 3 },
    { q: 0.9, expected: 5 },
    { q: 0, expected: 1 },
    { q: 1, expected: 5 },
  ])("takes the nearest-rank percentile q=$q", ({ q, expected }) => {
    expect(percentile(ascending([5, 1, 4, 2, 3]), q)).toBe(expected);
  });

  it("has no percentile or mean of nothing", () => {
    expect(percentile(ascending([]), 0.5)).toBeNaN();
    expect(mean([])).toBeNaN();
  });

  it("means a typed array as it means a plain one", () => {
    expect(mean(Float64Array.of(1, 2, 4))).toBe(mean([1, 2, 4]));
    expect(mean([1, 2, 4])).toBeCloseTo(7 / 3, 12);
  });
});
