import { Ev } from "../metrics/log.ts";
import { effectiveRequest, type Group } from "../model/group.ts";
import { PodScheduler, podSchedulerParams, type PodSchedulerParams } from "./pod-scheduler.ts";
import type { Strategy, StrategyContext, StrategyDefinition } from "./strategy.ts";

/**
 * Kubernetes: the group is one Pod. The Pod exists once its whole spec exists
 * (its last member arrived), and is placed atomically in one scheduling cycle
 * on a node that fits its effective request. Correct by construction.
 */
class Kube implements Strategy {
  readonly wholeGroups = true;
  private readonly arrived: Uint16Array;
  private readonly scheduler: PodScheduler;

  constructor(private readonly ctx: StrategyContext, params: PodSchedulerParams) {
    this.arrived = new Uint16Array(ctx.groups.length);
    this.scheduler = new PodScheduler(ctx, params, (pod, node) => {
      ctx.lifecycle.start(pod.group, pod.members, node, pod.request);
    });
  }

  onSubmit(): void {}

  onMemberArrival(group: Group): void {
    const count = ++this.arrived[group.index]!;
    if (count < group.members.length) return;
    const { sim, log, podOverhead } = this.ctx;
    log.push(sim.now, Ev.Created, group.index);
    this.scheduler.submit(group, 0, group.members.length, effectiveRequest(group.members, podOverhead));
  }

  onFreed(node: number): void {
    this.scheduler.onFreed(node);
  }

  onNodeDown(): void {}

  onLost(group: Group): void {
    this.arrived[group.index] = 0;
    this.scheduler.forget(group);
  }
}

export const kube = {
  id: "kube",
  summary: "Kubernetes: the group is one Pod, placed atomically in one scheduling cycle",
  params: podSchedulerParams,
  create: (ctx, params) => new Kube(ctx, params),
} satisfies StrategyDefinition<PodSchedulerParams>;
