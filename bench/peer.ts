import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { holdProcesses } from "./engine-models.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

export interface PeerResult {
  readonly model: string;
  readonly events: number;
  readonly coschedSeconds: number;
  /** SimPy's seconds, or null when SimPy is not importable. */
  readonly simpySeconds: number | null;
  readonly python: string | null;
  readonly note: string;
}

/** The first interpreter that can `import simpy` (Debian's python3-simpy3 installs into /usr/bin/python3's path). */
function findSimpy(): string | null {
  for (const python of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(python, ["-c", "import simpy"], { encoding: "utf8" });
    if (r.status === 0) return python;
  }
  return null;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The hold-shaped model (processes x timeouts) on cosched's engine and on SimPy, each the median of `runs`. */
export function runPeer(processes = 1000, timeouts = 1000, runs = 3): PeerResult {
  const model = `${processes} processes x ${timeouts} exponential timeouts`;
  const ours: number[] = [];
  let events = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    events = holdProcesses(processes, timeouts);
    ours.push((performance.now() - t0) / 1000);
  }
  const python = findSimpy();
  if (python === null) {
    return { model, events, coschedSeconds: median(ours), simpySeconds: null, python, note: 'skipped SimPy: `python3 -c "import simpy"` failed (apt-get install python3-simpy3)' };
  }
  const theirs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(python, [join(HERE, "simpy_hold.py"), String(processes), String(timeouts)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`SimPy run failed: ${r.stderr}`);
    theirs.push(Number(r.stdout.trim()));
  }
  return { model, events, coschedSeconds: median(ours), simpySeconds: median(theirs), python, note: "" };
}
