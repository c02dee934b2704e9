import { TABLES } from "../output/tables.ts";
import { dirname } from "node:path";
import { availableParallelism } from "node:os";
import { assertWithinBudget, memoryBudget, runsThatFit } from "../workload/estimate.ts";
import { InputError } from "../workload/errors.ts";
import { loadScenario } from "../workload/scenario.ts";
import { checkWorkers, parseBytes, parseSeeds, parseStrategies } from "./args.ts";
import { wrap } from "../report/format.ts";
import { executeRuns, summaryTable, SUMMARY_LEGEND } from "./run.ts";

export interface RunArgs {
  readonly scenarios: readonly (string | number)[];
  readonly strategy: string;
  readonly seed?: string | undefined;
  readonly seeds?: string | undefined;
  readonly out: string;
  readonly set: readonly (string | number)[];
  readonly checkInvariants: boolean;
  readonly maxMemory?: string | undefined;
  readonly workers?: number | undefined;
  readonly quiet: boolean;
  readonly force: boolean;
  readonly compress: boolean;
  readonly command: readonly string[];
}

/** `cosched run`: every scenario x strategy x seed, one summary table on stdout. */
export async function runCommand(argv: RunArgs): Promise<void> {
  const strategies = parseStrategies(argv.strategy);
  const seeds = argv.seeds !== undefined ? parseSeeds(argv.seeds) : argv.seed !== undefined ? parseSeeds(argv.seed, "--seed") : undefined;
  if (argv.seed !== undefined && seeds !== undefined && seeds.length !== 1) throw new InputError(`--seed ${argv.seed}: expected one seed (use --seeds for several)`);
  const budget = memoryBudget(argv.maxMemory !== undefined ? parseBytes(argv.maxMemory, "--max-memory") : undefined);
  checkWorkers(argv.workers);
  const sets = argv.set.map(String);
  const scenarios = argv.scenarios.map((ref) => loadScenario(String(ref), sets));
  const runCount = scenarios.length * strategies.length * (seeds?.length ?? 1);
  // By default one run per core, as many as the memory budget holds at once; --workers asks for a number (checked against the budget).
  let workers = Math.min(runCount, argv.workers ?? availableParallelism());
  for (const s of scenarios) {
    const e = assertWithinBudget(s.file, s.spec, dirname(s.file), budget, strategies, argv.workers === undefined ? 1 : workers);
    // One run fits (assertWithinBudget checked it), so this stays at least 1.
    if (argv.workers === undefined) workers = Math.min(workers, runsThatFit(e, budget));
  }
  const quiet = argv.quiet;
  const rows = await executeRuns({
    scenarios,
    strategies,
    seeds,
    out: argv.out,
    check: argv.checkInvariants,
    progress: !quiet,
    force: argv.force,
    compress: argv.compress,
    command: argv.command,
    workers,
    log: (line) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    },
  });
  process.stdout.write(`${wrap(SUMMARY_LEGEND)}\n${summaryTable(rows)}\n`);
  if (!quiet) process.stderr.write(`wrote ${argv.out}/: ${TABLES.join(", ")} (${argv.compress ? "CSV, gzip" : "CSV"}) and manifest.json\n`);
}
