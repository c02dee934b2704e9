import { Ev } from "../metrics/log.ts";
import type { Group } from "../model/group.ts";
import { PodArrivals } from "./kube/arrivals.ts";
import { Coscheduling, coschedulingParams, type CoschedulingParams } from "./kube/coscheduling.ts";
import { podSchedulerParams, withPodScheduler, type PodSchedulerParams } from "./kube/params.ts";
import type { GangPlugin, WaitingPods } from "./kube/plugins.ts";
import { PodScheduler } from "./kube/scheduler.ts";
import type { Strategy, StrategyContext, StrategyDefinition } from "./strategy.ts";

/**
 * Kubernetes: each Pod exists once its whole spec exists (its last member
 * arrived), and is placed atomically in one scheduling cycle of
 * kube-scheduler (sim/strategies/kube/) on a node that fits its effective
 * request. A colocate group is one Pod, correct by construction; the Pods of
 * a gang or job are scheduled one by one, so without a gang plugin a gang may
 * run in part, its running Pods idle while they wait for the rest.
 */
export class Kube implements Strategy {
  readonly wholeGroups: boolean;
  readonly failureDetection: number;
  private readonly arrivals: PodArrivals;
  readonly scheduler: PodScheduler;

  constructor(
    private readonly ctx: StrategyContext,
    params: PodSchedulerParams,
    plugin?: (waiting: WaitingPods, scheduler: () => PodScheduler) => GangPlugin,
  ) {
    this.arrivals = new PodArrivals(ctx.groups);
    this.failureDetection = params.nodeMonitorGracePeriod + params.tolerationSeconds;
    // Whole Pods always; whole gangs only with a gang plugin.
    this.wholeGroups = plugin !== undefined || ctx.groups.every((g) => g.pods === undefined);
    this.scheduler = new PodScheduler(
      ctx,
      params,
      (pod, node) => {
        ctx.lifecycle.start(pod.group, pod.members, node, pod.request, pod.firstMember);
      },
      plugin === undefined ? undefined : (waiting) => plugin(waiting, () => this.scheduler),
    );
  }

  onSubmit(): void {}

  onMemberArrival(group: Group, member: number): void {
    const p = this.arrivals.arrive(group, member);
    if (p < 0) return;
    const { sim, log } = this.ctx;
    if (this.arrivals.allComplete(group)) log.push(sim.now, Ev.Created, group.index);
    this.scheduler.submitPod(group, p);
  }

  onFreed(node: number, group?: Group, pod?: number): void {
    this.scheduler.onFreed(node, group, pod);
  }

  onNodeDown(node: number): void {
    this.scheduler.onNodeDown(node);
  }

  onLost(group: Group): void {
    this.arrivals.reset(group);
    this.scheduler.forget(group);
  }
}

export const kube = {
  id: "kube",
  summary: "Kubernetes: each Pod placed atomically in one scheduling cycle (a colocate group is one Pod; a gang's Pods go one by one)",
  params: podSchedulerParams,
  create: (ctx, params) => new Kube(ctx, params),
} satisfies StrategyDefinition<PodSchedulerParams>;

const kubeCoschedulingParams = withPodScheduler({ coscheduling: coschedulingParams.default(coschedulingParams.parse({})) });
type KubeCoschedulingParams = PodSchedulerParams & { readonly coscheduling: CoschedulingParams };

export const kubeCoscheduling = {
  id: "kube-coscheduling",
  variantOf: "kube",
  summary: "kube with scheduler-plugins' Coscheduling: a gang's Pods wait at Permit, holding their nodes, until minMember are placed",
  params: kubeCoschedulingParams,
  create: (ctx, params) =>
    new Kube(ctx, params, (waiting, scheduler) => new Coscheduling(ctx.sim, params.coscheduling, waiting, (group, except) => scheduler().activateSiblings(group, except))),
} satisfies StrategyDefinition<KubeCoschedulingParams>;
