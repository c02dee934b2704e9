import { describe, expect, it } from "vitest";
import { HoldStarts } from "../sim/metrics/summary/hold-starts.ts";

describe("HoldStarts: the holds in place while the log is replayed", () => {
  it("gives each ended hold its start, and lists the holds still in place in the order they started", () => {
    const holds = new HoldStarts();
    holds.start(0, 10);
    holds.start(1, 11);
    holds.start(2, 12);
    expect(holds.end(1)).toBe(11);
    holds.start(3, 14);
    expect(holds.open()).toEqual([10, 12, 14]);
  });

  it.each([
    { what: "a hold that never started", id: 7 },
    { what: "a hold that ended already", id: 0 },
    { what: "an id past every started one", id: 5000 },
  ])("answers -1 for $what", ({ id }) => {
    const holds = new HoldStarts();
    holds.start(0, 3);
    holds.end(0);
    expect(holds.end(id)).toBe(-1);
  });

  it("keeps holds whose ids grow past its first size", () => {
    const holds = new HoldStarts();
    for (let id = 0; id < 5000; id += 7) holds.start(id, id * 2);
    expect(holds.end(4998)).toBe(9996);
    expect(holds.open().length).toBe(Math.ceil(5000 / 7) - 1);
  });

  it("refuses an id that is not a count from 0", () => {
    expect(() => new HoldStarts().start(-1, 0)).toThrow(/hold id -1/);
  });
});
