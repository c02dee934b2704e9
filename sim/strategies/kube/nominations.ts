import type { Pod } from "./pod.ts";

/**
 * Pods nominated to a node by preemption (the Pod's status.nominatedNodeName):
 * the filter counts those of at least the Pod's priority as if running there
 * (RunFilterPluginsWithNominatedPods), and a nominated Pod tries its node first.
 */
export class Nominations {
  /** The nominated Pods by node (only nodes with some). */
  readonly byNode = new Map<number, Set<Pod>>();

  /** Nominates the Pod to `node` (in place of any earlier nomination). */
  nominate(pod: Pod, node: number): void {
    this.clear(pod);
    pod.nominated = node;
    let on = this.byNode.get(node);
    if (on === undefined) this.byNode.set(node, (on = new Set()));
    on.add(pod);
  }

  clear(pod: Pod): void {
    if (pod.nominated < 0) return;
    this.byNode.get(pod.nominated)?.delete(pod);
    pod.nominated = -1;
  }

  /** Writes to `out` the resources (cpu, memory, gpu) of Pods nominated to `node` with priority >= `priority`, other than `pod`; returns how many. */
  use(node: number, priority: number, pod: Pod, out: Float64Array): number {
    out[0] = out[1] = out[2] = 0;
    let count = 0;
    const on = this.byNode.get(node);
    if (on === undefined) return 0;
    for (const q of on) {
      if (q === pod || q.group.priority < priority) continue;
      out[0]! += q.request.cpu;
      out[1]! += q.request.memory;
      out[2]! += q.request.gpu;
      count++;
    }
    return count;
  }
}
