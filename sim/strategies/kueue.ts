import { Phase, type EventId } from "../engine/index.ts";
import { Ev } from "../metrics/log.ts";
import { podCount, podRequest, type Group } from "../model/group.ts";
import { add, ZERO, type Resources } from "../model/resources.ts";
import { PodArrivals } from "./kube/arrivals.ts";
import { ClusterQueue, kueueParams, requeueBackoff, type KueueParams, type Workload } from "./kube/cluster-queue.ts";
import { withPodScheduler, type PodSchedulerParams } from "./kube/params.ts";
import { PodScheduler } from "./kube/scheduler.ts";
import type { Strategy, StrategyContext, StrategyDefinition } from "./strategy.ts";

interface Admission {
  readonly w: Workload;
  /** The pending waitForPodsReady timeout. */
  timer: EventId | undefined;
}

/**
 * Kueue in front of kube-scheduler: every group is a workload (a suspended
 * Job) queued in one ClusterQueue (kube/cluster-queue.ts). A workload is
 * admitted only when the free quota covers its whole request; its Pods are
 * then created (each once its containers arrived) and scheduled by plain
 * kube-scheduler. With waitForPodsReady, a workload whose Pods are not all
 * running `timeout` seconds after admission is evicted (its Pods deleted,
 * its quota released) and requeued after backoff; with blockAdmission
 * nothing else is admitted meanwhile
 * (pkg/controller/core/workload_controller.go reconcileNotReadyTimeout,
 * triggerDeactivationOrBackoffRequeue).
 *
 * Simplified: one ClusterQueue, no cohorts, borrowing, flavors or Kueue
 * preemption; admission takes no time; the requeue backoff has no jitter.
 */
class KubeKueue implements Strategy {
  readonly wholeGroups = false;
  readonly failureDetection: number;
  private readonly arrivals: PodArrivals;
  private readonly scheduler: PodScheduler;
  private readonly queue: ClusterQueue;
  private readonly workloads: (Workload | undefined)[];
  private readonly admitted = new Map<number, Admission>();
  /** Admitted workloads not yet ready (blockAdmission waits for none). */
  private notReady = 0;
  private kicked = false;
  private readonly block: boolean;

  constructor(
    private readonly ctx: StrategyContext,
    params: PodSchedulerParams,
    private readonly kueue: KueueParams,
  ) {
    this.arrivals = new PodArrivals(ctx.groups);
    this.workloads = new Array<Workload | undefined>(ctx.groups.length);
    this.failureDetection = params.nodeMonitorGracePeriod + params.tolerationSeconds;
    this.block = kueue.waitForPodsReady.enable && (kueue.waitForPodsReady.blockAdmission ?? true);
    const { cluster } = ctx;
    let cpu = 0;
    let memory = 0;
    let gpu = 0;
    for (let n = 0; n < cluster.size; n++) {
      cpu += cluster.capCpu[n]!;
      memory += cluster.capMemory[n]!;
      gpu += cluster.capGpu[n]!;
    }
    this.queue = new ClusterQueue({ cpu: cpu * kueue.quota, memory: memory * kueue.quota, gpu: gpu * kueue.quota }, kueue.queueingStrategy);
    this.scheduler = new PodScheduler(ctx, params, (pod, node) => {
      ctx.lifecycle.start(pod.group, pod.members, node, pod.request, pod.firstMember);
      this.checkReady(pod.group);
    });
  }

  onSubmit(group: Group): void {
    const { sim, log, podOverhead } = this.ctx;
    let request: Resources = ZERO;
    for (let p = 0; p < podCount(group); p++) request = add(request, podRequest(group, p, podOverhead));
    const w: Workload = { group, request, timestamp: sim.now, requeues: 0, state: "pending", token: 0 };
    this.workloads[group.index] = w;
    if (!this.queue.admissible(w)) {
      // Its request exceeds the nominal quota: no flavor can ever be assigned.
      w.state = "gone";
      log.push(sim.now, Ev.Unschedulable, group.index);
      return;
    }
    this.queue.push(w);
    this.kick();
  }

  onMemberArrival(group: Group, member: number): void {
    const p = this.arrivals.arrive(group, member);
    if (p < 0) return;
    const { sim, log } = this.ctx;
    if (this.arrivals.allComplete(group)) log.push(sim.now, Ev.Created, group.index);
    if (this.workloads[group.index]?.state === "admitted" && !this.ctx.lifecycle.podFinished(group.index, p)) this.scheduler.submitPod(group, p);
  }


  /** Runs admission at this instant, after every arrival and release of the instant. */
  private kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    this.ctx.sim.after(0, Phase.Decision, () => {
      this.kicked = false;
      this.admit();
    });
  }

  private admit(): void {
    const { sim, log } = this.ctx;
    while (!(this.block && this.notReady > 0)) {
      const w = this.queue.admitNext();
      if (w === undefined) return;
      const group = w.group;
      log.pushResources(sim.now, Ev.Admitted, group.index, -1, w.requeues, w.request);
      const a: Admission = { w, timer: undefined };
      this.admitted.set(group.index, a);
      const wait = this.kueue.waitForPodsReady;
      if (wait.enable) {
        this.notReady++;
        a.timer = sim.after(wait.timeout, Phase.Release, () => this.evict(a));
      }
      // Pods whose containers all arrived are created now, the others as their containers arrive; a job's
      // Pods that already ran their duration before an eviction are not created again (the Job counts them).
      for (let p = 0; p < podCount(group); p++) if (this.arrivals.isComplete(group, p) && !this.ctx.lifecycle.podFinished(group.index, p)) this.scheduler.submitPod(group, p);
    }
  }

  /** PodsReady: every Pod of the workload has run (for a gang, at once). */
  private checkReady(group: Group): void {
    const a = this.admitted.get(group.index);
    if (a === undefined || a.w.state !== "admitted") return;
    if (!this.ctx.lifecycle.allPodsRan(group.index)) return;
    a.w.state = "ready";
    if (a.timer !== undefined) {
      this.ctx.sim.cancel(a.timer);
      a.timer = undefined;
      this.notReady--;
      this.kick();
    }
  }

  /** waitForPodsReady timeout: the workload is evicted, its Pods deleted, and it is requeued after backoff (or deactivated). */
  private evict(a: Admission): void {
    const { sim, log, lifecycle } = this.ctx;
    const w = a.w;
    const group = w.group;
    // The timeout fired: the workload no longer counts as admitted-not-ready.
    a.timer = undefined;
    this.notReady--;
    const wait = this.kueue.waitForPodsReady;
    w.requeues++;
    const limited = wait.backoffLimitCount !== undefined && w.requeues > wait.backoffLimitCount;
    const backoff = limited ? 0 : requeueBackoff(w.requeues, wait.backoffBaseSeconds, wait.backoffMaxSeconds);
    log.push(sim.now, Ev.Evicted, group.index, -1, w.requeues, backoff);
    this.unadmit(group);
    this.scheduler.forget(group);
    if (lifecycle.runningMembers(group.index) > 0) lifecycle.killGroup(group);
    if (limited) {
      w.state = "gone";
      log.push(sim.now, Ev.Abandon, group.index);
      return;
    }
    w.state = "backoff";
    const token = ++w.token;
    sim.after(backoff, Phase.Arrival, () => {
      if (w.state !== "backoff" || w.token !== token) return;
      w.timestamp = sim.now - backoff; // the eviction time
      this.queue.push(w);
      this.kick();
    });
  }

  /** The workload leaves admission: its quota is released and set-aside workloads are reconsidered. */
  private unadmit(group: Group): void {
    const a = this.admitted.get(group.index);
    if (a === undefined) return;
    this.admitted.delete(group.index);
    if (a.timer !== undefined) {
      this.ctx.sim.cancel(a.timer);
      this.notReady--;
    }
    this.queue.release(a.w);
    this.queue.requeueInadmissible();
    this.kick();
  }

  onFreed(node: number, group?: Group, pod?: number): void {
    this.scheduler.onFreed(node, group, pod);
    if (group !== undefined && this.ctx.lifecycle.isDone(group.index)) {
      const w = this.workloads[group.index];
      if (w !== undefined && w.state !== "gone") {
        this.unadmit(group);
        w.state = "gone";
      }
    }
  }

  onNodeDown(node: number): void {
    this.scheduler.onNodeDown(node);
  }

  onLost(group: Group): void {
    this.unadmit(group);
    const w = this.workloads[group.index];
    if (w !== undefined) w.state = "gone";
    this.arrivals.reset(group);
    this.scheduler.forget(group);
  }
}

const kubeKueueParams = withPodScheduler({ kueue: kueueParams.default(kueueParams.parse({})) });
type KubeKueueParams = PodSchedulerParams & { readonly kueue: KueueParams };

export const kubeKueue = {
  id: "kube-kueue",
  variantOf: "kube",
  summary: "kube behind Kueue: a group is admitted only when free quota covers it whole; evicted and requeued if its Pods are not all running in time",
  params: kubeKueueParams,
  create: (ctx, params) => new KubeKueue(ctx, params, params.kueue),
} satisfies StrategyDefinition<KubeKueueParams>;
