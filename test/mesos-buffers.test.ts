import { describe, expect, it } from "vitest";
import { NodeArena } from "../sim/model/node-arena.ts";
import { BatchBuffers, Scratch } from "../sim/strategies/mesos/scratch.ts";

describe("the mesos allocator's reused buffers", () => {
  it("lends a batch buffer with room for every node, and lends it again once given back", () => {
    const pool = new BatchBuffers(5);
    const a = pool.take();
    expect(a.nodes.length).toBe(5);
    expect(a.amounts.length).toBe(15);
    const b = pool.take();
    expect(b.amounts.buffer).not.toBe(a.amounts.buffer);
    pool.give(a.amounts.subarray(0, 6));
    expect(pool.take()).toBe(a);
  });

  it("takes back a lent buffer only once, and never one it did not lend", () => {
    const pool = new BatchBuffers(3);
    const a = pool.take();
    pool.give(a.amounts);
    pool.give(a.amounts); // twice: must not be lent to two batches
    pool.give(new Float64Array(9)); // not the pool's
    const first = pool.take();
    const second = pool.take();
    expect(first).toBe(a);
    expect(second).not.toBe(a);
    expect(second.amounts.buffer).not.toBe(a.amounts.buffer);
  });

  it("tells apart the buffers it lent from one arena, which share its memory", () => {
    const arena = new NodeArena(4);
    const pool = new BatchBuffers(4, arena);
    const a = pool.take();
    const b = pool.take();
    expect(arena.holds(a.amounts) && arena.holds(b.nodes)).toBe(true);
    pool.give(arena.f64(12)); // the arena's, not the pool's: nothing comes back
    const c = pool.take();
    expect(c !== a && c !== b).toBe(true);
    pool.give(b.amounts.subarray(0, 3));
    pool.give(a.amounts);
    const again = [pool.take(), pool.take()];
    expect(again.includes(a) && again.includes(b)).toBe(true);
  });

  it("gives a scratch buffer holding the values asked for, growing when needed", () => {
    const scratch = new Scratch();
    const small = scratch.take(3, [1, 2, 3]);
    expect([...small.subarray(0, 3)]).toEqual([1, 2, 3]);
    const large = scratch.take(200, new Float64Array(200).fill(7));
    expect(large.length).toBeGreaterThanOrEqual(200);
    expect(large[199]).toBe(7);
  });
});
