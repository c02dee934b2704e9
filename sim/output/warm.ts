import { GROUP_COLUMNS } from "../metrics/columns.ts";
import { CsvBytes } from "../metrics/csv-bytes.ts";
import { GROUP_NUMBERS, GroupTable } from "../metrics/summary/group-table.ts";
import { BYTE_CHUNK_ROWS } from "./tables.ts";

/** Lines written to warm the writer (in TableWriter's chunks): enough calls of its field writers for V8 to optimise them. */
const WARM_ROWS = 6144;

/**
 * Runs groups.csv's writer over a made-up table whose bytes are thrown
 * away, so that V8 has optimised it before a real table is written. A
 * followed run's tables are written once its thread has simulated, and
 * the writer's code had not run yet on the following thread: its first
 * 2,048 lines of naive's groups.csv took 42-57 ms, the last ones 3-6 ms.
 * The thread that follows a run is idle most of the time the run
 * simulates, so it warms the writer then. Since most lines are made while
 * the run goes on (sim/metrics/summary/early-lines.ts) it still saves
 * about 10 ms of naive's writing at 10,000 x 100,000 (0.084 against 0.094
 * s, means of 8 alternated runs). Writes no file, and nothing it makes
 * outlives the call.
 */
export function warmGroupsWriter(): void {
  const n = WARM_ROWS;
  const table = new GroupTable({ runId: "000000000000", scenario: "warm", strategy: "warm", seed: 1 }, n, (node) => `node-${node}`);
  const { numbers, texts, flags } = table;
  // Every kind of value the writer meets: whole numbers, fractions, NaN (an empty field), large and small.
  for (let g = 0; g < n; g++) {
    const x = (g * 7919) % 1000;
    GROUP_NUMBERS.forEach((c, k) => {
      const kind = (g + k) % 5;
      numbers[c][g] = kind === 0 ? x : kind === 1 ? x / 7 : kind === 2 ? NaN : kind === 3 ? x * 12345.6789 : x * 1e-5;
    });
    texts.group_id[g] = `g${g}`;
    texts.class[g] = "default";
    texts.kind[g] = "colocate";
    texts.outcome[g] = g % 3 === 0 ? "split" : "completed";
    texts.preemptor[g] = "";
    texts.phase[g] = "Succeeded";
    flags.correct[g] = g & 1;
    flags.gang_ok[g] = (g >> 1) & 1;
    table.nodes.set(g, g % 4 === 0 ? [] : [g % 97, (g * 31) % 97].slice(0, 1 + (g % 2)));
  }
  const out = new CsvBytes();
  for (let at = 0; at < n; at += BYTE_CHUNK_ROWS) {
    out.reset();
    table.csvBytes(GROUP_COLUMNS, at, Math.min(n, at + BYTE_CHUNK_ROWS), [], out);
  }
}
