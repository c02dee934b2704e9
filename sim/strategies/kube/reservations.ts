import { Phase, type EventId, type Simulator } from "../../engine/index.ts";
import { Ev, type EventLog } from "../../metrics/log.ts";
import type { Cluster } from "../../model/cluster.ts";
import type { Pod } from "./pod.ts";

/** A Pod waiting at Permit: the hold it reserves on its node, and its timeout. */
interface Reservation {
  readonly hold: number;
  readonly gpuHandle: number;
  readonly timer: EventId;
}

/**
 * The resources of Pods waiting at Permit (kube-scheduler's assumed Pods in
 * its cache while the binding cycle waits): each is reserved on the Pod's
 * node and logged as a hold, until the Pod is allowed (the hold becomes the
 * running Pod's allocation), rejected, or its wait times out.
 */
export class Reservations {
  private readonly held = new Map<Pod, Reservation>();
  private nextHold = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly cluster: Cluster,
    private readonly log: EventLog,
  ) {}

  has(pod: Pod): boolean {
    return this.held.has(pod);
  }

  /** Reserves the Pod's request on its node; `onTimeout` runs if it is still waiting after `timeout` seconds. */
  reserve(pod: Pod, timeout: number, onTimeout: () => void): void {
    const { sim, log } = this;
    const gpuHandle = this.cluster.allocate(pod.node, pod.request);
    const hold = this.nextHold++;
    log.pushResources(sim.now, Ev.HoldStart, pod.group.index, pod.node, hold, pod.request);
    const timer = sim.after(timeout, Phase.Release, () => {
      log.push(sim.now, Ev.PermitTimeout, pod.group.index, pod.node, pod.index);
      onTimeout();
    });
    this.held.set(pod, { hold, gpuHandle, timer });
  }

  /** Ends the Pod's reservation (its timeout cancelled, its resources back on the node); false if it had none. */
  release(pod: Pod): boolean {
    const r = this.held.get(pod);
    if (r === undefined) return false;
    this.held.delete(pod);
    this.sim.cancel(r.timer);
    this.cluster.release(pod.node, pod.request, r.gpuHandle);
    this.log.pushResources(this.sim.now, Ev.HoldEnd, pod.group.index, pod.node, r.hold, pod.request);
    return true;
  }

  /** The Pods reserving on `node`. */
  on(node: number): Pod[] {
    return [...this.held.keys()].filter((pod) => pod.node === node);
  }
}
