import { spread } from "../metrics/stats.ts";
import { count, pct, sci, sec, withSpread, wrap } from "./format.ts";
import { renderTable } from "./text-table.ts";
import { fixedSettings, groupBy, num, settingLabeler, type Row } from "./data.ts";

/** What every figure of the comparison table is, printed above it. */
export const TABLE_LEGEND =
  "One row per scenario setting and strategy (settings are never pooled). Every figure is the mean over runs (seeds) of that run's value, " +
  "± the half-width of its 95 % confidence interval across seeds (Student's t) where there are several: correct = share of the run's groups placed correctly; " +
  "lat p50/p99 = the run's latency percentiles (s, over its groups that started); deadlocks (hold-and-wait among groups), stalls (a group waiting for what its node can never give), rollbacks = per run; conflict frac = conflicted / clean transactions; held/wasted mem·s = per run (MiB x s).";

/** The per-setting, per-strategy comparison over a folder's runs. */
export function comparisonTable(runs: readonly Row[]): string {
  const settingOf = settingLabeler(runs);
  const header = ["setting", "strategy", "runs", "groups", "correct", "lat p50", "lat p99", "deadlocks", "stalls", "conflict frac", "rollbacks", "held mem·s", "wasted mem·s"];
  const body = [...groupBy(runs, (r) => `${settingOf(r)}\u0000${r.strategy}`)].map(([, list]) => {
    const s = (k: string) => spread(list.map((r) => num(r[k])));
    return [
      settingOf(list[0]!),
      list[0]!.strategy!,
      String(list.length),
      withSpread(s("groups"), count),
      withSpread(s("correct_rate"), pct),
      withSpread(s("latency_p50"), sec),
      withSpread(s("latency_p99"), sec),
      withSpread(s("deadlocks"), count),
      withSpread(s("stalls"), count),
      withSpread(s("conflict_fraction"), (x) => x.toFixed(3)),
      withSpread(s("rollbacks"), count),
      withSpread(s("held_memory_s"), sci),
      withSpread(s("wasted_memory_s"), sci),
    ];
  });
  const fixed = fixedSettings(runs);
  return renderTable(header, body) + (fixed.length > 0 ? `\n\n${wrap(`Swept values the same in every run of a scenario: ${fixed.join("; ")}.`)}` : "");
}
