import { Ev, type EventLog } from "../metrics/log.ts";
import type { Cluster } from "./cluster.ts";

const EPS = 1e-6;
const NAMES = ["cpu", "memory", "gpu"] as const;
const FULL_SCAN_EVERY = 1024;

/**
 * A validating observer: after every event, no node is over capacity in any
 * dimension, free resources stay within [0, capacity], and the tasks running
 * on a node (summed independently from the event log) never exceed what the
 * cluster has allocated there. Nodes named by new log entries are checked
 * after every event, and every node every 1024 events and on `checkAll`.
 * Throws on the first violation. For tests and `--check`.
 */
export function capacityInvariant(cluster: Cluster, log: EventLog): { afterEvent: (now: number) => void; checkAll: (now: number) => void } {
  const caps = [cluster.capCpu, cluster.capMemory, cluster.capGpu] as const;
  const frees = [cluster.freeCpu, cluster.freeMemory, cluster.freeGpu] as const;
  const running = new Float64Array(cluster.size * 3);
  const dirty: number[] = [];
  let cursor = 0;
  let calls = 0;

  const check = (now: number, n: number): void => {
    if (cluster.up[n] === 0) {
      // A down node runs nothing; its free resources read -1.
      for (let d = 0; d < 3; d++) {
        if (running[n * 3 + d]! > EPS) throw new Error(`invariant violated at t=${now}: failed node ${cluster.name(n)} still runs tasks`);
      }
      return;
    }
    for (let d = 0; d < 3; d++) {
      const cap = caps[d]![n]!;
      const free = frees[d]![n]!;
      const run = running[n * 3 + d]!;
      if (free < -EPS || free > cap + EPS || run > cap - free + EPS) {
        throw new Error(`invariant violated at t=${now} on ${cluster.name(n)} (${NAMES[d]}): capacity=${cap} free=${free} running=${run}`);
      }
    }
  };

  const checkAll = (now: number): void => {
    for (let n = 0; n < cluster.size; n++) check(now, n);
  };

  const afterEvent = (now: number): void => {
    for (; cursor < log.length; cursor++) {
      const node = log.node[cursor]!;
      if (node < 0) continue;
      const kind = log.kind[cursor];
      const sign = kind === Ev.TaskStart ? 1 : kind === Ev.TaskFinish || kind === Ev.TaskKill || kind === Ev.TaskLost ? -1 : 0;
      if (sign !== 0) {
        running[node * 3]! += sign * log.r0[cursor]!;
        running[node * 3 + 1]! += sign * log.r1[cursor]!;
        running[node * 3 + 2]! += sign * log.r2[cursor]!;
      }
      dirty.push(node);
    }
    if (++calls % FULL_SCAN_EVERY === 0) checkAll(now);
    else for (const n of dirty) check(now, n);
    dirty.length = 0;
  };

  return { afterEvent, checkAll };
}
