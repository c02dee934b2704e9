import { memberCount, podCount, podEnd, podFirst, podOf, type Group } from "../../model/group.ts";

/**
 * Which Pods of each group exist: a Pod exists once every one of its
 * members (containers) arrived. Colocate groups are one Pod.
 */
export class PodArrivals {
  /** Per colocate group: members arrived. */
  private readonly arrived: Uint16Array;
  /** Per gang or job with members arriving: members arrived per Pod. */
  private readonly perPod = new Map<number, Uint16Array>();
  /** Per group: Pods complete. */
  private readonly complete: Uint32Array;

  constructor(groups: readonly Group[]) {
    this.arrived = new Uint16Array(groups.length);
    this.complete = new Uint32Array(groups.length);
  }

  /** Member `m` of the group arrived: the index of the Pod it completes, or -1. */
  arrive(group: Group, m: number): number {
    if (group.pods === undefined) {
      if (++this.arrived[group.index]! < memberCount(group)) return -1;
      this.complete[group.index] = 1;
      return 0;
    }
    const p = podOf(group, m);
    let counts = this.perPod.get(group.index);
    if (counts === undefined) this.perPod.set(group.index, (counts = new Uint16Array(podCount(group))));
    if (++counts[p]! < podEnd(group, p) - podFirst(group, p)) return -1;
    if (++this.complete[group.index]! === podCount(group)) this.perPod.delete(group.index);
    return p;
  }

  /** Whether Pod p of the group exists. */
  isComplete(group: Group, p: number): boolean {
    if (this.allComplete(group)) return true;
    const counts = this.perPod.get(group.index);
    return counts !== undefined && counts[p]! === podEnd(group, p) - podFirst(group, p);
  }

  /** Every Pod of the group exists. */
  allComplete(group: Group): boolean {
    return this.complete[group.index]! === podCount(group);
  }

  /** The group is gone (lost, evicted): its Pods will arrive again. */
  reset(group: Group): void {
    this.arrived[group.index] = 0;
    this.complete[group.index] = 0;
    this.perPod.delete(group.index);
  }
}
