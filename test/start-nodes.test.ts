import { describe, expect, it } from "vitest";
import { Ev, EventLog } from "../sim/metrics/log.ts";
import { LiveTasks } from "../sim/metrics/summary/live-tasks.ts";
import { StartNodes } from "../sim/metrics/summary/start-nodes.ts";

/** Tasks of group 0 started on `nodes` (task ids 0, 1, ...), with those in `ended` ended again. */
function replay(nodes: readonly number[], ended: readonly number[] = []): { log: EventLog; live: LiveTasks } {
  const log = new EventLog();
  nodes.forEach((node, id) => log.push(id, Ev.TaskStart, 0, node, id));
  for (const id of ended) log.push(100 + id, Ev.TaskFinish, 0, nodes[id], id);
  const live = new LiveTasks(1);
  for (let i = 0; i < log.length; i++) {
    if (log.kind[i] === Ev.TaskStart) live.start(0, log.id[i]!, i);
    else live.end(0, log.id[i]!);
  }
  return { log, live };
}

describe("the nodes groups.csv names for a group", () => {
  it.each([
    { when: "all its tasks started on one node", nodes: [4, 4, 4], placed: [4] },
    { when: "its tasks started on several nodes (distinct, in start order)", nodes: [7, 2, 7, 5, 2], placed: [7, 2, 5] },
    { when: "one task ran", nodes: [3], placed: [3] },
    { when: "no task was running at its start", nodes: [], placed: [] },
  ])("are the nodes of its start when $when", ({ nodes, placed }) => {
    const { log, live } = replay(nodes);
    const starts = new StartNodes(1);
    starts.record(0, live, log);
    expect(starts.placed(0, live, log, [])).toEqual(placed);
  });

  it("keep the nodes of its start after a task ends", () => {
    const { log, live } = replay([1, 2, 1], [1]);
    const starts = new StartNodes(1);
    const before = replay([1, 2, 1]);
    starts.record(0, before.live, before.log);
    expect(starts.placed(0, live, log, [])).toEqual([1, 2]);
  });

  it("are those of its running tasks when no start was recorded or the start was cleared", () => {
    const { log, live } = replay([6, 6, 9, 6], [0]);
    const starts = new StartNodes(1);
    expect(starts.placed(0, live, log, [])).toEqual([6, 9]);
    starts.record(0, live, log);
    starts.clear(0);
    expect(starts.placed(0, live, log, [])).toEqual([6, 9]);
  });

  it("follow the latest start of a group that started again, across many split groups", () => {
    // Enough several-node lists to grow the shared pool past its first size.
    const groups = 3000;
    const log = new EventLog();
    for (let g = 0; g < groups; g++) for (let m = 0; m < 3; m++) log.push(g, Ev.TaskStart, g, (g + m) % 11, g * 3 + m);
    const live = new LiveTasks(groups);
    for (let i = 0; i < log.length; i++) live.start(log.group[i]!, log.id[i]!, i);
    const starts = new StartNodes(groups);
    for (let g = 0; g < groups; g++) starts.record(g, live, log);
    starts.record(5, live, log);
    const out: number[] = [];
    for (let g = 0; g < groups; g++) expect(starts.placed(g, live, log, out)).toEqual([g % 11, (g + 1) % 11, (g + 2) % 11]);
  });
});
