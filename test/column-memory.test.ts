import { describe, expect, it } from "vitest";
import { SharedColumns, summaryColumnBytes } from "../sim/metrics/column-memory.ts";
import { EventLog, Ev } from "../sim/metrics/log.ts";
import { summarize } from "../sim/metrics/report.ts";
import { runOnce } from "../sim/runner.ts";
import { groupLines, shipped } from "./support/fixtures.ts";

describe("the summaries' shared columns", () => {
  // A strategy each, with holds (mesos), rollbacks (omega), gangs under Coscheduling and Kueue, preemption and node failures.
  it.each([
    { scenario: "contention-1k", strategy: "kube" },
    { scenario: "hoarding-1k", strategy: "mesos" },
    { scenario: "omega-contention", strategy: "omega" },
    { scenario: "gangs-mixed", strategy: "kube-coscheduling" },
    { scenario: "gangs-mixed", strategy: "kube-kueue" },
    { scenario: "priority-classes", strategy: "kube" },
    { scenario: "node-failures-1k", strategy: "naive" },
  ])("hold every per-group array of $strategy's summaries on $scenario, and give the same tables", ({ scenario, strategy }) => {
    const s = shipped(scenario);
    const result = runOnce(s, strategy, s.spec.seed);
    const groups = result.workload.groups.length;
    const memory = new SharedColumns(summaryColumnBytes(groups));
    const shared = summarize(result, memory);
    expect(memory.overflow).toBe(0);
    const fresh = summarize(result);
    expect(groupLines(shared.groupTable)).toBe(groupLines(fresh.groupTable));
    expect(shared.run).toEqual(fresh.run);
    expect(shared.timeseries).toEqual(fresh.timeseries);
  });

  it("are none where the buffer cannot be had (the summaries then take fresh arrays)", () => {
    expect(SharedColumns.tryCreate(2 ** 60)).toBeUndefined();
    expect(SharedColumns.tryCreate(64)?.buffer.byteLength).toBe(64);
  });

  it("gives zero-filled arrays that do not overlap, then fresh ones once the buffer is used up", () => {
    const memory = new SharedColumns(40);
    const a = memory.u8(3);
    const b = memory.f64(2); // aligned to 8: bytes 8..23
    const c = memory.i32(4); // bytes 24..39
    const d = memory.f64(1); // no room: fresh
    expect([a.buffer, b.buffer, c.buffer].every((x) => x === memory.buffer)).toBe(true);
    expect(d.buffer).not.toBe(memory.buffer);
    expect([b.byteOffset, c.byteOffset]).toEqual([8, 24]);
    expect(memory.overflow).toBe(8);
    a.fill(255);
    b.fill(-1);
    c.fill(7);
    expect([...a]).toEqual([255, 255, 255]);
    expect([...b]).toEqual([-1, -1]);
    expect([...c]).toEqual([7, 7, 7, 7]);
    expect([...new Uint8Array(memory.buffer, 3, 5)]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("the event log's buffers", () => {
  it("are the columns' own memory, growing with them", () => {
    const log = new EventLog();
    for (let i = 0; i < 5000; i++) log.push(i / 4, Ev.Busy, i, i % 7, i, i * 2, 1, 0);
    expect(log.buffers).toHaveLength(8);
    const [t, kind, group] = log.buffers;
    expect(t!.byteLength).toBeGreaterThanOrEqual(5000 * 8);
    expect(new Float64Array(t!)[4999]).toBe(log.t[4999]);
    expect(new Uint8Array(kind!)[4321]).toBe(Ev.Busy);
    expect(new Int32Array(group!)[1234]).toBe(1234);
  });

  it("grow by doubling, by at most 2^18 events at once (memory past the last event is touched by the prefaulting thread)", () => {
    const log = new EventLog();
    const capacity = (): number => log.bytes / 45;
    for (let i = 0; i < 2 ** 18; i++) log.push(0, Ev.Busy, 0);
    expect(capacity()).toBe(2 ** 18);
    log.push(0, Ev.Busy, 0);
    expect(capacity()).toBe(2 ** 19);
    for (let i = log.length; i <= 2 ** 19; i++) log.push(0, Ev.Busy, 0);
    expect(capacity()).toBe(2 ** 19 + 2 ** 18);
  });
});
