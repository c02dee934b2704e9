import type { Cluster } from "./cluster.ts";
import type { Resources } from "./resources.ts";

export const CONFLICT_MODES = ["resource-fit", "sequence-numbers"] as const;
export type ConflictMode = (typeof CONFLICT_MODES)[number];

export const COMMIT_MODES = ["all-or-nothing", "incremental"] as const;
export type CommitMode = (typeof COMMIT_MODES)[number];

/**
 * One claim of a transaction: `request` on `node`. `apply` allocates it and
 * remembers the node's sequence number; `revert` undoes exactly that,
 * restoring resources and sequence number (the Omega simulator's ClaimDelta,
 * without its fault of leaving sequence numbers bumped after a rollback).
 */
export class ClaimDelta {
  private seqBefore = -1;
  /** The GPU devices the claim took (-1: none). */
  handle = -1;

  constructor(
    readonly node: number,
    readonly request: Resources,
    /** What the claim is for (a member index, for the caller). */
    readonly tag = -1,
  ) {}

  get applied(): boolean {
    return this.seqBefore >= 0;
  }

  apply(cluster: Cluster): void {
    if (this.applied) throw new Error("claim: already applied");
    const before = cluster.seq[this.node]!;
    this.handle = cluster.allocate(this.node, this.request);
    this.seqBefore = before;
  }

  revert(cluster: Cluster): void {
    if (!this.applied) throw new Error("claim: not applied");
    cluster.revert(this.node, this.request, this.seqBefore, this.handle);
    this.seqBefore = -1;
    this.handle = -1;
  }
}

/** The sequence numbers a scheduler read at sync time, for the nodes it may claim (a Map, or a oneNodeSync). */
export type SyncedSeqs = Pick<ReadonlyMap<number, number>, "get">;

/** The sequence number a scheduler read of the one node its transaction claims on. */
export function oneNodeSync(node: number, seq: number): SyncedSeqs {
  return { get: (n) => (n === node ? seq : undefined) };
}

export interface CommitResult {
  readonly committed: readonly ClaimDelta[];
  readonly failed: readonly ClaimDelta[];
}

/**
 * Commits a transaction against the shared cell state. Each claim is
 * validated as it is applied:
 * - `resource-fit`: it fails only if it no longer fits the node;
 * - `sequence-numbers`: it fails if the node's sequence number in `seqs`
 *   moved since sync (this transaction's own earlier claims excepted). With
 *   `cluster.claimSeq` (the default) only claims move it, as in the Omega
 *   simulator (`ClaimDelta.apply` bumps `machineSeqNums`, `unApply` does not);
 *   with `cluster.seq` every change does, a task ending included.
 * `all-or-nothing` reverts every applied claim when any fails (the cell is
 * left exactly as it was); `incremental` keeps the claims that succeeded.
 */
export function commitTransaction(
  cluster: Cluster,
  claims: readonly ClaimDelta[],
  synced: SyncedSeqs,
  conflict: ConflictMode,
  commit: CommitMode,
  seqs: Float64Array = cluster.claimSeq,
): CommitResult {
  const committed: ClaimDelta[] = [];
  const failed: ClaimDelta[] = [];
  for (const claim of claims) {
    const node = claim.node;
    let ok = cluster.fits(node, claim.request);
    if (ok && conflict === "sequence-numbers") {
      const seq = synced.get(node);
      if (seq === undefined) throw new Error(`commit: node ${node} was not synced`);
      // This transaction's own claims so far on the node moved its number. Counted by a scan of the committed
      // claims: quadratic in the transaction's claims (one per member or Pod; up to 1,000 for the largest gang),
      // and only under sequence-numbers. The Omega simulator carries the expected number on each claim instead.
      let own = 0;
      for (const c of committed) if (c.node === node) own++;
      ok = seqs[node] === seq + own;
    }
    if (ok) {
      claim.apply(cluster);
      committed.push(claim);
    } else {
      failed.push(claim);
      if (commit === "all-or-nothing") break;
    }
  }
  if (commit === "all-or-nothing" && failed.length > 0) {
    for (let i = committed.length - 1; i >= 0; i--) committed[i]!.revert(cluster);
    return { committed: [], failed: [...claims] };
  }
  return { committed, failed };
}
