import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

export interface PeerResult {
  readonly model: string;
  readonly events: number;
  /** cosched's seconds in a warm run (the second in its process), the budget's figure. */
  readonly coschedSeconds: number;
  /** cosched's seconds in the first run of a process, JIT compilation included. */
  readonly coschedColdSeconds: number;
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

/** One cosched run of the model in a fresh Node process (bench/peer-run.ts). */
function coschedRun(processes: number, timeouts: number): { events: number; cold: number; warm: number } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(HERE, "peer-run.ts"), String(processes), String(timeouts)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cosched peer run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { events: number; cold: number; warm: number };
}

/**
 * The hold-shaped model (processes x timeouts) on cosched's engine and on
 * SimPy, each the median of `runs` processes, timed from inside without
 * start-up, so neither side inherits the state of the benchmarks before it
 * (in the benchmark's own process the model ran 15-20 % slower after the
 * micro-benchmarks than in a fresh one). cosched's process runs the model
 * twice: the first run includes the JIT compiling the engine, the second is
 * the steady state the budget compares (CPython compiles nothing, so each
 * SimPy run is its steady state); both are reported.
 */
export function runPeer(processes = 1000, timeouts = 1000, runs = 5): PeerResult {
  const model = `${processes} processes x ${timeouts} exponential timeouts`;
  const ours: number[] = [];
  const cold: number[] = [];
  let events = 0;
  for (let i = 0; i < runs; i++) {
    const r = coschedRun(processes, timeouts);
    events = r.events;
    ours.push(r.warm);
    cold.push(r.cold);
  }
  const python = findSimpy();
  if (python === null) {
    return { model, events, coschedSeconds: median(ours), coschedColdSeconds: median(cold), simpySeconds: null, python, note: 'skipped SimPy: `python3 -c "import simpy"` failed (apt-get install python3-simpy3)' };
  }
  const theirs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(python, [join(HERE, "simpy_hold.py"), String(processes), String(timeouts)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`SimPy run failed: ${r.stderr}`);
    theirs.push(Number(r.stdout.trim()));
  }
  return { model, events, coschedSeconds: median(ours), coschedColdSeconds: median(cold), simpySeconds: median(theirs), python, note: "" };
}
