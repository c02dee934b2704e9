import { describe, expect, it } from "vitest";
import { Simulator } from "../sim/engine/index.ts";
import { Ev, EventLog } from "../sim/metrics/log.ts";
import { Cluster } from "../sim/model/cluster.ts";
import type { Group } from "../sim/model/group.ts";
import { Lifecycle } from "../sim/model/lifecycle.ts";
import { groupTable } from "../sim/metrics/summary/groups.ts";
import type { RunRecord } from "../sim/metrics/summary/record.ts";
import { resources } from "../sim/model/resources.ts";

const CPU = 1000;

/** A group of `members` containers of 1 CPU each; `pods` splits them into Pods (gang or job). */
function groupOf(index: number, members: number, extra: Partial<Group> = {}): Group {
  return {
    index,
    id: `g${index}`,
    submit: 0,
    kind: "colocate",
    duration: 10,
    priority: 0,
    members: Array.from({ length: members }, (_, j) => ({ name: `c${j}`, request: resources(CPU, 1), delay: 0, init: false })),
    ...extra,
  };
}

function world(groups: Group[]) {
  const sim = new Simulator();
  const cluster = new Cluster([0, 1].map((i) => ({ name: `n${i}`, capacity: resources(64 * CPU, 1024), labels: {} })));
  const log = new EventLog();
  const lifecycle = new Lifecycle(sim, cluster, groups, log);
  const freed: string[] = [];
  lifecycle.onFreed = (node, group, pod) => freed.push(`${group.id}@${node}${pod === undefined ? "" : `/p${pod}`}`);
  const kinds = (): number[] => Array.from(log.kind.subarray(0, log.length));
  return { sim, cluster, log, lifecycle, freed, kinds };
}

describe("lifecycle", () => {
  it("starts a group once all its members run and releases everything when its duration ends", () => {
    const g = groupOf(0, 2);
    const w = world([g]);
    w.lifecycle.start(g, 1, 0, resources(CPU, 1), 0);
    expect(w.lifecycle.runningMembers(0)).toBe(1);
    expect(w.kinds()).not.toContain(Ev.GroupStart);
    w.lifecycle.start(g, 1, 1, resources(CPU, 1), 1);
    expect(w.kinds()).toContain(Ev.GroupStart);
    expect(w.lifecycle.allPodsRan(0)).toBe(true);
    w.sim.run(100);
    expect(w.lifecycle.isDone(0)).toBe(true);
    expect(w.lifecycle.runningMembers(0)).toBe(0);
    expect(w.cluster.freeCpu[0]).toBe(64 * CPU);
    expect(w.cluster.freeCpu[1]).toBe(64 * CPU);
    expect(w.freed).toEqual(["g0@0", "g0@1"]);
  });

  it("kills a group's tasks on a rollback, cancels its end, and lets it start again", () => {
    const g = groupOf(0, 1);
    const w = world([g]);
    w.lifecycle.start(g, 1, 0, resources(CPU, 1));
    w.lifecycle.killGroup(g);
    expect(w.lifecycle.runningMembers(0)).toBe(0);
    expect(w.cluster.freeCpu[0]).toBe(64 * CPU);
    w.sim.run(5);
    w.lifecycle.start(g, 1, 1, resources(CPU, 1));
    w.sim.run(100);
    // The first start's end was cancelled: the group finished once, 10 s after its second start.
    expect(w.kinds().filter((k) => k === Ev.GroupFinish)).toHaveLength(1);
    expect(w.log.t[w.kinds().indexOf(Ev.GroupFinish)]).toBe(15);
  });

  it("ends each Pod of a job after its own duration, and the job with its last Pod", () => {
    const job = groupOf(0, 2, { kind: "job", pods: Uint32Array.from([0, 1, 2]) });
    const w = world([job]);
    w.lifecycle.start(job, 1, 0, resources(CPU, 1), 0);
    w.sim.run(5);
    w.lifecycle.start(job, 1, 1, resources(CPU, 1), 1);
    w.sim.run(12);
    expect(w.lifecycle.podFinished(0, 0)).toBe(true);
    expect(w.lifecycle.podFinished(0, 1)).toBe(false);
    expect(w.lifecycle.isDone(0)).toBe(false);
    expect(w.lifecycle.runningMembers(0)).toBe(1);
    w.sim.run(100);
    expect(w.lifecycle.isDone(0)).toBe(true);
    expect(w.freed).toEqual(["g0@0/p0", "g0@1/p1"]);
  });

  it("loses every task of the groups on a failed node", () => {
    const a = groupOf(0, 2);
    const b = groupOf(1, 1);
    const w = world([a, b]);
    w.lifecycle.start(a, 1, 0, resources(CPU, 1), 0);
    w.lifecycle.start(a, 1, 1, resources(CPU, 1), 1);
    w.lifecycle.start(b, 1, 1, resources(CPU, 1));
    expect(w.lifecycle.failNode(0).map((g) => g.id)).toEqual(["g0"]);
    expect(w.lifecycle.runningMembers(0)).toBe(0);
    expect(w.lifecycle.runningMembers(1)).toBe(1);
    // A lost group starts nothing until a controller revives it.
    expect(w.lifecycle.start(a, 1, 1, resources(CPU, 1))).toBe(false);
    w.lifecycle.revive(a);
    expect(w.lifecycle.start(a, 1, 1, resources(CPU, 1))).toBe(true);
  });

  it.each([
    ["a group the workload lacks", (w: ReturnType<typeof world>) => w.lifecycle.isDone(2), /no group 2/],
    ["a negative group", (w: ReturnType<typeof world>) => w.lifecycle.runningMembers(-1), /no group -1/],
    ["more members than the group has", (w: ReturnType<typeof world>, g: Group) => w.lifecycle.start(g, 3, 0, resources(CPU, 1)), /would run 3 of 2 members/],
    [
      "a finished group",
      (w: ReturnType<typeof world>, g: Group) => {
        w.lifecycle.start(g, 2, 0, resources(CPU, 1));
        w.sim.run(100);
        w.lifecycle.start(g, 1, 0, resources(CPU, 1));
      },
      /already finished/,
    ],
  ])("refuses to act on %s", (_name, act, message) => {
    const g = groupOf(0, 2);
    const w = world([g, groupOf(1, 1)]);
    expect(() => act(w, g)).toThrow(message);
  });
});

describe("groups.csv's nodes and outcome, from the lifecycle's log", () => {
  const table = [
    { name: "members started as tasks of their own on one node", tasks: [[1, 0], [1, 0]], nodes: "n0", outcome: "completed" },
    { name: "members started as tasks on two nodes", tasks: [[1, 0], [1, 1]], nodes: "n0;n1", outcome: "split" },
    { name: "members started as one task", tasks: [[2, 1]], nodes: "n1", outcome: "completed" },
  ] as const;
  it.each(table)("$name: $nodes, $outcome", ({ tasks, nodes, outcome }) => {
    const g = groupOf(0, 2);
    const w = world([g]);
    let first = 0;
    for (const [members, node] of tasks) {
      w.lifecycle.start(g, members, node, resources(members * CPU, members), first);
      first += members;
    }
    w.sim.run(100);
    const run: RunRecord = { runId: "r", scenario: "s", strategy: "t", seed: 1, workload: { groups: [g], classes: [] }, cluster: { total: resources(128 * CPU, 2048), name: (n) => w.cluster.name(n) }, log: w.log, end: 100, sampleEvery: 10, events: w.log.length };
    const row = groupTable(run).row(0);
    expect([row.nodes, row.outcome]).toEqual([nodes, outcome]);
  });
});
