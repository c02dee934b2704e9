// Whole `cosched run` commands at one scale point, for profiling by hand.
// Usage: node --import tsx bench/whole-cli.ts NODES GROUPS [STRATEGY...]
import { runWhole, scaleFile, scratch } from "./whole.ts";

const [nodes, groups, ...strategies] = process.argv.slice(2);
const s = scratch();
try {
  const file = scaleFile(s.dir, Number(nodes), Number(groups));
  for (const strategy of strategies.length > 0 ? strategies : ["kube", "mesos", "omega", "naive"]) {
    const r = runWhole(`${nodes} x ${groups}`, file, strategy, Number(groups));
    process.stdout.write(`${strategy.padEnd(6)} wall ${r.wall_s.toFixed(2)} s (simulate ${r.simulate_s.toFixed(2)}, summarize ${r.summarize_s.toFixed(2)}, write ${r.write_s.toFixed(2)}), peak ${r.peak_rss_mb} MB, ${r.events} events\n`);
  }
} finally {
  s.remove();
}
