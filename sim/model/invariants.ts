import type { Cluster } from "./cluster.ts";
import type { Lifecycle } from "./lifecycle.ts";

const EPS = 1e-6;

/**
 * A validating observer: after every event, no node is over capacity in any
 * dimension, free resources stay within [0, capacity], and the resources of
 * the tasks running on a node never exceed what the cluster has allocated
 * there. Throws on the first violation. O(nodes + tasks) per call: for tests
 * and `--check`, not for production runs.
 */
export function capacityInvariant(cluster: Cluster, lifecycle: Lifecycle): (now: number) => void {
  return (now) => {
    const running = lifecycle.allocatedPerNode();
    for (let n = 0; n < cluster.size; n++) {
      const caps = [cluster.capCpu[n]!, cluster.capMemory[n]!, cluster.capGpu[n]!];
      const frees = [cluster.freeCpu[n]!, cluster.freeMemory[n]!, cluster.freeGpu[n]!];
      const r = running.get(n);
      const runs = r === undefined ? [0, 0, 0] : [r.cpu, r.memory, r.gpu];
      for (let d = 0; d < 3; d++) {
        const used = caps[d]! - frees[d]!;
        if (frees[d]! < -EPS || frees[d]! > caps[d]! + EPS || runs[d]! > used + EPS || runs[d]! > caps[d]! + EPS) {
          throw new Error(
            `invariant violated at t=${now} on ${cluster.name(n)} (${["cpu", "memory", "gpu"][d]}): ` +
              `capacity=${caps[d]} free=${frees[d]} running=${runs[d]}`,
          );
        }
      }
    }
  };
}
