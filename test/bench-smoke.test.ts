import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bulkEngineQueue, holdEngineQueue, holdFastPriorityQueue, holdProcesses, holdTypedHeap, increments } from "../bench/engine-models.ts";
import { runCheckCost } from "../bench/check-cost.ts";
import { alternatedPairs, interleavedMedians } from "../bench/pairs.ts";
import { runPeer } from "../bench/peer.ts";
import { TypedHeap } from "../bench/typed-heap.ts";
import { EventQueue, Phase } from "../sim/engine/index.ts";

describe("benchmark models (smoke: the bench measures what it says)", () => {
  it("runs every queue model on a small input", () => {
    const inc = increments(1024);
    expect(holdEngineQueue(100, 1000, inc)).toBe(1000);
    expect(holdFastPriorityQueue(100, 1000, inc)).toBe(1000);
    expect(holdTypedHeap(100, 1000, inc)).toBe(1000);
    expect(bulkEngineQueue(1000, inc)).toBe(2000);
  });

  it("measures the cost of --check-invariants for every strategy", () => {
    const rows = runCheckCost(["seed-two-nodes"], 1);
    expect(rows.map((r) => r.strategy)).toEqual(["kube", "mesos", "omega", "naive"]);
    for (const r of rows) expect(r.checked_s).toBeGreaterThan(0);
  });

  it("processes every timeout of the peer model", () => {
    expect(holdProcesses(10, 20)).toBe(200);
  });

  it("times the peer model's cosched side in its own process, cold and warm", () => {
    const peer = runPeer(10, 20, 1);
    expect(peer.events).toBe(200);
    expect(peer.coschedSeconds).toBeGreaterThan(0);
    expect(peer.coschedColdSeconds).toBeGreaterThan(0);
    // SimPy is timed when it can be imported, and the result says why when it cannot.
    if (peer.simpySeconds === null) expect(peer.note).toMatch(/skipped SimPy/);
    else expect(peer.simpySeconds).toBeGreaterThan(0);
  }, 30_000);

  it("the engine queue and the reference heap pop the same order for any input", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.constantFrom(Phase.Release, Phase.Arrival, Phase.Decision)), { maxLength: 200 }), (entries) => {
        const q = new EventQueue(4);
        const h = new TypedHeap(4);
        entries.forEach(([time, phase], i) => {
          q.push(time, phase, () => {});
          h.push(time, phase * 2 ** 44 + i, i);
        });
        const fromQueue: number[] = [];
        while (q.pop()) fromQueue.push(q.rank % 2 ** 44);
        const fromHeap: number[] = [];
        while (h.size > 0) fromHeap.push(h.pop());
        expect(fromQueue).toEqual(fromHeap);
      }),
    );
  });

  it("the engine queue and the reference heap agree when pushes and pops interleave (slots reused, equal times)", () => {
    const push = fc.record({ time: fc.integer({ min: 0, max: 20 }), phase: fc.constantFrom(Phase.Release, Phase.Arrival, Phase.Decision) });
    fc.assert(
      fc.property(fc.array(fc.option(push, { freq: 3 }), { maxLength: 300 }), (ops) => {
        const q = new EventQueue(2);
        const h = new TypedHeap(2);
        const fromQueue: number[] = [];
        const fromHeap: number[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op === null) {
            if (q.pop()) fromQueue.push(q.time, q.rank % 2 ** 44);
            if (h.size > 0) {
              fromHeap.push(h.peekTime());
              fromHeap.push(h.pop());
            }
          } else {
            q.push(op.time, op.phase, () => {});
            h.push(op.time, op.phase * 2 ** 44 + seq, seq);
            seq++;
          }
        }
        while (q.pop()) fromQueue.push(q.time, q.rank % 2 ** 44);
        while (h.size > 0) fromHeap.push(h.peekTime(), h.pop());
        expect(fromQueue).toEqual(fromHeap);
      }),
      { numRuns: 500 },
    );
  });

  it("times a ratio budget's two commands in alternated pairs and takes the median of the pairs' ratios", () => {
    // Scripted wall times: a slow phase (x3) hits the 3rd to 5th runs, whichever command they are.
    const speed = [1, 1, 3, 3, 3, 1, 1, 1, 1, 1];
    const calls: string[] = [];
    const run = (name: string, seconds: number) => () => {
      const wall_s = seconds * speed[calls.length]!;
      calls.push(name);
      return { name, wall_s };
    };
    const p = alternatedPairs(5, run("kube", 1), run("mesos", 2));
    expect(calls).toEqual(["kube", "mesos", "mesos", "kube", "kube", "mesos", "mesos", "kube", "kube", "mesos"]);
    // On the pair it covers whole (3x both sides) the ratio stays 2; the pair it covers in part reads 2/3; the median is 2.
    expect(p.ratios).toEqual([2, 2, 2 / 3, 2, 2]);
    expect(p.median).toBe(2);
    expect(p.a.wall_s).toBe(1);
    expect(p.b.wall_s).toBe(2);
    expect(() => alternatedPairs(0, run("kube", 1), run("mesos", 1))).toThrow(/pairs/);
  });

  it("times whole commands in interleaved rounds, so a slow phase does not decide one command's figure", () => {
    // Scripted: a slow phase (x2) hits the 3rd to 5th runs, whichever command they are.
    const speed = [1, 1, 2, 2, 2, 1, 1, 1, 1];
    const calls: string[] = [];
    const run = (name: string, seconds: number) => () => {
      const wall_s = seconds * speed[calls.length]!;
      calls.push(name);
      return { name, wall_s };
    };
    const [kube, mesos, omega] = interleavedMedians(3, [run("kube", 3), run("mesos", 5), run("omega", 4)]);
    expect(calls).toEqual(["kube", "mesos", "omega", "kube", "mesos", "omega", "kube", "mesos", "omega"]);
    // Timed once each in a row, omega would have read 8 s; each median is its command's own time.
    expect([kube!.median.wall_s, mesos!.median.wall_s, omega!.median.wall_s]).toEqual([3, 5, 4]);
    expect(omega!.walls).toEqual([8, 4, 4]);
    expect(() => interleavedMedians(0, [run("kube", 1)])).toThrow(/rounds/);
  });
});
