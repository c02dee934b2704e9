import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gunzipSync } from "node:zlib";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mergeShards, runSweep } from "../sim/sweep/run-sweep.ts";
import { loadSweep, parseShard, shardFromEnv, shardTasks } from "../sim/sweep/spec.ts";
import { InputError } from "../sim/workload/errors.ts";

const BIN = resolve(import.meta.dirname, "../bin/cosched.js");
const work = mkdtempSync(join(tmpdir(), "cosched-sweep-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const TABLES = ["groups.csv", "runs.csv", "timeseries.csv", "deadlocks.csv", "schedulers.csv", "classes.csv"];
const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");

describe("sweep files", () => {
  it("expands parts x grid x strategies x seeds, with stable run ids and swept values", () => {
    const sweep = loadSweep("ci");
    expect(sweep.tasks).toHaveLength(2 * 4 * 2 + 4 * 2);
    expect(sweep.paramColumns).toEqual(["workload.rate", "cluster.count", "workload.groups", "horizon"]);
    expect(sweep.tasks[0]!.params).toEqual({ "workload.rate": "10", "cluster.count": "100", "workload.groups": "300", horizon: "600" });
    expect(sweep.tasks.at(-1)!.params["workload.rate"]).toBe("");
    expect(loadSweep("ci").tasks.map((t) => t.runId)).toEqual(sweep.tasks.map((t) => t.runId));
  });

  it("ships the 1,000-run sweep of the README's job-array examples", () => {
    const big = loadSweep("big");
    expect(big.tasks).toHaveLength(1000);
    expect(shardTasks(big.tasks, [1, 20])).toHaveLength(50);
  });

  it.each([
    ["1/4", [1, 4]],
    ["4/4", [4, 4]],
  ] as const)("parses --shard %s", (text, shard) => expect(parseShard(text)).toEqual(shard));

  it.each(["0/4", "5/4", "x", "1/0"])("rejects --shard %s", (text) => expect(() => parseShard(text)).toThrow(InputError));

  it.each([
    [{ JOB_COMPLETION_INDEX: "2", COSCHED_SHARDS: "8" }, [3, 8]],
    [{ SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "10" }, [5, 10]],
    [{ SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_COUNT: "4" }, [1, 4]],
    [{ AWS_BATCH_JOB_ARRAY_INDEX: "0", COSCHED_SHARDS: "3" }, [1, 3]],
    [{}, undefined],
  ] as const)("takes its shard from a job array's environment %j", (env, shard) => {
    expect(shardFromEnv(env as NodeJS.ProcessEnv)).toEqual(shard);
  });

  it("needs the shard count for a Kubernetes Indexed Job", () => {
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "1" })).toThrow(/COSCHED_SHARDS/);
  });

  it("splits tasks into shards that cover every task once", () => {
    const tasks = loadSweep("ci").tasks;
    const shards = [1, 2, 3].map((i) => shardTasks(tasks, [i, 3]));
    expect(shards.flat().map((t) => t.index).sort((a, b) => a - b)).toEqual(tasks.map((t) => t.index));
  });
});

describe("sweep runs", () => {
  it("reports a broken trace row found by a worker thread as bad input, not an internal error", async () => {
    const dir = join(work, "broken-trace");
    cpSync(resolve(import.meta.dirname, "fixtures/openb"), dir, { recursive: true });
    const header = readFileSync(join(dir, "pods.csv"), "utf8").split("\n")[0];
    writeFileSync(join(dir, "pods.csv"), `${header}\npod-a,4000,8192,0,0,,LS,Running,-10,110,10\n`);
    writeFileSync(join(dir, "s.json"), JSON.stringify({ name: "t", horizon: 100, cluster: { type: "openb", nodes: "nodes.csv" }, workload: { type: "openb", pods: "pods.csv" } }));
    writeFileSync(join(dir, "sweep.json"), JSON.stringify({ name: "broken", scenario: "s.json", strategies: ["kube", "naive"], seeds: [1, 2] }));
    const run = runSweep(loadSweep(join(dir, "sweep.json")), { out: join(dir, "out"), workers: 2, quiet: true });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(/pods\.csv:2: column 9 \(creation_time\): expected a non-negative number, got "-10"/);
  });

  it("gives byte-identical merged CSVs with 1 and 2 workers, and for shards merged together", async () => {
    const sweep = loadSweep("ci");
    const one = join(work, "one");
    const two = join(work, "two");
    await runSweep(sweep, { out: one, workers: 1, quiet: true });
    await runSweep(sweep, { out: two, workers: 2, quiet: true });
    const shardDirs = [1, 2, 3].map((i) => join(work, `shard-${i}`));
    for (const [i, dir] of shardDirs.entries()) {
      const s = await runSweep(sweep, { out: dir, workers: 1, shard: [i + 1, 3], quiet: true });
      expect(s.merged).toBe(false);
      expect(existsSync(join(dir, "runs.csv"))).toBe(false);
    }
    const merged = join(work, "merged");
    await mergeShards(shardDirs, merged);
    for (const t of TABLES) {
      expect(read(two, t)).toBe(read(one, t));
      expect(read(merged, t)).toBe(read(one, t));
    }
    const runs = read(one, "runs.csv").trim().split("\n");
    expect(runs).toHaveLength(1 + sweep.tasks.length);
    expect(runs[0]).toMatch(/,param\.workload\.rate,param\.cluster\.count,param\.workload\.groups,param\.horizon$/);
  });

  it("with --compress writes .csv.gz tables equal to the plain ones, and resumes and merges from either form", async () => {
    const sweep = loadSweep("ci");
    const plain = join(work, "plain-for-gz");
    const mixed = join(work, "mixed");
    await runSweep(sweep, { out: plain, workers: 2, quiet: true });
    // Half the runs compressed, the rest plain: the resume counts both, the merge reads both.
    await runSweep(sweep, { out: mixed, workers: 2, quiet: true, compress: true, shard: [1, 2] });
    const rest = await runSweep(sweep, { out: mixed, workers: 2, quiet: true });
    expect(rest.skipped).toBe(shardTasks(sweep.tasks, [1, 2]).length);
    for (const t of TABLES) expect(read(mixed, t)).toBe(read(plain, t));
    const gz = join(work, "merged-gz");
    await mergeShards([mixed], gz, { compress: true });
    for (const t of TABLES) {
      expect(existsSync(join(gz, t))).toBe(false);
      expect(gunzipSync(readFileSync(join(gz, `${t}.gz`))).toString("utf8")).toBe(read(plain, t));
    }
  });

  it("refuses to merge shards of different sweeps, or a missing run", async () => {
    const a = join(work, "partial");
    await runSweep(loadSweep("ci"), { out: a, workers: 1, shard: [1, 2], quiet: true });
    await expect(mergeShards([a], join(work, "never"))).rejects.toThrow(/is missing from/);
  });

  it.each([
    ["SIGKILL", "1", null],
    ["SIGTERM", "2", 143],
  ] as const)("resumes a sweep stopped by %s (workers %s): the rerun skips finished runs and the result equals an uninterrupted run", async (signal, workers, code) => {
    const sweep = loadSweep("ci");
    const reference = join(work, `reference-${signal}`);
    await runSweep(sweep, { out: reference, workers: 1, quiet: true });
    const out = join(work, `killed-${signal}`);
    const child = spawn(process.execPath, [BIN, "sweep", "ci", "--out", out, "--workers", workers, "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    // Stop it once a few runs are complete.
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        const runs = existsSync(join(out, "runs")) ? readdirSync(join(out, "runs")).filter((n) => !n.includes("tmp-")) : [];
        if (runs.length >= 3) {
          clearInterval(timer);
          child.kill(signal);
          done();
        }
      }, 20);
      child.on("exit", () => {
        clearInterval(timer);
        fail(new Error("the sweep finished before it could be stopped"));
      });
    });
    expect(await exited).toBe(code);
    if (code !== null) {
      // A handled signal leaves no temporary folder behind, only complete runs.
      expect(readdirSync(join(out, "runs")).filter((n) => n.includes("tmp-"))).toEqual([]);
      expect(readdirSync(out).filter((n) => n.includes("tmp-"))).toEqual([]);
    }
    const before = readdirSync(join(out, "runs")).filter((n) => !n.includes("tmp-")).length;
    expect(before).toBeGreaterThanOrEqual(3);
    // A handled signal says how many complete runs it kept for the resume.
    if (code !== null) expect(stderr).toMatch(new RegExp(`interrupted by ${signal}; kept ${before} complete runs of ${sweep.tasks.length} in \\S+ \\(rerun the same command to resume\\)`));
    expect(before).toBeLessThan(sweep.tasks.length);
    const rerun = spawnSync(process.execPath, [BIN, "sweep", "ci", "--out", out, "--workers", "2"], { encoding: "utf8" });
    expect(rerun.status).toBe(0);
    // The resumed sweep says up front what is already done.
    expect(rerun.stderr).toMatch(new RegExp(`^sweep ci: ${sweep.tasks.length} runs, ${before} already complete, ${sweep.tasks.length - before} to run on 2 workers$`, "m"));
    expect(rerun.stdout).toMatch(new RegExp(`${sweep.tasks.length - before} runs done, ${before} already complete`));
    for (const t of TABLES) expect(read(out, t)).toBe(read(reference, t));
    expect(readdirSync(join(out, "runs")).filter((n) => n.includes("tmp-"))).toEqual([]);
  });
});
