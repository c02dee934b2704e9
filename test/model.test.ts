import { describe, expect, it } from "vitest";
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
