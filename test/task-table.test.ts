import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { END, TaskTable } from "../sim/model/task-table.ts";

/** A table of `groups` groups on `nodes` nodes, starting small so that slots must grow. */
const table = (groups = 4, nodes = 3): TaskTable => new TaskTable(groups, nodes, 2);

/** Starts task `id` of group g on `node`, its first member `first`; the request is id-derived so a mix-up shows. */
const add = (t: TaskTable, id: number, g: number, node: number, first = 0): number => t.add(id, g, node, 1, first, id * 10, id * 100, 0, -1);

/** The ids along a chain from `head`. */
function chain(t: TaskTable, head: number): number[] {
  const out: number[] = [];
  for (let s = head; s !== END; s = t.next(s)) out.push(t.id[s]!);
  return out;
}

/** Ends every task on a detached chain (as the lifecycle does), returning their ids. */
function endChain(t: TaskTable, head: number): number[] {
  const ids: number[] = [];
  for (let s = head; s !== END; ) {
    const next = t.next(s);
    ids.push(t.id[s]!);
    t.free(s);
    s = next;
  }
  return ids;
}

const onNode = (t: TaskTable, node: number): number[] => t.on(node).map((s) => t.id[s]!);

describe("TaskTable: the lifecycle's live tasks", () => {
  it("lists a group's tasks and a node's tasks in start order, with what each task holds", () => {
    const t = table();
    add(t, 0, 1, 0);
    add(t, 1, 2, 0);
    add(t, 2, 1, 2);
    add(t, 3, 1, 0);
    expect(chain(t, t.firstOf(1))).toEqual([0, 2, 3]);
    expect(chain(t, t.firstOf(2))).toEqual([1]);
    expect(chain(t, t.firstOf(0))).toEqual([]);
    expect(onNode(t, 0)).toEqual([0, 1, 3]);
    expect(onNode(t, 2)).toEqual([2]);
    const s = t.on(2)[0]!;
    expect([t.group[s], t.node[s], t.members[s], t.cpu[s], t.memory[s], t.gpu[s], t.gpuHandle[s]]).toEqual([1, 2, 1, 20, 200, 0, -1]);
  });

  it.each([
    { what: "all of them", from: 0, to: Number.MAX_SAFE_INTEGER, detached: [0, 1, 2, 3], kept: [] },
    { what: "one Pod's (first members 2..3)", from: 2, to: 4, detached: [1, 2], kept: [0, 3] },
    { what: "none", from: 9, to: 10, detached: [], kept: [0, 1, 2, 3] },
  ])("detaches $what of a group in start order and keeps the rest in order", ({ from, to, detached, kept }) => {
    const t = table();
    [0, 2, 3, 5].forEach((first, id) => add(t, id, 0, id % 3, first));
    const head = t.detach(0, from, to);
    expect(chain(t, head)).toEqual(detached);
    expect(chain(t, t.firstOf(0))).toEqual(kept);
    endChain(t, head);
    // A task started afterwards goes to the end of what was kept.
    add(t, 9, 0, 1, 7);
    expect(chain(t, t.firstOf(0))).toEqual([...kept, 9]);
  });

  it("takes ended tasks off their nodes and gives their slots to the next tasks", () => {
    const t = table();
    for (let id = 0; id < 6; id++) add(t, id, id % 2, id % 3);
    endChain(t, t.detach(0));
    expect(onNode(t, 0)).toEqual([3]);
    expect(onNode(t, 1)).toEqual([1]);
    expect(onNode(t, 2)).toEqual([5]);
    const reused = [add(t, 6, 2, 0), add(t, 7, 2, 0), add(t, 8, 2, 0)];
    // Three slots were freed: all three new tasks take them, none grows the table.
    expect(new Set(reused).size).toBe(3);
    expect(reused.every((s) => s < 6)).toBe(true);
    expect(onNode(t, 0)).toEqual([3, 6, 7, 8]);
    expect(chain(t, t.firstOf(2))).toEqual([6, 7, 8]);
  });

  it("agrees with plain lists through any sequence of starts and ends (growing past its first size)", () => {
    const GROUPS = 5;
    const NODES = 4;
    const step = fc.oneof(
      fc.record({ op: fc.constant("start" as const), g: fc.nat(GROUPS - 1), node: fc.nat(NODES - 1), first: fc.nat(5) }),
      fc.record({ op: fc.constant("end" as const), g: fc.nat(GROUPS - 1), from: fc.nat(5), width: fc.integer({ min: 1, max: 6 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const t = table(GROUPS, NODES);
        // The reference: every live task in start order.
        let live: { id: number; g: number; node: number; first: number }[] = [];
        let nextId = 0;
        for (const s of steps) {
          if (s.op === "start") {
            add(t, nextId, s.g, s.node, s.first);
            live.push({ id: nextId++, g: s.g, node: s.node, first: s.first });
          } else {
            const ends = (x: { g: number; first: number }): boolean => x.g === s.g && x.first >= s.from && x.first < s.from + s.width;
            expect(endChain(t, t.detach(s.g, s.from, s.from + s.width))).toEqual(live.filter(ends).map((x) => x.id));
            live = live.filter((x) => !ends(x));
          }
          for (let g = 0; g < GROUPS; g++) expect(chain(t, t.firstOf(g))).toEqual(live.filter((x) => x.g === g).map((x) => x.id));
          for (let n = 0; n < NODES; n++) expect(onNode(t, n)).toEqual(live.filter((x) => x.node === n).map((x) => x.id));
        }
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });
});
