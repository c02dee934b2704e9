// Whole `cosched run` commands on the gang benchmark, for profiling by hand.
// Usage: node --import tsx bench/gangs-cli.ts NODES GANGS [STRATEGY...]
import { gangFile, runWhole, scratch } from "./whole.ts";

const [nodes, gangs, ...strategies] = process.argv.slice(2);
const s = scratch();
try {
  const file = gangFile(s.dir, Number(nodes), Number(gangs));
  for (const strategy of strategies.length > 0 ? strategies : ["kube", "kube-coscheduling", "kube-kueue", "mesos", "omega", "naive"]) {
    const r = runWhole(`${nodes} x ${gangs} gangs`, file, strategy, Number(gangs));
    process.stdout.write(`${strategy.padEnd(17)} wall ${r.wall_s.toFixed(2)} s (simulate ${r.simulate_s.toFixed(2)}, summarize ${r.summarize_s.toFixed(2)}, write ${r.write_s.toFixed(2)}), peak ${r.peak_rss_mb} MB, ${r.events} events\n`);
  }
} finally {
  s.remove();
}
