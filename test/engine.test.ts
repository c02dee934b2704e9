import { describe, expect, it } from "vitest";
import fc from "fast-check";
import seedrandom from "seedrandom";
import { EventQueue, Phase, Rng, RngStreams, Simulator } from "../sim/engine/index.ts";

describe("simulator", () => {
  it("orders events by time, then phase, then insertion", () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.schedule(2, Phase.Arrival, () => seen.push("t2 arrival"));
    sim.schedule(1, Phase.Decision, () => seen.push("t1 decision"));
    sim.schedule(1, Phase.Arrival, () => seen.push("t1 arrival a"));
    sim.schedule(1, Phase.Release, () => seen.push("t1 release"));
    sim.schedule(1, Phase.Arrival, () => seen.push("t1 arrival b"));
    sim.schedule(1, Phase.Observe, () => seen.push("t1 observe"));
    sim.run(10);
    expect(seen).toEqual(["t1 release", "t1 arrival a", "t1 arrival b", "t1 decision", "t1 observe", "t2 arrival"]);
  });

  it("runs work scheduled for the current instant by phase, ahead of later-phase events already queued", () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.schedule(1, Phase.Arrival, () => {
      seen.push("arrival");
      sim.after(0, Phase.Decision, () => seen.push(`decision at ${sim.now}`));
      sim.after(0, Phase.Release, () => seen.push(`release at ${sim.now}`));
    });
    sim.schedule(1, Phase.Decision, () => seen.push("earlier decision"));
    sim.run(5);
    expect(seen).toEqual(["arrival", "release at 1", "earlier decision", "decision at 1"]);
  });

  it("skips cancelled events and does not count them", () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const e = sim.schedule(1, Phase.Arrival, () => seen.push(1));
    sim.schedule(2, Phase.Arrival, () => seen.push(2));
    sim.cancel(e);
    sim.run(3);
    expect(seen).toEqual([2]);
    expect(sim.eventsProcessed).toBe(1);
  });

  it("cancels exactly the events asked for, across many cancels, stale handles and reused slots", () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const fired = sim.schedule(0.5, Phase.Arrival, () => seen.push(-1));
    sim.run(1);
    // Cancelling an event that already fired, or an id never handed out, changes nothing later.
    sim.cancel(fired);
    sim.cancel(10_000_000);
    sim.cancel(-1);
    sim.cancel(1.5);
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(sim.schedule(2 + i, Phase.Arrival, () => seen.push(i)));
    // Every third one cancelled (the bitset grows past its first words), then one more in a slot freed by a fired event.
    for (let i = 0; i < 300; i += 3) sim.cancel(ids[i]!);
    sim.run(100);
    const late = sim.schedule(500, Phase.Arrival, () => seen.push(1000));
    sim.cancel(late);
    sim.schedule(501, Phase.Arrival, () => seen.push(1001));
    sim.run(1000);
    const expected = [-1, ...Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 3 !== 0), 1001];
    expect(seen).toEqual(expected);
    expect(sim.eventsProcessed).toBe(expected.length);
  });

  it("stops at the horizon and leaves later events queued", () => {
    const sim = new Simulator();
    const seen: number[] = [];
    sim.schedule(5, Phase.Arrival, () => seen.push(5));
    sim.schedule(5.0001, Phase.Arrival, () => seen.push(6));
    sim.run(5);
    expect(seen).toEqual([5]);
    expect(sim.now).toBe(5);
    expect(sim.pending).toBe(1);
  });

  it.each([
    ["in the past", (sim: Simulator) => sim.schedule(0.5, Phase.Arrival, () => {})],
    ["at NaN", (sim: Simulator) => sim.schedule(NaN, Phase.Arrival, () => {})],
    ["at infinity", (sim: Simulator) => sim.schedule(Infinity, Phase.Arrival, () => {})],
    ["with a negative delay", (sim: Simulator) => sim.after(-1, Phase.Arrival, () => {})],
  ])("refuses to schedule %s", (_, act) => {
    const sim = new Simulator();
    sim.schedule(1, Phase.Arrival, () => {});
    sim.run(1);
    expect(() => act(sim)).toThrow(/simulator/);
  });

  it("pops in (time, phase, seq) order whether an event sits in the heap or in the lane of the instant last popped", () => {
    // Pushes at the instant last popped (the lane), later or earlier (the heap), in every phase, with cancels
    // and pops between: each pop must expose what a sorted reference list would give, cancelled entries included.
    type Op = { kind: "push"; dt: number; phase: number } | { kind: "pop" } | { kind: "cancel"; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("push" as const), dt: fc.constantFrom(0, 0, 0, 1, 2, 0.5, -1), phase: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant("pop" as const) }),
      fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 300, size: "max" }), (ops) => {
        const q = new EventQueue(2);
        const live: { time: number; phase: number; seq: number }[] = [];
        const cancelled = new Set<number>();
        let fired = -1;
        for (const o of ops) {
          if (o.kind === "push") {
            const time = Math.max(0, q.time + o.dt);
            const seq = q.push(time, o.phase as Phase, () => (fired = seq));
            live.push({ time, phase: o.phase, seq });
          } else if (o.kind === "cancel") {
            if (live.length === 0) continue;
            const seq = live[o.pick % live.length]!.seq;
            q.cancel(seq);
            cancelled.add(seq);
          } else {
            live.sort((a, b) => a.time - b.time || a.phase - b.phase || a.seq - b.seq);
            const next = live.shift();
            expect(q.pop()).toBe(next !== undefined);
            if (next === undefined) continue;
            expect([q.time, q.rank % 2 ** 44]).toEqual([next.time, next.seq]);
            fired = -1;
            q.action?.();
            expect(fired).toBe(cancelled.has(next.seq) ? -1 : next.seq);
          }
          expect(q.size).toBe(live.length);
          expect(q.peekTime()).toBe(live.length === 0 ? Infinity : Math.min(...live.map((e) => e.time)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps each phase's order at one instant past the lane's first ring, wrapped and grown", () => {
    const sim = new Simulator();
    const seen: string[] = [];
    const release = (i: number) => () => {
      seen.push(`${Phase.Release}:${i}`);
      // The 31st adds 70 more while the ring (64 at first) has wrapped: it grows with its head mid-ring.
      if (i === 30) for (let j = 40; j < 110; j++) sim.after(0, Phase.Release, release(j));
    };
    sim.schedule(1, Phase.Arrival, () => {
      for (let i = 0; i < 100; i++) {
        sim.after(0, Phase.Observe, () => seen.push(`${Phase.Observe}:${i}`));
        sim.after(0, Phase.Decision, () => seen.push(`${Phase.Decision}:${i}`));
        if (i < 40) sim.after(0, Phase.Release, release(i));
      }
    });
    sim.run(2);
    const order = (phase: number, n: number) => Array.from({ length: n }, (_, i) => `${phase}:${i}`);
    expect(seen).toEqual([...order(Phase.Release, 110), ...order(Phase.Decision, 100), ...order(Phase.Observe, 100)]);
  });

  it("calls observers after every event", () => {
    const sim = new Simulator();
    const times: number[] = [];
    sim.observe((now) => times.push(now));
    sim.schedule(1, Phase.Arrival, () => {});
    sim.schedule(3, Phase.Arrival, () => {});
    sim.run(10);
    expect(times).toEqual([1, 3]);
  });
});

describe("random streams", () => {
  it("gives the same draws for the same seed and name", () => {
    const a = new RngStreams(7).stream("workload");
    const b = new RngStreams(7).stream("workload");
    expect([a.next(), a.next(), a.next()]).toEqual([b.next(), b.next(), b.next()]);
  });

  it("keeps streams independent: draws in one do not shift another", () => {
    const quiet = new RngStreams(7);
    const busy = new RngStreams(7);
    for (let i = 0; i < 100; i++) busy.stream("tie-break").next();
    expect(busy.stream("workload").next()).toBe(quiet.stream("workload").next());
  });

  it("gives different draws for different seeds and names", () => {
    const s = new RngStreams(1);
    expect(s.stream("a").next()).not.toBe(s.stream("b").next());
    expect(new RngStreams(1).stream("a").next()).not.toBe(new RngStreams(2).stream("a").next());
  });

  it.each(["1/workload", "7/kube/tie-break", "42/mesos/offer-order", ""])("steps seedrandom's Alea bit for bit (seed %j)", (seed) => {
    const ours = new Rng(seed);
    const theirs = seedrandom.alea(seed);
    let firstDifference = -1;
    for (let i = 0; i < 100_000 && firstDifference < 0; i++) if (ours.next() !== theirs()) firstDifference = i;
    expect(firstDifference).toBe(-1);
  });

  it("shuffles as Fisher-Yates on seedrandom's draws, and leaves the stream where those draws end", () => {
    const ours = new Rng("5/mesos/offer-order");
    const theirs = seedrandom.alea("5/mesos/offer-order");
    const expected = Array.from({ length: 1000 }, (_, i) => i);
    for (let i = expected.length - 1; i > 0; i--) {
      const j = Math.floor(theirs() * (i + 1));
      [expected[i], expected[j]] = [expected[j]!, expected[i]!];
    }
    expect(ours.shuffle(Array.from({ length: 1000 }, (_, i) => i))).toEqual(expected);
    expect(ours.next()).toBe(theirs());
  });

  it("draws integers in range", () => {
    const r = new RngStreams(3).stream("x");
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(4));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});
