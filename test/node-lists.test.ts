import { describe, expect, it } from "vitest";
import { NodeLists, type OnNode } from "../sim/model/node-lists.ts";

interface T extends OnNode {
  readonly id: number;
}
const item = (id: number, node: number): T => ({ id, node, prevOnNode: undefined, nextOnNode: undefined });
const ids = (tasks: readonly T[]): number[] => tasks.map((t) => t.id);

describe("NodeLists: what is on each node", () => {
  it("lists a node's tasks in the order they were added, apart from other nodes'", () => {
    const nodes = new NodeLists<T>(3);
    const all = [item(1, 0), item(2, 1), item(3, 0), item(4, 0), item(5, 2)];
    for (const t of all) nodes.add(t);
    expect(ids(nodes.on(0))).toEqual([1, 3, 4]);
    expect(ids(nodes.on(1))).toEqual([2]);
    expect(ids(nodes.on(2))).toEqual([5]);
  });

  it.each([
    { removed: [1], left: [2, 3, 4] },
    { removed: [4], left: [1, 2, 3] },
    { removed: [2], left: [1, 3, 4] },
    { removed: [2, 3], left: [1, 4] },
    { removed: [1, 4], left: [2, 3] },
    { removed: [1, 2, 3, 4], left: [] },
  ])("keeps the order of the rest when $removed are removed", ({ removed, left }) => {
    const nodes = new NodeLists<T>(1);
    const all = [1, 2, 3, 4].map((id) => item(id, 0));
    for (const t of all) nodes.add(t);
    for (const id of removed) nodes.remove(all[id - 1]!);
    expect(ids(nodes.on(0))).toEqual(left);
    // Adding after removals appends at the end.
    nodes.add(item(9, 0));
    expect(ids(nodes.on(0))).toEqual([...left, 9]);
  });

  it("leaves the lists alone when asked to remove an item not listed", () => {
    const nodes = new NodeLists<T>(2);
    const a = item(1, 0);
    const b = item(2, 0);
    nodes.add(a);
    nodes.add(b);
    nodes.remove(a);
    nodes.remove(a); // removed already
    nodes.remove(item(3, 0)); // never added
    nodes.remove(item(4, 1));
    expect(ids(nodes.on(0))).toEqual([2]);
    expect(ids(nodes.on(1))).toEqual([]);
  });

  it("keeps an item's place when it is added again while listed", () => {
    const nodes = new NodeLists<T>(1);
    const all = [1, 2, 3].map((id) => item(id, 0));
    for (const t of all) nodes.add(t);
    nodes.add(all[0]!);
    nodes.add(all[1]!);
    expect(ids(nodes.on(0))).toEqual([1, 2, 3]);
  });

  it("hands out a copy, so the caller may remove items while going through it", () => {
    const nodes = new NodeLists<T>(1);
    const all = [1, 2, 3].map((id) => item(id, 0));
    for (const t of all) nodes.add(t);
    const seen: number[] = [];
    for (const t of nodes.on(0)) {
      seen.push(t.id);
      nodes.remove(t);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(nodes.on(0)).toEqual([]);
  });
});
