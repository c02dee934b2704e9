import { describe, expect, it } from "vitest";
import { widened } from "../sim/model/widened.ts";

describe("a typed array grown to make room", () => {
  it.each([
    { kind: "Int32Array", a: Int32Array.of(3, -4), size: 4, fill: undefined, want: [3, -4, 0, 0] },
    { kind: "Int32Array", a: Int32Array.of(3, -4), size: 3, fill: -1, want: [3, -4, -1] },
    { kind: "Float64Array", a: Float64Array.of(0.5), size: 3, fill: undefined, want: [0.5, 0, 0] },
  ])("keeps a $kind's values and fills the new entries with $fill", ({ kind, a, size, fill, want }) => {
    const b = a instanceof Int32Array ? widened(a, size, fill) : widened(a as Float64Array, size, fill);
    expect(b.constructor.name).toBe(kind);
    expect([...b]).toEqual(want);
    expect(b).not.toBe(a);
  });

  it("refuses a size that cannot hold what the array holds", () => {
    expect(() => widened(Int32Array.of(1, 2, 3), 2)).toThrow(/cannot hold/);
  });
});
