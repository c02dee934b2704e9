import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { allStrategies } from "../strategies/registry.ts";
import { InputError } from "../workload/errors.ts";
import { loadScenario, SCENARIO_DIR } from "../workload/scenario.ts";
import { parseBytes, parseSeeds, parseStrategies } from "./args.ts";
import { InvariantError } from "../check/invariant-error.ts";
import { assertWithinBudget, defaultBudget, estimateRun, formatBytes } from "../workload/estimate.ts";
import { isStopping } from "./interrupt.ts";
import { executeRuns, summaryTable } from "./run.ts";
import { loadSweep, parseShard, shardFromEnv } from "../sweep/spec.ts";
import { mergeShards, runSweep } from "../sweep/run-sweep.ts";
import { report } from "../report/report.ts";

const debug = hideBin(process.argv).includes("--debug");

/** Bad input: one line on stderr, exit code 2. */
function fail(message: string): never {
  process.stderr.write(`cosched: ${message}\n`);
  process.exit(2);
}

/**
 * Any error ends the command with one line on stderr: bad input exits 2;
 * a broken invariant or an internal error exits 1. The stack trace only with
 * --debug. After Ctrl-C, errors of work being torn down are left to the
 * interrupt handler, which exits with 130/143.
 */
function crash(err: unknown): void {
  if (isStopping()) return;
  if (debug) process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  if (err instanceof InputError) fail(err.message);
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0];
  const kind = err instanceof InvariantError ? "" : "internal error: ";
  process.stderr.write(`cosched: ${kind}${message}${debug ? "" : " (run with --debug for the stack trace)"}\n`);
  process.exit(1);
}

function guard(action: () => void): void {
  try {
    action();
  } catch (err) {
    crash(err);
  }
}

async function guardAsync(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    crash(err);
  }
}

function listShipped(): { name: string; description: string }[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const raw = JSON.parse(readFileSync(join(SCENARIO_DIR, f), "utf8")) as { description?: string };
      return { name: f.replace(/\.json$/, ""), description: raw.description ?? "" };
    });
}

await yargs(hideBin(process.argv))
  .scriptName("cosched")
  .usage("$0 <command> [options]")
  .command(
    "run <scenarios..>",
    "run scenarios (files or shipped names) through strategies and write CSV",
    (y) =>
      y
        .positional("scenarios", { type: "string", array: true, demandOption: true, describe: "scenario files or shipped scenario names" })
        .option("strategy", { type: "string", default: "all", describe: "comma-separated strategy ids, or all" })
        .option("seed", { type: "string", describe: "one seed (default: the scenario's seed)" })
        .option("seeds", { type: "string", describe: "seeds: a range like 1..10 or a list like 1,2,5" })
        .option("out", { type: "string", default: "results/latest", describe: "output folder (replaced atomically)" })
        .option("set", { type: "string", array: true, default: [], describe: "override a scenario value: path=value (repeatable)" })
        .option("check-invariants", { type: "boolean", default: false, alias: "check", describe: "run the validating observer after every event and check every outcome at the end (slower)" })
        .option("max-memory", { type: "string", describe: "refuse runs estimated to need more memory than this (e.g. 2GB; default: the Node heap limit)" })
        .option("quiet", { type: "boolean", default: false, describe: "print only the summary table" })
        .conflicts("seed", "seeds"),
    (argv) =>
      guardAsync(async () => {
        const strategies = parseStrategies(argv.strategy);
        const seeds =
          argv.seeds !== undefined ? parseSeeds(argv.seeds) : argv.seed !== undefined ? parseSeeds(argv.seed, "--seed") : undefined;
        if (argv.seed !== undefined && seeds !== undefined && seeds.length !== 1) fail(`--seed ${argv.seed}: expected one seed (use --seeds for several)`);
        const budget = argv.maxMemory !== undefined ? parseBytes(argv.maxMemory, "--max-memory") : defaultBudget();
        const sets = argv.set.map(String);
        const scenarios = argv.scenarios.map((ref) => loadScenario(String(ref), sets));
        for (const s of scenarios) assertWithinBudget(s.file, s.spec, budget);
        const quiet = argv.quiet;
        const rows = await executeRuns({
          scenarios,
          strategies,
          seeds,
          out: argv.out,
          check: argv.checkInvariants,
          progress: !quiet,
          log: (line) => {
            if (!quiet) process.stderr.write(`${line}\n`);
          },
        });
        process.stdout.write(`${summaryTable(rows)}\n`);
        if (!quiet) process.stderr.write(`wrote ${argv.out}/: groups, runs, timeseries, deadlocks, schedulers (CSV) and manifest.json\n`);
      }),
  )
  .command(
    "sweep <file>",
    "run a sweep file (grid x strategies x seeds) on a worker pool; resumes where it stopped",
    (y) =>
      y
        .positional("file", { type: "string", demandOption: true, describe: "a sweep file, or the name of a shipped sweep" })
        .option("out", { type: "string", demandOption: true, describe: "output folder (runs/<run_id>/ plus merged CSVs)" })
        .option("workers", { type: "number", describe: "worker threads (default: cores)" })
        .option("shard", { type: "string", describe: "run only slice I of N, e.g. 3/8 (else from a job array's environment)" })
        .option("max-memory", { type: "string", describe: "refuse runs estimated to need more memory than this (e.g. 2GB; default: the Node heap limit)" })
        .option("quiet", { type: "boolean", default: false, describe: "no progress output" }),
    (argv) =>
      guardAsync(async () => {
        if (argv.workers !== undefined && !(Number.isInteger(argv.workers) && argv.workers >= 1)) fail(`--workers ${argv.workers}: expected a whole number >= 1`);
        const shard = argv.shard !== undefined ? parseShard(argv.shard) : shardFromEnv(process.env);
        const sweep = loadSweep(argv.file, argv.maxMemory !== undefined ? parseBytes(argv.maxMemory, "--max-memory") : defaultBudget());
        const summary = await runSweep(sweep, { out: argv.out, workers: argv.workers, shard, quiet: argv.quiet });
        const where = shard === undefined ? "" : ` (shard ${shard[0]}/${shard[1]})`;
        process.stdout.write(
          `sweep ${sweep.name}${where}: ${summary.ran} runs done, ${summary.skipped} already complete, of ${summary.total}` +
            (summary.merged ? `; merged ${sweep.tasks.length} runs into ${argv.out}\n` : `; merge the shards with cosched merge\n`),
        );
      }),
  )
  .command(
    "merge <dirs..>",
    "merge the output folders of a sharded sweep",
    (y) => y.positional("dirs", { type: "string", array: true, demandOption: true }).option("out", { type: "string", demandOption: true }),
    (argv) =>
      guard(() => {
        const n = mergeShards(argv.dirs.map(String), argv.out);
        process.stdout.write(`merged ${n} runs into ${argv.out}\n`);
      }),
  )
  .command(
    "report <dir>",
    "print a comparison per strategy and write SVG charts next to the CSVs of a run or sweep folder",
    (y) =>
      y
        .positional("dir", { type: "string", demandOption: true })
        .option("load", { type: "string", describe: "swept scenario path to use as the load axis (default workload.rate)" })
        .option("decision", { type: "string", describe: "swept scenario path to use as the decision-time axis (default decision.tJob)" }),
    (argv) =>
      guardAsync(async () => {
        const { table, charts } = await report(argv.dir, { ...(argv.load ? { load: argv.load } : {}), ...(argv.decision ? { decision: argv.decision } : {}) });
        process.stdout.write(`${table}\n`);
        process.stderr.write(`wrote ${charts.length} charts: ${charts.map((c) => c.split("/").pop()).join(", ")}\n`);
      }),
  )
  .command(
    "validate <files..>",
    "check scenario files against the schema",
    (y) => y.positional("files", { type: "string", array: true, demandOption: true }),
    (argv) =>
      guard(() => {
        for (const file of argv.files) {
          const s = loadScenario(String(file));
          const e = estimateRun(s.spec, dirname(s.file));
          process.stdout.write(`ok ${s.file}: cluster ${s.spec.cluster.type}, workload ${s.spec.workload.type}, horizon ${s.spec.horizon} s, about ${formatBytes(e.bytes)} per run\n`);
        }
      }),
  )
  .command(
    "list",
    "list shipped scenarios and strategies",
    (y) => y,
    () => {
      process.stdout.write("scenarios:\n");
      for (const s of listShipped()) process.stdout.write(`  ${s.name.padEnd(28)} ${s.description}\n`);
      process.stdout.write("strategies:\n");
      for (const d of allStrategies()) process.stdout.write(`  ${d.id.padEnd(28)} ${d.summary}\n`);
    },
  )
  .option("debug", { type: "boolean", default: false, global: true, describe: "print stack traces of errors" })
  .demandCommand(1, "expected a command: run, sweep, merge, report, validate or list")
  .strict()
  .fail((msg, err) => {
    if (err) crash(err);
    else fail(msg);
  })
  .help()
  .parseAsync()
  .catch(crash);
