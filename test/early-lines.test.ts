import { describe, expect, it } from "vitest";
import { GROUP_COLUMNS } from "../sim/metrics/columns.ts";
import { fieldBytes } from "../sim/metrics/csv-bytes.ts";
import { Ev, EventLog, type EvKind, type LogColumns } from "../sim/metrics/log.ts";
import { RunSummary, summarize } from "../sim/metrics/report.ts";
import type { RunRecord } from "../sim/metrics/summary.ts";
import { runOnce } from "../sim/runner.ts";
import { groupLines, shipped } from "./support/fixtures.ts";

/** A run's summary fed its log in pieces of `piece` entries, writing rows early after each (settle): the tables, and how many lines were made early. */
function writtenEarly(run: RunRecord, { piece = 500, capBytes = Infinity, extra = [] as Uint8Array[] } = {}) {
  const summary = new RunSummary(run);
  summary.writeEarly(GROUP_COLUMNS, extra, capBytes);
  for (let to = Math.min(piece, run.log.length); ; to = Math.min(run.log.length, to + piece)) {
    summary.see(run.log, to);
    while (summary.settle(run.log, 64) > 0);
    if (to === run.log.length) break;
  }
  const tables = summary.finish(run);
  return { tables, early: tables.groupTable.early?.size ?? 0 };
}

/** The log's entries, then more. */
function extended(log: LogColumns, more: (log: EventLog) => void): EventLog {
  const out = new EventLog();
  for (let i = 0; i < log.length; i++) out.push(log.t[i]!, log.kind[i] as EvKind, log.group[i]!, log.node[i]!, log.id[i]!, log.r0[i]!, log.r1[i]!, log.r2[i]!);
  more(out);
  return out;
}

describe("groups.csv rows written while the run goes on", () => {
  // Split groups (naive), holds and deadlocks (mesos: no group of the deadlock scenario finishes), node
  // failures and restarts, gangs under Permit and Kueue, preemption.
  it.each([
    ["contention-1k", "naive", true],
    ["hoarding-1k", "mesos", true],
    ["deadlock-two-frameworks", "mesos", false],
    ["node-failures-1k", "mesos", true],
    ["node-failures-1k", "naive", true],
    ["gangs-mixed", "kube-coscheduling", true],
    ["gangs-mixed", "kube-kueue", true],
    ["priority-classes", "kube", true],
  ] as const)("give the bytes of the whole log's table (%s under %s)", (scenario, strategy, finishes) => {
    const run = runOnce(shipped(scenario), strategy, 1);
    const whole = summarize(run);
    const { tables, early } = writtenEarly(run);
    expect(early > 0).toBe(finishes);
    expect(groupLines(tables.groupTable)).toBe(groupLines(whole.groupTable));
    expect(tables.run).toEqual(whole.run);
    expect(tables.classes).toEqual(whole.classes);
  }, 60_000);

  it("are written again when an entry of their group comes after them", () => {
    const run = runOnce(shipped("contention-1k"), "naive", 1);
    const end = run.log.t[run.log.length - 1]!;
    // Groups 0 and 1 finished long before the end: a late attempt, and a task of group 1 killed after running 5 s.
    const log = extended(run.log, (l) => {
      l.push(end + 5, Ev.Attempt, 0);
      l.push(end + 5, Ev.TaskStart, 1, 0, 999_999, 100, 200, 0);
      l.push(end + 10, Ev.TaskKill, 1, 0, 999_999, 100, 200, 0);
    });
    const late = { ...run, log, end: end + 20 };
    const whole = summarize(late);
    const { tables, early } = writtenEarly(late);
    expect(early).toBeGreaterThan(100);
    expect(tables.groupTable.numbers.attempts[0]).toBe(whole.groupTable.numbers.attempts[0]);
    expect(tables.groupTable.numbers.wasted_memory_s[1]).toBe(summarize(run).groupTable.numbers.wasted_memory_s[1]! + 1000);
    expect(groupLines(tables.groupTable)).toBe(groupLines(whole.groupTable));
  }, 60_000);

  it.each([
    ["its tasks still run", [Ev.TaskStart, Ev.TaskStart, Ev.GroupStart], undefined],
    ["a hold of it is still in place", [Ev.HoldStart], undefined],
    ["it is in a deadlock, which ends later", [Ev.DeadlockJoin], Ev.DeadlockEnd],
    ["it is in a stall, which ends later", [Ev.StallJoin], Ev.StallEnd],
  ] as const)("are not written while %s", (_, kinds, ending) => {
    const run = runOnce(shipped("contention-1k"), "naive", 1);
    const end = run.log.t[run.log.length - 1]!;
    // Group 2 starts again over two nodes (or holds one, or joins deadlock or stall 999) at end + 0.5 and finishes at end + 1;
    // then only entries of no group come (the end of the deadlock or stall among them).
    const log = extended(run.log, (l) => {
      kinds.forEach((kind, i) => l.push(end + 0.5, kind, 2, i, kind === Ev.HoldStart ? 0 : kind === Ev.TaskStart ? 999_990 + i : 999, 100, 200, 0));
      l.push(end + 1, Ev.GroupFinish, 2);
      l.push(end + 5, Ev.Busy, -1, -1, 0, 0.001, 1);
      if (ending !== undefined) l.push(end + 6, ending, -1, 0, 999, 1);
    });
    const late = { ...run, log, end: end + 20 };
    const whole = summarize(late);
    // Fed an entry at a time, so rows are written early between any two.
    const { tables } = writtenEarly(late, { piece: 1 });
    expect(groupLines(tables.groupTable, 2, 3)).toBe(groupLines(whole.groupTable, 2, 3));
    expect(groupLines(tables.groupTable)).toBe(groupLines(whole.groupTable));
  }, 60_000);

  it("stop at their cap in bytes, and the rest are made as the table is written", () => {
    const run = runOnce(shipped("contention-1k"), "naive", 1);
    const { tables, early } = writtenEarly(run, { capBytes: 0 });
    expect(early).toBe(0);
    expect(groupLines(tables.groupTable)).toBe(groupLines(summarize(run).groupTable));
  }, 60_000);

  it("are copied only into a table written with the fields they were made with", () => {
    const run = runOnce(shipped("contention-1k"), "kube", 1);
    const swept = [fieldBytes("0.5")];
    const { tables, early } = writtenEarly(run, { extra: swept });
    expect(early).toBeGreaterThan(0);
    const whole = summarize(run).groupTable;
    expect(groupLines(tables.groupTable, 0, whole.length, swept)).toBe(groupLines(whole, 0, whole.length, swept));
    expect(groupLines(tables.groupTable)).toBe(groupLines(whole));
  }, 60_000);
});
