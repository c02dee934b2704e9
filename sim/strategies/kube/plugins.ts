import type { Group } from "../../model/group.ts";
import type { Pod } from "./pod.ts";
import type { QueueSort } from "./queue.ts";

/** What the framework lets a Permit plugin do with Pods waiting at Permit (framework.Handle's waiting Pods). */
export interface WaitingPods {
  /** The Pods of `group` waiting at Permit now. */
  of(group: Group): readonly Pod[];
  /** Lets a waiting Pod through: its reservation becomes a bound, running Pod. */
  allow(pod: Pod): void;
  /** Rejects a waiting Pod: its reservation is released and it goes back to the queue. */
  reject(pod: Pod): void;
}

/** A Permit verdict: bind now, or wait (holding the node's resources) at most `timeout` seconds. */
export type PermitVerdict = { readonly kind: "allow" } | { readonly kind: "wait"; readonly timeout: number };

/**
 * The extension points a gang plugin adds to kube-scheduler's cycle (the
 * framework's QueueSort, PreFilter, PostFilter, Permit and Unreserve), for
 * scheduler-plugins' Coscheduling (coscheduling.ts). Without a plugin the
 * cycle is the default one.
 */
export interface GangPlugin {
  readonly sort: QueueSort;
  /** A Pod was created (it is about to be queued). */
  podCreated(pod: Pod): void;
  /** PreFilter: false rejects the Pod in this cycle (UnschedulableAndUnresolvable). */
  preFilter(pod: Pod): boolean;
  /** PostFilter: no node fits the Pod. */
  postFilter(pod: Pod): void;
  /** Permit at the chosen node. */
  permit(pod: Pod): PermitVerdict;
  /** Unreserve: the Pod's reservation ended without binding (rejected, timed out, or its node failed). */
  unreserve(pod: Pod): void;
  /** A bound Pod was deleted (it ended): it no longer counts as assigned. */
  podDeleted(pod: Pod): void;
  /** The group is gone (lost, evicted, finished): drop what is kept for it. */
  forget(group: Group): void;
}
