import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { readHead } from "../sim/output/manifest.ts";
import { readTable } from "../sim/report/data.ts";

const BIN = resolve(import.meta.dirname, "../bin/cosched.js");
const SEED = resolve(import.meta.dirname, "../scenarios/seed-two-nodes.json");
const work = mkdtempSync(join(tmpdir(), "cosched-outputs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cosched(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` with its bytes: what a command must leave exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = readFileSync(join(d, e.name), "latin1");
    }
  };
  walk(dir, "");
  return out;
}

/** A fresh folder holding a user's files. */
function userFolder(name: string, files: Record<string, string> = { "src/work.txt": "my thesis\n", "notes.txt": "keep\n" }): string {
  const dir = join(work, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const run = (cwd: string, out: string, ...extra: string[]) => cosched(cwd, "run", "seed-two-nodes", "--strategy", "kube,naive", "--out", out, "--quiet", ...extra);

describe("cosched run never deletes or replaces a file it did not write", () => {
  it.each([
    ["--out . in a folder holding the user's files", () => ({ cwd: userFolder("dot"), out: ".", watch: "." }), /--out \.: the folder holds files cosched did not write \((notes\.txt, src|src, notes\.txt)\); choose a new or empty folder, or add --force/],
    ["--out on a folder with foreign files", () => ({ cwd: work, out: userFolder("foreign"), watch: join(work, "foreign") }), /foreign: the folder holds files cosched did not write/],
    ["--out on the scenario's own folder", () => {
      const dir = userFolder("scenario-folder", {});
      cpSync(SEED, join(dir, "s.json"));
      return { cwd: dir, out: ".", watch: "." };
    }, /--out \.: the folder holds files cosched did not write \(s\.json\)/],
    ["--out ..", () => ({ cwd: join(userFolder("parent"), "src"), out: "..", watch: ".." }), /--out \.\.: the folder holds files cosched did not write/],
    ["--out on a file", () => ({ cwd: userFolder("a-file", { "results.csv": "a,b\n1,2\n" }), out: "results.csv", watch: "." }), /--out results\.csv: is a file \(expected a folder\)$/],
    ["--out /", () => ({ cwd: userFolder("root-case"), out: "/", watch: "." }), /--out \/: refusing to write into the root of a file system/],
    ['--out ""', () => ({ cwd: userFolder("empty-case"), out: "", watch: "." }), /--out "": expected a folder path$/],
  ])("refuses %s with one line and exit code 2, touching nothing", (_, setup, message) => {
    const { cwd, out, watch } = setup();
    const before = snapshot(resolve(cwd, watch));
    const r = run(cwd, out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(snapshot(resolve(cwd, watch))).toEqual(before);
  });

  it("refuses the scenario file itself as --out", () => {
    const dir = userFolder("scenario-file", {});
    cpSync(SEED, join(dir, "s.json"));
    const r = cosched(dir, "run", "s.json", "--out", "s.json", "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out s\.json: is a file \(expected a folder\)/);
    expect(readFileSync(join(dir, "s.json"), "utf8")).toBe(readFileSync(SEED, "utf8"));
  });

  it("with --force writes beside the user's files, replacing none of them", () => {
    const dir = userFolder("forced");
    const before = snapshot(dir);
    const r = run(work, dir, "--force");
    expect(r.code).toBe(0);
    const after = snapshot(dir);
    for (const [file, text] of Object.entries(before)) expect(after[file]).toBe(text);
    const manifest = JSON.parse(after["manifest.json"]!);
    expect(manifest.files).toEqual(["classes.csv", "deadlocks.csv", "groups.csv", "manifest.json", "runs.csv", "schedulers.csv", "timeseries.csv"]);
    // Now it is cosched's folder too: a rerun needs no --force, and still leaves the user's files alone.
    expect(run(work, dir).code).toBe(0);
    for (const [file, text] of Object.entries(before)) expect(snapshot(dir)[file]).toBe(text);
  });

  it("even with --force, refuses to replace a file of the same name that cosched did not write", () => {
    const dir = userFolder("forced-clash", { "groups.csv": "my,own,table\n" });
    const r = run(work, dir, "--force");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.csv exists there and cosched did not write it/);
    expect(snapshot(dir)).toEqual({ "groups.csv": "my,own,table\n" });
  });

  it("reruns into its own folder: replaces its files, keeps a file the user added, drops its own stale charts", () => {
    const out = join(work, "own");
    expect(run(work, out).code).toBe(0);
    expect(cosched(work, "report", out).code).toBe(0);
    expect(existsSync(join(out, "latency_cdf.svg"))).toBe(true);
    writeFileSync(join(out, "notes.txt"), "the user's\n");
    expect(run(work, out, "--seed", "2").code).toBe(0);
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("the user's\n");
    expect(existsSync(join(out, "latency_cdf.svg"))).toBe(false); // drawn from the replaced tables: cosched's own, and stale
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).seeds).toEqual([2]);
  });

  it("refuses a second writer while one holds the folder, and takes over the lock of a writer that is gone", () => {
    const out = join(work, "locked");
    mkdirSync(out);
    writeFileSync(join(out, ".cosched-lock"), `${process.pid}@${hostname().replace(/[^A-Za-z0-9_.-]/g, "_")}`);
    const r = run(work, out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`another cosched \\(pid ${process.pid} on .*\\) is writing into this folder`));
    writeFileSync(join(out, ".cosched-lock"), `999999999@${hostname().replace(/[^A-Za-z0-9_.-]/g, "_")}`);
    expect(run(work, out).code).toBe(0);
    expect(existsSync(join(out, ".cosched-lock"))).toBe(false);
  });

  it("clears temp entries whose writer is gone, and never another live writer's", () => {
    const out = join(work, "temps");
    expect(run(work, out).code).toBe(0);
    const host = hostname().replace(/[^A-Za-z0-9_.-]/g, "_");
    mkdirSync(join(out, `.cosched-tmp-999999999-0.0@${host}`));
    mkdirSync(join(out, `.cosched-tmp-${process.pid}-0.7@${host}`));
    mkdirSync(join(out, ".cosched-tmp-1-0.0@another-host"));
    expect(run(work, out).code).toBe(0);
    expect(readdirSync(out).filter((n) => n.startsWith(".cosched-tmp-")).sort()).toEqual([`.cosched-tmp-${process.pid}-0.7@${host}`, ".cosched-tmp-1-0.0@another-host"].sort());
  });
});

describe("sweep, merge and report follow the same rule", () => {
  it.each([
    ["sweep", (dir: string) => ["sweep", "ci", "--out", dir, "--quiet"]],
    ["merge", (dir: string) => ["merge", join(work, "never-a-sweep"), "--out", dir]],
  ])("%s refuses a folder holding files cosched did not write", (_, args) => {
    const dir = userFolder(`foreign-${_}`);
    const before = snapshot(dir);
    const r = cosched(work, ...args(dir));
    expect(r.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it("report writes no chart into a folder cosched did not write, unless --force, and never replaces a file there", () => {
    const made = join(work, "for-report");
    expect(run(work, made).code).toBe(0);
    const dir = userFolder("copied", {});
    for (const f of ["runs.csv", "groups.csv", "timeseries.csv"]) cpSync(join(made, f), join(dir, f));
    writeFileSync(join(dir, "utilisation.svg"), "<svg>the user's own</svg>");
    const refused = cosched(work, "report", dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not a folder cosched wrote \(no cosched manifest\.json\)/);
    const forcedClash = cosched(work, "report", dir, "--force");
    expect(forcedClash.code).toBe(2);
    expect(forcedClash.stderr).toMatch(/utilisation\.svg exists there and cosched did not write it/);
    rmSync(join(dir, "utilisation.svg"));
    expect(cosched(work, "report", dir, "--force").code).toBe(0);
    expect(existsSync(join(dir, "latency_cdf.svg"))).toBe(true);
    expect(existsSync(join(dir, "manifest.json"))).toBe(false);
  });

  it("report draws no chart whose data is missing, says which and why, and keeps the earlier chart", () => {
    const out = join(work, "no-groups");
    expect(run(work, out).code).toBe(0);
    expect(cosched(work, "report", out).code).toBe(0);
    const chart = readFileSync(join(out, "latency_cdf.svg"), "utf8");
    rmSync(join(out, "groups.csv"));
    rmSync(join(out, "timeseries.csv"));
    const r = cosched(work, "report", out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not drawn: latency_cdf\.svg: no groups\.csv \(or groups\.csv\.gz\) in the folder; the earlier latency_cdf\.svg there is left as it was/);
    expect(r.stderr).toMatch(/not drawn: utilisation\.svg: no timeseries\.csv/);
    expect(r.stderr).toMatch(/^wrote 1 chart: correct_vs_load\.svg$/m);
    expect(r.stderr).toMatch(/not drawn: conflicts_vs_decision\.svg: no omega runs in this folder/);
    expect(readFileSync(join(out, "latency_cdf.svg"), "utf8")).toBe(chart);
  });
});

describe("CSV is read with a CSV parser", () => {
  it("keeps columns in place for a group id holding a comma and quotes", async () => {
    const s = JSON.parse(readFileSync(SEED, "utf8"));
    s.workload.groups[0].id = 'web,"db"';
    const file = join(work, "quoted.json");
    writeFileSync(file, JSON.stringify(s));
    const out = join(work, "quoted");
    expect(cosched(work, "run", file, "--strategy", "kube", "--out", out, "--quiet").code).toBe(0);
    const groups = (await readTable(out, "groups"))!;
    expect(groups[0]!.group_id).toBe('web,"db"');
    expect(groups[0]!.latency).toBe("0.15");
    expect(groups[0]!.outcome).toBe("completed");
  });
});

describe("--compress", () => {
  it("writes *.csv.gz whose content is the plain CSV, and a later plain run drops cosched's stale .gz files", () => {
    const plain = join(work, "plain");
    const gz = join(work, "gz");
    expect(run(work, plain).code).toBe(0);
    expect(run(work, gz, "--compress").code).toBe(0);
    for (const t of ["groups", "runs", "timeseries", "deadlocks", "schedulers", "classes"]) {
      expect(existsSync(join(gz, `${t}.csv`))).toBe(false);
      const a = readFileSync(join(plain, `${t}.csv`), "utf8").replace(/^[0-9a-f]{12},/gm, "");
      const b = gunzipSync(readFileSync(join(gz, `${t}.csv.gz`))).toString("utf8").replace(/^[0-9a-f]{12},/gm, "");
      expect(b).toBe(a);
    }
    expect(cosched(work, "report", gz).code).toBe(0);
    expect(run(work, gz).code).toBe(0);
    expect(readdirSync(gz).filter((f) => f.endsWith(".gz"))).toEqual([]);
  });
});

describe("provenance", () => {
  it.each([
    ["a branch's loose ref", { HEAD: "ref: refs/heads/main\n", "refs/heads/main": `${"a".repeat(40)}\n` }, "a".repeat(40)],
    ["a packed ref", { HEAD: "ref: refs/heads/main\n", "packed-refs": `# pack-refs with: peeled\n${"b".repeat(40)} refs/heads/other\n${"c".repeat(40)} refs/heads/main\n` }, "c".repeat(40)],
    ["a detached HEAD", { HEAD: `${"d".repeat(40)}\n` }, "d".repeat(40)],
    ["an unborn branch (git is asked)", { HEAD: "ref: refs/heads/main\n" }, undefined],
    ["no git folder (git is asked)", {}, undefined],
  ])("reads the commit of %s from the git folder itself", (_, files, expected) => {
    const git = join(work, `git-${Object.keys(files).join("-") || "none"}`);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(git, name, ".."), { recursive: true });
      writeFileSync(join(git, name), text);
    }
    expect(readHead(git)).toBe(expected);
  });

  it("every run folder's manifest has the command line, seeds, version, commit, Node and date, and no absolute path", () => {
    const out = join(work, "prov");
    expect(run(work, out, "--seed", "3").code).toBe(0);
    const text = readFileSync(join(out, "manifest.json"), "utf8");
    const m = JSON.parse(text);
    expect(m.tool).toBe("cosched");
    expect(m.command).toEqual(["cosched", "run", "seed-two-nodes", "--strategy", "kube,naive", "--out", out, "--quiet", "--seed", "3"]);
    expect(m.seeds).toEqual([3]);
    expect(m.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.git_commit === null || /^[0-9a-f]{40}$/.test(m.git_commit)).toBe(true);
    const git = spawnSync("git", ["rev-parse", "HEAD"], { cwd: resolve(import.meta.dirname, ".."), encoding: "utf8" });
    if (git.status === 0) expect(m.git_commit).toBe(git.stdout.trim());
    expect(m.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(m.created))).toBe(false);
    expect(m.scenarios[0].file).toBe("<cosched>/scenarios/seed-two-nodes.json");
    expect(m.scenarios[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.scenarios[0].resolved).toBeUndefined(); // inputs are referenced by path and digest, never embedded
    // The only absolute path is the one the user typed on the command line.
    expect(text.replaceAll(JSON.stringify(out), "").match(/"\/[^"]*"/g)).toBeNull();
  });
});
