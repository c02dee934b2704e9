import type { Pod } from "./pod.ts";

/**
 * A group's Pod list grows by exact copies up to this length: a push gives an
 * array room for 16 more, ~150 bytes per group where the naive baseline's
 * groups of 3 containers (a Pod each) need 3 slots.
 */
const EXACT_PODS = 8;

/** Every live Pod of the scheduler, by group (so a lost or evicted group's Pods can be dropped). */
export class GroupPods {
  private readonly pods: (Pod[] | undefined)[];

  constructor(groups: number) {
    this.pods = new Array<Pod[] | undefined>(groups).fill(undefined);
  }

  /** The group's Pods (none: empty). */
  of(group: number): readonly Pod[] {
    return this.pods[group] ?? NONE;
  }

  /** Adds the Pod to its group's list; whether the group had Pods already. */
  add(pod: Pod): boolean {
    const g = pod.group.index;
    const pods = this.pods[g];
    if (pods === undefined) this.pods[g] = [pod];
    else if (pods.length < EXACT_PODS) this.pods[g] = withOneMore(pods, pod);
    else pods.push(pod);
    return pods !== undefined;
  }

  /** Takes the group's Pods out (undefined: it had none). */
  drop(group: number): readonly Pod[] | undefined {
    const pods = this.pods[group];
    this.pods[group] = undefined;
    return pods;
  }
}

const NONE: readonly Pod[] = [];

function withOneMore(pods: readonly Pod[], pod: Pod): Pod[] {
  const out = new Array<Pod>(pods.length + 1);
  for (let i = 0; i < pods.length; i++) out[i] = pods[i]!;
  out[pods.length] = pod;
  return out;
}
