import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { executeRuns } from "../sim/cli/run.ts";
import { JobThreads } from "../sim/execute/threads.ts";
import { joinParts } from "../sim/output/parts.ts";
import { TABLES, tableFile } from "../sim/output/tables.ts";
import { shipped } from "./support/fixtures.ts";

const work = mkdtempSync(join(tmpdir(), "cosched-workers-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs seed-two-nodes and contention-1k through every strategy on `workers` threads; returns the output folder. */
async function runOn(workers: number, compress: boolean): Promise<string> {
  const out = join(work, `w${workers}-${compress ? "gz" : "csv"}`);
  await executeRuns({
    scenarios: [shipped("seed-two-nodes"), shipped("contention-1k")],
    strategies: ["kube", "mesos", "omega", "naive"],
    seeds: [1],
    out,
    check: false,
    compress,
    workers,
    log: () => {},
  });
  return out;
}

describe("cosched run on several worker threads", () => {
  it.each([false, true])("writes the same table bytes on one thread and on three (compressed: %s)", async (compress) => {
    const one = await runOn(1, compress);
    const three = await runOn(3, compress);
    for (const table of TABLES) {
      const file = tableFile(table, compress);
      expect(readFileSync(join(three, file)).equals(readFileSync(join(one, file))), file).toBe(true);
    }
    // No part folder is left behind, and the manifest says how many threads ran.
    expect(readdirSync(three).sort()).toEqual([...TABLES.map((t) => tableFile(t, compress)), "manifest.json"].sort());
    expect(JSON.parse(readFileSync(join(three, "manifest.json"), "utf8")).workers).toBe(3);
    if (compress) expect(gunzipSync(readFileSync(join(three, "groups.csv.gz"))).toString("utf8").split("\n")[0]).toMatch(/^run_id,/);
  }, 120_000);

  it("leaves no output when a run fails on one of several threads", async () => {
    const out = join(work, "failed");
    const runs = executeRuns({ scenarios: [shipped("seed-two-nodes")], strategies: ["kube", "no-such-strategy", "omega"], seeds: undefined, out, check: false, workers: 2, log: () => {} });
    await expect(runs).rejects.toThrow(/no-such-strategy/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("starts no job after one failed", async () => {
    const threads = new JobThreads(1);
    const started: number[] = [];
    const job = (strategy: string) => ({ scenario: shipped("seed-two-nodes"), strategy, seed: 1, check: false, dir: mkdtempSync(join(work, "job-")), compress: false });
    try {
      await expect(threads.runAll([job("kube"), job("no-such-strategy"), job("omega")], { start: (i) => started.push(i) })).rejects.toThrow(/no-such-strategy/);
    } finally {
      await threads.terminate();
    }
    expect(started).toEqual([0, 1]);
  }, 60_000);

  it("gives a loaded thread its first job in the caller's turn, not after it", async () => {
    const threads = new JobThreads(1);
    const job = (strategy: string) => ({ scenario: shipped("seed-two-nodes"), strategy, seed: 1, check: false, dir: mkdtempSync(join(work, "job-")), compress: false });
    try {
      await threads.runAll([job("kube")]); // its thread has loaded its code
      const started: number[] = [];
      const second = threads.runAll([job("omega")], { start: (i) => started.push(i) });
      // Started before this test yields: the command line parser's work after `cosched run`'s handler returns overlaps the run.
      expect(started).toEqual([0]);
      expect((await second)[0]!.groups).toBe(1);
    } finally {
      await threads.terminate();
    }
  }, 60_000);
});

describe("joining runs written apart", () => {
  it("concatenates each table's parts in the given order and removes the part folders", () => {
    const dir = mkdtempSync(join(work, "join-"));
    const parts = ["p0", "p1", "p2"].map((p) => join(dir, p));
    parts.forEach((p) => mkdirSync(p));
    writeFileSync(join(parts[0]!, "groups.csv"), "h\n0\n");
    writeFileSync(join(parts[2]!, "groups.csv"), "2\n");
    writeFileSync(join(parts[1]!, "groups.csv"), "1\n");
    joinParts(dir, parts, false);
    expect(readFileSync(join(dir, "groups.csv"), "utf8")).toBe("h\n0\n1\n2\n");
    // A table no part wrote is an empty file; nothing but the tables is left.
    expect(readFileSync(join(dir, "runs.csv"), "utf8")).toBe("");
    expect(readdirSync(dir).sort()).toEqual(TABLES.map((t) => tableFile(t, false)).sort());
  });

  it("never replaces a table already in the folder", () => {
    const dir = mkdtempSync(join(work, "join-"));
    writeFileSync(join(dir, "groups.csv"), "mine\n");
    expect(() => joinParts(dir, [], false)).toThrow(/EEXIST/);
    expect(readFileSync(join(dir, "groups.csv"), "utf8")).toBe("mine\n");
  });
});
