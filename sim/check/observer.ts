import { Ev, type EventLog } from "../metrics/log.ts";
import type { Cluster } from "../model/cluster.ts";
import type { Group } from "../model/group.ts";
import type { Strategy } from "../strategies/strategy.ts";
import { InvariantError } from "./invariant-error.ts";

const NAMES = ["cpu", "memory", "gpu"] as const;
const FULL_SCAN_EVERY = 1024;

/** What the observer watches: the live cluster, the log, and the strategy's own accounting. */
export interface Watched {
  readonly cluster: Cluster;
  readonly log: EventLog;
  readonly groups: readonly Group[];
  readonly strategy: Pick<Strategy, "wholeGroups" | "offeredOn">;
}

export interface InvariantObserver {
  /** Checks what the events logged since the last call touched; every node every 1024 calls. */
  afterEvent(now: number): void;
  /** Checks every node. */
  checkAll(now: number): void;
}

/**
 * The validating observer. After every event, on every node the event
 * touched (named in the event log, or whose free resources changed):
 * - no dimension is over capacity: 0 <= free <= capacity;
 * - free + running + held + offered = capacity, where running and held are
 *   summed independently from the log (task starts/ends, hold starts/ends)
 *   and offered is what the strategy reports locked in unanswered offers;
 * - a failed node runs and holds nothing;
 * and, for a strategy that places whole groups, no group runs only part of
 * its members. Every node is re-checked every 1024 events and by `checkAll`.
 * Throws an InvariantError on the first violation. For tests and
 * `cosched run --check-invariants`.
 */
export function invariantObserver(w: Watched): InvariantObserver {
  const { cluster, log, groups, strategy } = w;
  const caps = [cluster.capCpu, cluster.capMemory, cluster.capGpu] as const;
  const frees = [cluster.freeCpu, cluster.freeMemory, cluster.freeGpu] as const;
  const running = new Float64Array(cluster.size * 3);
  const held = new Float64Array(cluster.size * 3);
  const liveTasks = new Int32Array(groups.length);
  const whole = new Uint8Array(groups.length);
  const dirtyNodes: number[] = [];
  const dirtyGroups: number[] = [];
  let cursor = 0;
  let calls = 0;
  // Offers (and anything else) that change a node's free resources without a log entry naming it.
  cluster.onChange = (node) => dirtyNodes.push(node);

  const fail = (now: number, what: string): never => {
    throw new InvariantError(`invariant violated at t=${now} ${what}`);
  };

  const checkNode = (now: number, n: number): void => {
    if (cluster.up[n] === 0) {
      for (let d = 0; d < 3; d++) {
        if (running[n * 3 + d]! > tolerance(caps[d]![n]!)) fail(now, `on ${cluster.name(n)}: the failed node still runs tasks`);
        if (held[n * 3 + d]! > tolerance(caps[d]![n]!)) fail(now, `on ${cluster.name(n)}: the failed node still holds resources`);
      }
      return;
    }
    const offered = strategy.offeredOn?.(n);
    for (let d = 0; d < 3; d++) {
      const cap = caps[d]![n]!;
      const free = frees[d]![n]!;
      const run = running[n * 3 + d]!;
      const hold = held[n * 3 + d]!;
      const off = offered === undefined ? 0 : d === 0 ? offered.cpu : d === 1 ? offered.memory : offered.gpu;
      const eps = tolerance(cap);
      if (free < -eps || free > cap + eps || Math.abs(free + run + hold + off - cap) > eps) {
        fail(now, `on ${cluster.name(n)} (${NAMES[d]}): capacity=${cap} free=${free} running=${run} held=${hold} offered=${off}`);
      }
    }
  };

  const checkAll = (now: number): void => {
    for (let n = 0; n < cluster.size; n++) checkNode(now, n);
  };

  const afterEvent = (now: number): void => {
    for (; cursor < log.length; cursor++) {
      const kind = log.kind[cursor]!;
      const node = log.node[cursor]!;
      const g = log.group[cursor]!;
      let account: Float64Array | undefined;
      let sign = 0;
      switch (kind) {
        case Ev.TaskStart:
          account = running;
          sign = 1;
          if (liveTasks[g]!++ === 0) whole[g] = 0;
          dirtyGroups.push(g);
          break;
        case Ev.TaskFinish:
        case Ev.TaskKill:
        case Ev.TaskLost:
          account = running;
          sign = -1;
          if (--liveTasks[g]! < 0) fail(now, `: group ${groups[g]?.id} ended a task it did not run`);
          dirtyGroups.push(g);
          break;
        case Ev.GroupStart:
          whole[g] = 1;
          break;
        case Ev.HoldStart:
          account = held;
          sign = 1;
          break;
        case Ev.HoldEnd:
          account = held;
          sign = -1;
          break;
        default:
          break;
      }
      if (account !== undefined) {
        account[node * 3]! += sign * log.r0[cursor]!;
        account[node * 3 + 1]! += sign * log.r1[cursor]!;
        account[node * 3 + 2]! += sign * log.r2[cursor]!;
      }
      if (node >= 0) dirtyNodes.push(node);
    }
    if (++calls % FULL_SCAN_EVERY === 0) checkAll(now);
    else for (const n of dirtyNodes) checkNode(now, n);
    dirtyNodes.length = 0;
    if (strategy.wholeGroups) {
      for (const g of dirtyGroups) {
        // A job's Pods run on their own; a gang is whole once minMember of its Pods run (its GroupStart).
        if (liveTasks[g]! > 0 && whole[g] === 0 && groups[g]?.kind !== "job") fail(now, `: group ${groups[g]?.id} runs only part of its members under a strategy that places whole groups`);
      }
    }
    dirtyGroups.length = 0;
  };

  return { afterEvent, checkAll };
}

/** Resources are sums of requests; allow rounding proportional to the capacity. */
function tolerance(cap: number): number {
  return 1e-6 * Math.max(1, cap);
}
