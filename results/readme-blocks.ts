// README blocks that quote command output, regenerated from the code: `npm test` checks them
// (test/readme.test.ts) and `npm run results` rewrites them (results/embed.ts). A block sits between
// `<!-- readme-check:start NAME -->` and `<!-- readme-check:end -->`.
import { runScenario } from "../sim/api.ts";
import { summaryTable, SUMMARY_LEGEND } from "../sim/cli/run.ts";
import { DEADLOCK_COLUMNS } from "../sim/metrics/columns.ts";
import { toCsv } from "../sim/metrics/csv.ts";
import { wrap } from "../sim/report/format.ts";

const SHIPPED = ["kube", "mesos", "omega", "naive"];

/** What `cosched run SCENARIOS --strategy all` prints on stdout. */
function runSummary(...scenarios: string[]): string {
  const rows = scenarios.flatMap((s) => SHIPPED.map((strategy) => runScenario(s, { strategy }).run));
  return `${wrap(SUMMARY_LEGEND)}\n${summaryTable(rows)}`;
}

export const BLOCKS: Record<string, () => string> = {
  /** npm start. */
  "npm-start": () => runSummary("seed-two-nodes", "contention-1k"),
  /** The mesos worked example: `cosched run deadlock-two-frameworks --strategy mesos`, some groups.csv columns and deadlocks.csv. */
  "deadlock-example": () => {
    const run = runScenario("deadlock-two-frameworks", { strategy: "mesos" });
    const groups = toCsv(run.groups, ["group_id", "pod_created", "started", "outcome", "correct", "held_cpu_s", "held_memory_s"]).trimEnd();
    return `# groups.csv (some columns)\n${groups}\n# deadlocks.csv\n${toCsv(run.deadlocks, DEADLOCK_COLUMNS).trimEnd()}`;
  },
  /** `cosched run openb-default --strategy all`. */
  openb: () => runSummary("openb-default"),
};

const START = (name: string) => `<!-- readme-check:start ${name} -->`;
const END = "<!-- readme-check:end -->";

/** The text of block `name` in the README (inside its code fence). */
export function quoted(readme: string, name: string): string | undefined {
  const start = readme.indexOf(START(name));
  if (start < 0) return undefined;
  const block = readme.slice(start, readme.indexOf(END, start));
  return block.slice(block.indexOf("```\n") + 4, block.lastIndexOf("```")).trimEnd();
}

/** The README with every block regenerated. */
export function refreshed(readme: string): string {
  let text = readme;
  for (const [name, make] of Object.entries(BLOCKS)) {
    const start = text.indexOf(START(name));
    if (start < 0) throw new Error(`README.md: no block ${START(name)}`);
    const end = text.indexOf(END, start);
    text = `${text.slice(0, start)}${START(name)}\n\`\`\`\n${make()}\n\`\`\`\n${text.slice(end)}`;
  }
  return text;
}
