// The cosched side of the SimPy peer, one run in its own process (as each SimPy run is in its own
// interpreter), so what earlier benchmarks left in the heap and the JIT does not weigh on it.
// Usage: node --import tsx bench/peer-run.ts PROCESSES TIMEOUTS
// Prints one JSON line: the events processed, and the seconds of the first run (cold: the JIT compiles the
// engine during it) and of a second run right after it (warm), start-up excluded as for SimPy.
import { holdProcesses } from "./engine-models.ts";

const [processes, timeouts] = process.argv.slice(2).map(Number);
if (!(processes! > 0) || !(timeouts! > 0)) {
  process.stderr.write("usage: peer-run.ts PROCESSES TIMEOUTS\n");
  process.exit(2);
}
const timed = (): { events: number; seconds: number } => {
  const t0 = performance.now();
  const events = holdProcesses(processes!, timeouts!);
  return { events, seconds: (performance.now() - t0) / 1000 };
};
const cold = timed();
const warm = timed();
process.stdout.write(`${JSON.stringify({ events: warm.events, cold: cold.seconds, warm: warm.seconds })}\n`);
