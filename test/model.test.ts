import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ev, EventLog } from "../sim/metrics/log.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { effectiveRequest, type Member } from "../sim/model/group.ts";
import { resources, ZERO, type Resources } from "../sim/model/resources.ts";

const app = (cpu: number, memory: number, gpu = 0): Member => ({ name: "app", request: resources(cpu, memory, gpu), delay: 0, init: false });
const init = (cpu: number, memory: number, gpu = 0): Member => ({ name: "init", request: resources(cpu, memory, gpu), delay: 0, init: true });

describe("effective Pod request", () => {
  it.each<[string, Member[], Resources, Resources]>([
    ["one app container", [app(100, 200)], ZERO, resources(100, 200)],
    ["app containers add up", [app(100, 200), app(300, 50, 1000)], ZERO, resources(400, 250, 1000)],
    ["a small init container does not count", [init(50, 100), app(100, 200)], ZERO, resources(100, 200)],
    ["a large init container dominates per dimension", [init(500, 100), app(100, 200), app(100, 200)], ZERO, resources(500, 400)],
    ["the largest init container counts, not their sum", [init(300, 0), init(400, 0), app(100, 0)], ZERO, resources(400, 0)],
    ["only init containers", [init(300, 10)], ZERO, resources(300, 10)],
    ["podOverhead is added on top", [init(500, 100), app(100, 200)], resources(10, 20, 0), resources(510, 220)],
  ])("%s", (_, members, overhead, expected) => {
    expect(effectiveRequest(members, overhead)).toEqual(expected);
  });
});

describe("cluster state", () => {
  const cluster = () =>
    new Cluster([
      { name: "a", capacity: resources(1000, 1280), labels: {} },
      { name: "b", capacity: resources(1000, 2048, 2000), labels: {} },
    ]);

  it("allocates and releases, bumping the node's sequence number each time", () => {
    const c = cluster();
    c.allocate(1, resources(500, 1024, 1000));
    expect(c.free(1)).toEqual(resources(500, 1024, 1000));
    expect(c.seq[1]).toBe(1);
    c.release(1, resources(500, 1024, 1000));
    expect(c.free(1)).toEqual(resources(1000, 2048, 2000));
    expect(c.seq[1]).toBe(2);
    expect(c.seq[0]).toBe(0);
  });

  it("refuses an allocation that does not fit in any one dimension", () => {
    const c = cluster();
    expect(() => c.allocate(0, resources(10, 1281))).toThrow(/exceeds its free/);
    expect(() => c.allocate(0, resources(10, 10, 1))).toThrow(/exceeds its free/);
    expect(c.free(0)).toEqual(resources(1000, 1280, 0));
  });

  it("refuses a release past capacity", () => {
    expect(() => cluster().release(0, resources(1, 0))).toThrow(/exceeds its capacity/);
  });

  it("knows whether a request could ever fit on some node", () => {
    const c = cluster();
    expect(c.fitsAnyNode(resources(1000, 2048, 2000))).toBe(true);
    expect(c.fitsAnyNode(resources(1000, 1500, 0))).toBe(true);
    expect(c.fitsAnyNode(resources(1001, 100))).toBe(false);
    expect(c.fitsAnyNode(resources(100, 1300, 3000))).toBe(false);
  });
});

describe("the cluster's free-resource bound (kube skips a scan no node can satisfy)", () => {
  it("stays at or above every node's free resources through allocations, releases, failures and recoveries, and is exact once tightened", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.integer({ min: 0, max: 8000 }), memory: fc.integer({ min: 0, max: 8000 }) }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.record({ op: fc.constantFrom("alloc", "release", "down", "up", "tighten"), node: fc.nat(), cpu: fc.integer({ min: 0, max: 3000 }), memory: fc.integer({ min: 0, max: 3000 }) }), { maxLength: 40 }),
        (caps, ops) => {
          const c = new Cluster(caps.map((cap, i) => ({ name: `n${i}`, capacity: resources(cap.cpu, cap.memory), labels: {} })));
          const held: [number, number, number][] = [];
          for (const o of ops) {
            const n = o.node % c.size;
            if (o.op === "alloc" && c.fits(n, resources(o.cpu, o.memory))) {
              c.allocate(n, resources(o.cpu, o.memory));
              held.push([n, o.cpu, o.memory]);
            } else if (o.op === "release" && held.length > 0) {
              const [hn, hc, hm] = held.pop()!;
              c.release(hn, resources(hc, hm));
            } else if (o.op === "down") c.down(n);
            else if (o.op === "up") c.recover(n);
            else if (o.op === "tighten") c.tightenFreeBound();
            for (let k = 0; k < c.size; k++) {
              expect(c.freeBound[0]).toBeGreaterThanOrEqual(c.freeCpu[k]!);
              expect(c.freeBound[1]).toBeGreaterThanOrEqual(c.freeMemory[k]!);
            }
          }
          c.tightenFreeBound();
          expect(c.freeBound[0]).toBe(Math.max(...c.freeCpu));
          expect(c.freeBound[1]).toBe(Math.max(...c.freeMemory));
        },
      ),
      { numRuns: 300, seed: 20261204 },
    );
  });
});

describe("the event log", () => {
  it("keeps every event, in order, as its columns grow in place past their first room", () => {
    const log = new EventLog();
    const n = 5000; // several growths from the first 1,024
    for (let i = 0; i < n; i++) log.push(i / 10, Ev.TaskStart, i % 97, i % 13, i, i * 1.5, -i, i === 4321 ? Number.NaN : 0.25);
    expect(log.length).toBe(n);
    expect(log.bytes).toBeGreaterThanOrEqual(n * 45);
    for (const i of [0, 1023, 1024, 2047, 2048, 4095, 4096, 4321, n - 1]) {
      expect([log.t[i], log.kind[i], log.group[i], log.node[i], log.id[i], log.r0[i], log.r1[i]]).toEqual([i / 10, Ev.TaskStart, i % 97, i % 13, i, i * 1.5, -i]);
      expect(log.r2[i]).toBe(i === 4321 ? Number.NaN : 0.25);
    }
  });

  it("refuses an event earlier than the last", () => {
    const log = new EventLog();
    log.push(2, Ev.Created, 0);
    expect(() => log.push(1, Ev.Created, 1)).toThrow(/time went backwards/);
  });
});
