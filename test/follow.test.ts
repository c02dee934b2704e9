import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { JobResult, RunJob } from "../sim/execute/job.ts";
import { JobThreads } from "../sim/execute/threads.ts";
import { Ev, EventLog } from "../sim/metrics/log.ts";
import { LogLength, LogReader } from "../sim/metrics/log-reader.ts";
import { RunSummary, summarize, type RunTables } from "../sim/metrics/report.ts";
import { TABLES, tableFile } from "../sim/output/tables.ts";
import { runOnce } from "../sim/runner.ts";
import { shipped } from "./support/fixtures.ts";

const work = mkdtempSync(join(tmpdir(), "cosched-follow-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every table of a run as plain values (the groups table by its rows). */
function plain(tables: RunTables) {
  return { groups: tables.groups, run: tables.run, timeseries: tables.timeseries, deadlocks: tables.deadlocks, schedulers: tables.schedulers, classes: tables.classes };
}

describe("summarising a run as its log is written", () => {
  // Runs whose logs hold what the replays track: gangs and Permit, node failures and restarts, holds and
  // deadlocks, placeOnce's fill failure.
  const runs = [
    ["gangs-mixed", "kube-coscheduling"],
    ["node-failures-1k", "mesos"],
    ["deadlock-two-frameworks", "mesos"],
    ["hoarding-1k", "mesos"],
    ["openb-fill", "kube"],
  ] as const;

  it.each(runs)("makes the tables of the whole log when fed %s under %s in pieces", (scenario, strategy) => {
    const run = runOnce(shipped(scenario), strategy, 1);
    const whole = plain(summarize(run));
    for (const piece of [1, 97, 5000]) {
      const summary = new RunSummary(run);
      let fed = 0;
      for (let to = 0; to < run.log.length; to = Math.min(run.log.length, to + piece)) {
        summary.see(run.log, to);
        fed = to;
      }
      expect(summary.entries).toBe(fed);
      expect(plain(summary.finish(run)), `pieces of ${piece}`).toEqual(whole);
    }
  }, 60_000);

  it("refuses entries it has already seen, or past the log's end", () => {
    const run = runOnce(shipped("seed-two-nodes"), "kube", 1);
    const summary = new RunSummary(run);
    summary.see(run.log, 3);
    expect(() => summary.see(run.log, 2)).toThrow(/up to 2 after 3/);
    expect(() => summary.see(run.log, run.log.length + 1)).toThrow(/of a log of/);
  });
});

describe("reading another thread's log", () => {
  it("reads every entry up to the published length as the log grows past its first buffers", () => {
    const log = new EventLog();
    const length = new LogLength();
    const reader = new LogReader(log.buffers);
    const seen = new LogLength(length.buffer);
    for (let i = 0; i < 5000; i++) {
      log.push(i / 10, Ev.Attempt, i, i % 7, -i, i * 0.5, 2 * i, 3 * i);
      if (i % 1000 === 999) {
        length.publish(log.length);
        reader.advance(seen.read());
        expect(reader.length).toBe(i + 1);
        expect([reader.t[i], reader.kind[i], reader.group[i], reader.node[i], reader.id[i], reader.r0[i], reader.r1[i], reader.r2[i]]).toEqual([i / 10, Ev.Attempt, i, i % 7, -i, i * 0.5, 2 * i, 3 * i]);
      }
    }
    expect(Array.from(reader.group.subarray(0, reader.length))).toEqual(Array.from(log.group.subarray(0, log.length)));
  });

  it.each([
    ["backwards", 10, 5, /length 5 after 10/],
    ["past what the buffers hold", 0, 1 << 20, /past the \d+ entries/],
  ])("refuses a length that goes %s", (_, first, next, message) => {
    const log = new EventLog();
    for (let i = 0; i < 10; i++) log.push(i, Ev.Created, i);
    const reader = new LogReader(log.buffers);
    reader.advance(first);
    expect(() => reader.advance(next)).toThrow(message);
  });
});

describe("a run followed from the thread that gave it", () => {
  const job = (strategy: string, dir: string, follow: boolean): RunJob => ({ scenario: shipped("contention-1k"), strategy, seed: 2, check: false, dir, compress: false, follow });

  /** The run followed and the run on its own thread, one after the other on one thread; every table the same bytes in both. */
  async function followedAndOwn(name: string, strategy: string, scenario = shipped("contention-1k")): Promise<JobResult> {
    const dirs = [true, false].map((follow) => {
      const dir = join(work, `${name}-${follow ? "followed" : "own"}`);
      mkdirSync(dir);
      return dir;
    });
    const threads = new JobThreads(1);
    let followed: JobResult | undefined;
    try {
      const results = await threads.runAll([{ ...job(strategy, dirs[0]!, true), scenario }, { ...job(strategy, dirs[1]!, false), scenario }]);
      followed = results[0]!;
      expect(followed.run).toEqual(results[1]!.run);
      expect(followed.events).toBe(results[1]!.events);
    } finally {
      await threads.terminate();
    }
    for (const table of TABLES) {
      const file = tableFile(table, false);
      expect(readFileSync(join(dirs[0]!, file)).equals(readFileSync(join(dirs[1]!, file))), file).toBe(true);
    }
    return followed;
  }

  it.each(["kube", "mesos", "omega", "naive"])("writes the bytes its own thread writes (%s)", async (strategy) => {
    await followedAndOwn(strategy, strategy);
  }, 120_000);

  // A run of 20,000 groups or more: the follower warms the table writer once it has caught up with the run, and makes
  // groups.csv's lines of finished groups while the run goes on (sim/metrics/summary/early-lines.ts).
  it("writes the bytes its own thread writes when it warms the table writer and makes lines early on the way", async () => {
    const followed = await followedAndOwn("warm", "kube", shipped("contention-1k", ["workload.groups=20000"]));
    expect(followed.groups).toBe(20_000);
  }, 120_000);

  it("fails with the run's own error when its thread fails", async () => {
    const threads = new JobThreads(1);
    try {
      await expect(threads.runAll([job("no-such-strategy", mkdtempSync(join(work, "bad-")), true)])).rejects.toThrow(/unknown strategy "no-such-strategy"/);
    } finally {
      await threads.terminate();
    }
  }, 60_000);
});
