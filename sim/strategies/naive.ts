import { Ev } from "../metrics/log.ts";
import { memberCount, memberRequest, podOf, type Group } from "../model/group.ts";
import { add } from "../model/resources.ts";
import { podSchedulerParams, type PodSchedulerParams } from "./kube/params.ts";
import { containerNonZeroRequest } from "./kube/profile.ts";
import { PodScheduler } from "./kube/scheduler.ts";
import type { Strategy, StrategyContext, StrategyDefinition } from "./strategy.ts";

/**
 * Baseline: every container is its own Pod, scheduled one by one through the
 * kube machinery as soon as it arrives, with no co-location. A colocate group
 * whose members land on more than one node is split: an incorrect placement;
 * so is a Pod of a gang or job split over nodes. Gangs get no gang awareness.
 */
class Naive implements Strategy {
  readonly wholeGroups = false;
  readonly failureDetection: number;
  private readonly arrived: Uint16Array;
  private readonly rejected: Uint8Array;
  private readonly scheduler: PodScheduler;

  constructor(private readonly ctx: StrategyContext, params: PodSchedulerParams) {
    this.arrived = new Uint16Array(ctx.groups.length);
    this.rejected = new Uint8Array(ctx.groups.length);
    this.failureDetection = params.nodeMonitorGracePeriod + params.tolerationSeconds;
    this.scheduler = new PodScheduler(ctx, params, (pod, node) => {
      ctx.lifecycle.start(pod.group, pod.members, node, pod.request, pod.firstMember);
    });
  }

  onSubmit(): void {}

  onMemberArrival(group: Group, member: number): void {
    const { sim, log, podOverhead } = this.ctx;
    if (++this.arrived[group.index]! === memberCount(group)) log.push(sim.now, Ev.Created, group.index);
    if (this.rejected[group.index]) return;
    // The container alone as a Pod (its request plus the overhead, init container or not), its non-zero request counted as an app container's.
    const r = memberRequest(group, member);
    const queued = this.scheduler.submit(group, member, 1, add(r, podOverhead), containerNonZeroRequest(r, podOverhead), podOf(group, member));
    if (!queued) this.rejected[group.index] = 1;
  }

  onFreed(node: number, group?: Group, pod?: number): void {
    this.scheduler.onFreed(node, group, pod);
  }

  onNodeDown(node: number): void {
    this.scheduler.onNodeDown(node);
  }

  onLost(group: Group): void {
    this.arrived[group.index] = 0;
    this.rejected[group.index] = 0;
    this.scheduler.forget(group);
  }
}

export const naive = {
  id: "naive",
  summary: "Baseline: each container scheduled alone through the kube machinery; colocate groups may split",
  params: podSchedulerParams,
  create: (ctx, params) => new Naive(ctx, params),
} satisfies StrategyDefinition<PodSchedulerParams>;
