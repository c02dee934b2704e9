import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "../bin/cosched.js");

export interface StartupResult {
  readonly command: string;
  /** Median whole-process wall time, seconds. */
  readonly wall_s: number;
  readonly runs: number;
}

/** Median wall time of whole `cosched` processes, as a user starts them (the bundle in dist/, CSV written). */
export function runStartup(repeats: number): StartupResult[] {
  const out = mkdtempSync(join(tmpdir(), "cosched-startup-"));
  const cases: [string, string[]][] = [
    ["cosched --version", ["--version"]],
    ["cosched run seed-two-nodes", ["run", "seed-two-nodes", "--out", join(out, "run"), "--quiet"]],
  ];
  try {
    return cases.map(([command, args]) => {
      const times: number[] = [];
      spawnSync(process.execPath, [BIN, ...args]); // warm the file cache
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
        times.push((performance.now() - t0) / 1000);
        if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
      }
      times.sort((a, b) => a - b);
      return { command, wall_s: times[Math.floor(times.length / 2)]!, runs: repeats };
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
