// The command line: cheap to start. Each command loads its own code when it runs (report's chart
// libraries only for report), so `cosched --version` and small runs start at once.
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { InputError } from "../workload/errors.ts";
import { closest } from "../workload/suggest.ts";
import { isStopping } from "../process/interrupt.ts";
import { InvariantError } from "../check/invariant-error.ts";

const args = hideBin(process.argv);
const debug = args.includes("--debug");
const COMMANDS = ["run", "sweep", "merge", "report", "validate", "list"];

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

async function guard(action: () => void | Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    crash(err);
  }
}

/** Options that take one value: given twice, yargs makes an array; that is a mistake, said plainly. */
const SINGLE = ["strategy", "seed", "seeds", "out", "max-memory", "workers", "shard", "load", "decision"];
function once(argv: Record<string, unknown>): void {
  for (const name of SINGLE) {
    if (Array.isArray(argv[name])) fail(`--${name} given ${(argv[name] as unknown[]).length} times (${(argv[name] as unknown[]).join(", ")}); give it once${name === "seed" ? " (use --seeds 1,2 for several seeds)" : name === "strategy" ? " (use --strategy kube,naive for several)" : ""}`);
  }
}

const output = <T,>(y: Argv<T>) =>
  y
    .option("force", { type: "boolean", default: false, describe: "write into a folder holding files cosched did not write (they are never replaced or deleted)" })
    .option("compress", { type: "boolean", default: false, describe: "write *.csv.gz (pandas reads them as they are)" });
const budget = <T,>(y: Argv<T>) => y.option("max-memory", { type: "string", describe: "refuse runs estimated to need more memory than this (e.g. 2GB; default: the Node heap limit)" });

// `cosched run` has its command loaded before the line is parsed, so the handler reaches the run's
// thread in its first turn (JobThreads): yargs' own work after the handler returns (it builds the whole
// help text, ~40 ms) then overlaps the run instead of coming before it.
const runModule = args[0] === "run" ? await import("./run-command.ts") : undefined;

await yargs(args)
  .scriptName("cosched")
  .usage("$0 <command> [options]\n\nCompare how scheduler designs co-schedule groups of containers: kube, mesos, omega, naive.")
  .middleware((argv) => once(argv as Record<string, unknown>), true)
  .command(
    "run <scenarios..>",
    "run scenarios (files or shipped names) through strategies and write CSV",
    (y) =>
      budget(output(y))
        .positional("scenarios", { type: "string", array: true, demandOption: true, describe: "scenario files or shipped scenario names" })
        .option("strategy", { type: "string", default: "all", describe: "comma-separated strategy ids, or all" })
        .option("seed", { type: "string", describe: "one seed (default: the scenario's seed)" })
        .option("seeds", { type: "string", describe: "seeds: a range like 1..10 or a list like 1,2,5" })
        .option("out", { type: "string", default: "results/latest", describe: "output folder: new, empty, or one cosched wrote" })
        .option("set", { type: "string", array: true, default: [], describe: "override a scenario value: path=value (repeatable)" })
        .option("check-invariants", { type: "boolean", default: false, alias: "check", describe: "run the validating observer after every event and check every outcome at the end (slower)" })
        .option("quiet", { type: "boolean", default: false, describe: "print only the summary table" })
        .option("workers", { type: "number", describe: "runs at once, one worker thread each (default: cores, as memory allows); the CSV is the same for any number" })
        .conflicts("seed", "seeds")
        .example("$0 run seed-two-nodes", "the seeds' example through every strategy")
        .example("$0 run contention-1k --strategy kube,mesos --seeds 1..5 --out results/c1k", "two strategies, five seeds")
        .example("$0 run contention-1k --set workload.rate=40 --set decision.tJob=0.05", "override scenario values")
        .example("$0 run my.json --compress --out results/big", "write groups.csv.gz and the other tables compressed"),
    (argv) =>
      guard(async () => {
        const { runCommand } = runModule ?? (await import("./run-command.ts"));
        await runCommand({ ...argv, command: args });
      }),
  )
  .command(
    "sweep <file>",
    "run a sweep file (grid x strategies x seeds) on a worker pool; resumes where it stopped",
    (y) =>
      budget(output(y))
        .positional("file", { type: "string", demandOption: true, describe: "a sweep file, or the name of a shipped sweep" })
        .option("out", { type: "string", describe: "output folder (runs/<run_id>/ plus merged CSVs); new, empty, or one cosched wrote" })
        .option("workers", { type: "number", describe: "worker threads (default: cores)" })
        .option("shard", { type: "string", describe: "run only slice I of N, e.g. 3/8 (else from a job array's environment)" })
        .option("dry-run", { type: "boolean", default: false, describe: "list the grid, the number of runs and the estimated time and memory; run nothing" })
        .option("quiet", { type: "boolean", default: false, describe: "no progress output" })
        .check((a) => {
          if (!a.dryRun && a.out === undefined) throw new InputError("sweep: --out is required (or --dry-run to see the plan)");
          return true;
        })
        .example("$0 sweep default --dry-run", "the plan of the shipped default sweep")
        .example("$0 sweep scenarios/sweeps/ci.json --out results/ci --workers 2", "run a sweep; rerun the same command to resume")
        .example("$0 sweep big --out /results/big --shard 3/20", "one shard of a job array; then cosched merge"),
    (argv) =>
      guard(async () => {
        const { sweepCommand } = await import("./sweep-command.ts");
        await sweepCommand({ ...argv, command: args });
      }),
  )
  .command(
    "merge <dirs..>",
    "merge the output folders of a sharded sweep",
    (y) =>
      output(y)
        .positional("dirs", { type: "string", array: true, demandOption: true })
        .option("out", { type: "string", demandOption: true, describe: "output folder: new, empty, or one cosched wrote (a shards' shared folder merges in place)" })
        .example("$0 merge /results/big --out /results/big", "shards that wrote one shared folder, merged in place")
        .example("$0 merge shard1 shard2 shard3 --out merged", "shards in separate folders"),
    (argv) =>
      guard(async () => {
        const { mergeCommand } = await import("./sweep-command.ts");
        await mergeCommand({ ...argv, command: args });
      }),
  )
  .command(
    "report <dir>",
    "print a comparison per setting and strategy and write SVG charts next to the CSVs of a run or sweep folder",
    (y) =>
      y
        .positional("dir", { type: "string", demandOption: true })
        .option("load", { type: "string", describe: "swept scenario path to use as the load axis (default workload.rate)" })
        .option("decision", { type: "string", describe: "swept scenario path to use as the decision-time axis (default decision.tJob)" })
        .option("force", { type: "boolean", default: false, describe: "write charts into a folder cosched did not write (never replacing a file there)" })
        .example("$0 report results/default", "table and charts of the shipped default sweep"),
    (argv) =>
      guard(async () => {
        const { report, describeSkipped } = await import("../report/report.ts");
        const r = await report(argv.dir, { force: argv.force, ...(argv.load ? { load: argv.load } : {}), ...(argv.decision ? { decision: argv.decision } : {}) });
        process.stdout.write(`${r.table}\n`);
        if (r.charts.length > 0) process.stderr.write(`wrote ${r.charts.length} chart${r.charts.length > 1 ? "s" : ""}: ${r.charts.map((c) => c.split("/").pop()).join(", ")}\n`);
        for (const s of r.skipped) process.stderr.write(`${describeSkipped(argv.dir, s)}\n`);
      }),
  )
  .command(
    "validate <files..>",
    "check scenario and sweep files (schema, traces, memory estimate)",
    (y) =>
      budget(y)
        .positional("files", { type: "string", array: true, demandOption: true })
        .example("$0 validate scenarios/contention-1k.json scenarios/sweeps/default.json", "a scenario and a sweep"),
    (argv) =>
      guard(async () => {
        const { validateCommand } = await import("./info-command.ts");
        validateCommand(argv.files.map(String), argv.maxMemory);
      }),
  )
  .command(
    "list",
    "list shipped scenarios, sweeps and strategies",
    (y) => y,
    () =>
      guard(async () => {
        const { listCommand } = await import("./info-command.ts");
        listCommand();
      }),
  )
  .option("debug", { type: "boolean", default: false, global: true, describe: "print stack traces of errors" })
  .demandCommand(1, `expected a command: ${COMMANDS.join(", ")} (see cosched --help)`)
  .strict()
  .fail((msg, err) => {
    if (err) return crash(err);
    const word = args.find((a) => !a.startsWith("-"));
    if (word !== undefined && !COMMANDS.includes(word) && /^Unknown argument/.test(msg)) {
      const guess = closest(word, COMMANDS);
      fail(`unknown command "${word}" (${guess !== undefined ? `did you mean "${guess}"? ` : ""}expected one of ${COMMANDS.join(", ")})`);
    }
    fail(msg);
  })
  .help()
  .version()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .parseAsync()
  .catch(crash);
