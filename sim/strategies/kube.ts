import { Ev } from "../metrics/log.ts";
import { effectiveRequest, type Group } from "../model/group.ts";
import { podSchedulerParams, type PodSchedulerParams } from "./kube/params.ts";
import { nonZeroRequest } from "./kube/profile.ts";
import { PodScheduler } from "./kube/scheduler.ts";
import type { Strategy, StrategyContext, StrategyDefinition } from "./strategy.ts";

/**
 * Kubernetes: the group is one Pod. The Pod exists once its whole spec exists
 * (its last member arrived), and is placed atomically in one scheduling cycle
 * of kube-scheduler (sim/strategies/kube/) on a node that fits its effective
 * request. Correct by construction.
 */
class Kube implements Strategy {
  readonly wholeGroups = true;
  readonly failureDetection: number;
  private readonly arrived: Uint16Array;
  private readonly scheduler: PodScheduler;

  constructor(private readonly ctx: StrategyContext, params: PodSchedulerParams) {
    this.arrived = new Uint16Array(ctx.groups.length);
    this.failureDetection = params.nodeMonitorGracePeriod + params.tolerationSeconds;
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
    const apps = group.members.filter((m) => !m.init).map((m) => m.request);
    const inits = group.members.filter((m) => m.init).map((m) => m.request);
    this.scheduler.submit(group, 0, group.members.length, effectiveRequest(group.members, podOverhead), nonZeroRequest(apps, inits, podOverhead));
  }

  onFreed(node: number, group?: Group): void {
    this.scheduler.onFreed(node, group);
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
