import { afterEach, describe, expect, it, vi } from "vitest";
import { RngStreams, Simulator } from "../sim/engine/index.ts";
import { EventLog } from "../sim/metrics/log.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { copyGroup, effectiveRequest, listedRequest, memberDelay, memberInit, memberRequest, podCount, podEnd, podFirst, podRequest, type Group, type Member } from "../sim/model/group.ts";
import { GroupStore, StoredGroup, groupRequest, memberCount, storeGroups } from "../sim/model/group-store.ts";
import { MemberFlags } from "../sim/model/member-flags.ts";
import { Lifecycle } from "../sim/model/lifecycle.ts";
import { add, resources } from "../sim/model/resources.ts";
import { buildWorkload } from "../sim/workload/build.ts";
import { validateScenario } from "../sim/workload/scenario.ts";
import { runOnce } from "../sim/runner.ts";

const member = (name: string, cpu: number, memory: number, extra: Partial<Member> = {}): Member => ({ name, request: resources(cpu, memory, extra.request?.gpu ?? 0), delay: 0, init: false, ...extra });

/** Groups with every optional field, and without, in workload order. */
function fixtures(): Group[] {
  return [
    { index: 0, id: "plain", submit: 0.5, kind: "colocate", duration: 30, priority: 0, members: [member("a", 500, 256), member("b", 250, 128, { delay: 1.25 })] },
    {
      index: 1,
      id: "gang/1",
      submit: 2,
      kind: "gang",
      duration: 60,
      priority: 100,
      members: [member("w", 1000, 512), member("w", 1000, 512, { delay: 0.5 }), member("w", 1000, 512, { delay: 0.75 })],
      pods: Uint32Array.from([0, 1, 2, 3]),
      minMember: 2,
      framework: 1,
      scheduler: 0,
      cls: 2,
      restart: "controller",
    },
    {
      index: 2,
      id: "init",
      submit: 2,
      kind: "colocate",
      duration: Infinity,
      priority: -5,
      members: [member("setup", 4000, 64, { init: true, request: resources(4000, 64, 500) }), member("app", 1500, 2048, { request: resources(1500, 2048, 250) })],
      selector: { key: "gpu-model", values: ["A100", "V100"] },
    },
    { index: 3, id: "job", submit: 7, kind: "job", duration: 5, priority: 0, members: [member("x", 1, 1), member("y", 2, 2)], pods: Uint32Array.from([0, 1, 2]) },
  ];
}

/** The group's fields as a plain object, as the Group interface shows them. */
const fields = (g: Group) => ({ ...copyGroup(g), pods: g.pods === undefined ? undefined : Array.from(g.pods) });

describe("group store", () => {
  // A spy on building members must not outlive a failing test.
  afterEach(() => vi.restoreAllMocks());

  it.each(fixtures().map((g) => [g.id, g] as const))("a stored group reads back every field of %s", (_, g) => {
    const stored = storeGroups(fixtures())[g.index]!;
    expect(stored).toBeInstanceOf(StoredGroup);
    expect(fields(stored)).toEqual(fields(g));
    for (const key of ["framework", "scheduler", "cls", "minMember", "restart", "selector", "pods"] as const) {
      expect(stored[key] === undefined, key).toBe(g[key] === undefined);
    }
  });

  it.each(fixtures().map((g) => [g.id, g] as const))("counts the members of %s and sums its request from the columns", (_, g) => {
    const stored = storeGroups(fixtures())[g.index]!;
    expect(memberCount(stored)).toBe(g.members.length);
    expect(groupRequest(stored)).toEqual(effectiveRequest(g.members));
    expect(groupRequest(g)).toEqual(effectiveRequest(g.members));
  });

  it.each(fixtures().map((g) => [g.id, g] as const))("answers each member's request, delay and init flag of %s from the columns, as its members say", (_, g) => {
    const stored = storeGroups(fixtures())[g.index]!;
    const built = vi.spyOn(GroupStore.prototype, "members");
    g.members.forEach((m, j) => {
      for (const group of [stored, g]) {
        expect(memberRequest(group, j)).toEqual(m.request);
        expect(memberDelay(group, j)).toBe(m.delay);
        expect(memberInit(group, j)).toBe(m.init);
      }
    });
    expect(built).not.toHaveBeenCalled();
    built.mockRestore();
  });

  it.each(fixtures().map((g) => [g.id, g] as const))("reads the requests of %s's Pods, of all its members and of members listed in any order without building them", (_, g) => {
    const stored = storeGroups(fixtures())[g.index]!;
    const overhead = resources(250, 100, 0);
    const built = vi.spyOn(GroupStore.prototype, "members");
    for (let p = 0; p < podCount(g); p++) {
      const members = g.members.slice(podFirst(g, p), podEnd(g, p));
      expect(podRequest(stored, p, overhead)).toEqual(effectiveRequest(members, overhead));
    }
    expect(add(groupRequest(stored), overhead)).toEqual(effectiveRequest(g.members, overhead));
    const listed = g.members.map((_, j) => j).reverse();
    expect(listedRequest(stored, listed, overhead)).toEqual(effectiveRequest(listed.map((j) => g.members[j]!), overhead));
    expect(built).not.toHaveBeenCalled();
    built.mockRestore();
  });

  it.each(["kube", "naive", "omega", "mesos"])("%s runs colocate groups without building member objects", (strategy) => {
    const scenario = validateScenario("<test>", {
      name: "no-members",
      horizon: 200,
      cluster: { type: "generate", count: 4, capacity: { cpu: 8000, memory: 16384 } },
      workload: { type: "generate", groups: 60, rate: 2, members: { min: 1, max: 4 }, request: { cpu: 500, memory: 512 }, duration: 20, delay: { dist: "uniform", min: 0, max: 2 } },
    });
    const built = vi.spyOn(GroupStore.prototype, "members");
    const run = runOnce(scenario, strategy, 1);
    expect(run.events).toBeGreaterThan(0);
    expect(built).not.toHaveBeenCalled();
    built.mockRestore();
  });

  it("keeps the members it built until the group has run, then builds them afresh on every ask", () => {
    const [g] = storeGroups(fixtures());
    const first = g!.members;
    expect(g!.members).toBe(first);
    g!.forgetMembers();
    const again = g!.members;
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(g!.members).not.toBe(again);
  });

  it("is not made to build its members by per-member flags laid out for every group (omega's arrivals)", () => {
    const groups = storeGroups(fixtures());
    const built = vi.spyOn(GroupStore.prototype, "members");
    const flags = new MemberFlags(groups);
    expect(built).not.toHaveBeenCalled();
    flags.set(1, 2);
    expect([flags.has(1, 2), flags.has(1, 1), flags.has(0, 1)]).toEqual([true, false, false]);
    built.mockRestore();
  });

  it("builds one request object for members that ask for the same, as a gang's replicated Pods do", () => {
    const gang = storeGroups(fixtures())[1]!;
    const [a, b, c] = gang.members;
    expect(a!.request).toBe(b!.request);
    expect(b!.request).toBe(c!.request);
    const init = storeGroups(fixtures())[2]!;
    expect(init.members[0]!.request).not.toBe(init.members[1]!.request);
  });

  it("refuses a group out of workload order", () => {
    const [a, b] = fixtures();
    expect(() => storeGroups([b!, a!])).toThrow(/index 1, expected 0/);
  });

  it("holds members across its chunks and group offsets past their first room", () => {
    const many = Array.from({ length: 40_000 }, (_, i): Group => ({
      index: i,
      id: `g${i}`,
      submit: i / 10,
      kind: "colocate",
      duration: i,
      priority: 0,
      members: [member("c0", i, 2 * i, { delay: i / 4, init: i % 3 === 0 })],
      ...(i % 10_000 === 9_999 ? { framework: i } : {}),
    }));
    const stored = storeGroups(many);
    for (const i of [0, 1023, 1024, 2047, 16_383, 16_384, 32_767, 32_768, 39_999]) {
      expect(fields(stored[i]!)).toEqual(fields(many[i]!));
      expect(groupRequest(stored[i]!)).toEqual(effectiveRequest(many[i]!.members));
    }
    expect(stored.filter((g) => g.framework !== undefined).map((g) => g.framework)).toEqual([9_999, 19_999, 29_999, 39_999]);
  });

  it("lets a group's members go when the lifecycle finishes it", () => {
    const groups = storeGroups(fixtures().slice(0, 1));
    const g = groups[0]!;
    const sim = new Simulator();
    const cluster = new Cluster([{ name: "n0", capacity: resources(64000, 65536), labels: {} }]);
    const lifecycle = new Lifecycle(sim, cluster, groups, new EventLog());
    const held = g.members;
    lifecycle.start(g, 2, 0, effectiveRequest(held));
    expect(g.members).toBe(held);
    sim.run(100);
    expect(lifecycle.isDone(0)).toBe(true);
    expect(g.members).not.toBe(held);
    expect(g.members).toEqual(held);
  });

  it("generates a workload straight into columns, the same groups as the scenario asks for", () => {
    const scenario = validateScenario("<test>", {
      name: "columns",
      horizon: 100,
      cluster: { type: "generate", count: 2, capacity: { cpu: 4000, memory: 8192 } },
      workload: { type: "generate", groups: 50, rate: 1, kind: "gang", pods: { dist: "uniform", min: 2, max: 4 }, members: { min: 1, max: 3 }, request: { cpu: 100, memory: 64 }, duration: 10 },
    });
    const { groups } = buildWorkload(scenario.spec, new RngStreams(3));
    expect(groups.every((g) => g instanceof StoredGroup)).toBe(true);
    expect(groups.map((g) => g.index)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const g of groups) {
      expect(g.kind).toBe("gang");
      expect(g.pods!.at(-1)).toBe(g.members.length);
      expect(g.minMember).toBeGreaterThanOrEqual(1);
    }
  });
});
