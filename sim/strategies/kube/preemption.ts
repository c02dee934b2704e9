import type { Rng } from "../../engine/index.ts";
import type { Cluster } from "../../model/cluster.ts";
import { priorityOf, type Pod } from "./pod.ts";

/**
 * DefaultPreemption's PostFilter (Kubernetes v1.34,
 * pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go and
 * pkg/scheduler/framework/preemption/preemption.go), on the cycle's snapshot:
 * candidate nodes are those where removing every lower-priority Pod makes the
 * preemptor fit (nominated Pods of at least its priority still count); on
 * each, the victims are the fewest: all lower-priority Pods are removed, then
 * reprieved highest priority first (earlier start first) while the preemptor
 * still fits. The dry run visits nodes from a random offset and stops after
 * max(10 % of the nodes, 100) candidates; the node is then chosen by the
 * lowest highest-victim priority, the smallest sum of victim priorities, the
 * fewest victims, the latest start of its highest-priority victims, in that
 * order (PodDisruptionBudgets are not modelled).
 */
export interface Candidate {
  readonly node: number;
  /** Most important first. */
  readonly victims: readonly Pod[];
}

export interface PreemptionView {
  readonly cluster: Cluster;
  /** Pods bound to the node, terminating ones included. */
  podsOn(node: number): Iterable<Pod>;
  /** Resources of Pods nominated to the node with priority >= `priority`, other than `pod`. */
  nominatedUse(node: number, priority: number, pod: Pod, out: Float64Array): void;
  /** Whether the node could ever hold the Pod (its capacity and selector). */
  possible(node: number, pod: Pod): boolean;
}

const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

/** MoreImportantPod: higher priority, then the earlier start. */
const moreImportant = (a: Pod, b: Pod): number => priorityOf(b) - priorityOf(a) || a.boundAt - b.boundAt || a.order - b.order;

export function selectVictimsOnNode(view: PreemptionView, node: number, pod: Pod): Pod[] | undefined {
  const { cluster } = view;
  const prio = priorityOf(pod);
  const nominated = new Float64Array(3);
  view.nominatedUse(node, prio, pod, nominated);
  let cpu = cluster.freeCpu[node]! - nominated[0]!;
  let memory = cluster.freeMemory[node]! - nominated[1]!;
  let gpu = cluster.freeGpu[node]! - nominated[2]!;
  const potential: Pod[] = [];
  for (const p of view.podsOn(node)) {
    if (priorityOf(p) >= prio) continue;
    potential.push(p);
    cpu += p.request.cpu;
    memory += p.request.memory;
    gpu += p.request.gpu;
  }
  const r = pod.request;
  if (potential.length === 0 || r.cpu > cpu || r.memory > memory || r.gpu > gpu) return undefined;
  potential.sort(moreImportant);
  const victims: Pod[] = [];
  for (const p of potential) {
    // Reprieve the Pod if the preemptor still fits with it back.
    if (r.cpu <= cpu - p.request.cpu && r.memory <= memory - p.request.memory && r.gpu <= gpu - p.request.gpu) {
      cpu -= p.request.cpu;
      memory -= p.request.memory;
      gpu -= p.request.gpu;
    } else victims.push(p);
  }
  return victims.length > 0 ? victims : undefined;
}

/** The candidate DefaultPreemption picks, or undefined when no node can be freed for the Pod. */
export function findPreemption(view: PreemptionView, pod: Pod, rng: Rng): Candidate | undefined {
  const n = view.cluster.size;
  const potential: number[] = [];
  for (let node = 0; node < n; node++) if (view.cluster.up[node] === 1 && view.possible(node, pod)) potential.push(node);
  if (potential.length === 0) return undefined;
  let want = Math.trunc((potential.length * MIN_CANDIDATE_NODES_PERCENTAGE) / 100);
  if (want < MIN_CANDIDATE_NODES_ABSOLUTE) want = MIN_CANDIDATE_NODES_ABSOLUTE;
  if (want > potential.length) want = potential.length;
  const offset = rng.int(potential.length);
  const candidates: Candidate[] = [];
  for (let k = 0; k < potential.length && candidates.length < want; k++) {
    const node = potential[(offset + k) % potential.length]!;
    const victims = selectVictimsOnNode(view, node, pod);
    if (victims !== undefined) candidates.push({ node, victims });
  }
  return pickOne(candidates);
}

function pickOne(candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  let bestKey: number[] = [];
  for (const c of candidates) {
    const highest = priorityOf(c.victims[0]!);
    // Priorities offset by 2^31 so that negative ones add up as upstream's int64 does.
    const sum = c.victims.reduce((s, v) => s + priorityOf(v) + 2 ** 31, 0);
    const earliestOfHighest = Math.min(...c.victims.filter((v) => priorityOf(v) === highest).map((v) => v.boundAt));
    const key = [highest, sum, c.victims.length, -earliestOfHighest];
    if (best === undefined || less(key, bestKey)) {
      best = c;
      bestKey = key;
    }
  }
  return best;
}

function less(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
