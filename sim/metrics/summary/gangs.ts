import { FRESH, type ColumnMemory } from "../column-memory.ts";
import { Ev, type LogColumns } from "../log.ts";

/** The per-group figures GangTally writes, one column each. */
export interface TallyColumns {
  readonly partialCpu: Float64Array;
  readonly partialMemory: Float64Array;
  readonly partialGpu: Float64Array;
  readonly full: Float64Array;
  readonly admitted: Float64Array;
  readonly timeouts: Float64Array;
  readonly rejections: Float64Array;
  readonly evictions: Float64Array;
}

/**
 * Per-group figures of gangs and jobs (and the same measures for colocate
 * groups), tallied from the event log as it is read in order:
 * - partial resource-seconds: what the group's tasks held while the group had
 *   not started (a gang short of minMember Pods, a colocate group short of
 *   members), idle work that waits for the rest;
 * - when every Pod first ran at once (GroupFull), whether a Pod ran split
 *   over nodes, Permit timeouts and rejections (Coscheduling), evictions and the first
 *   admission (Kueue), and whether the group ever started.
 */
export class GangTally {
  readonly splitPod: Uint8Array;
  readonly everStarted: Uint8Array;
  private readonly rate: Float64Array;
  private readonly since: Float64Array;
  private readonly live: Int32Array;
  private readonly startedNow: Uint8Array;

  /** `out`: where the per-group figures go (groups.csv's own columns, zero-filled, `groups` long). */
  constructor(
    groups: number,
    private readonly out: TallyColumns,
    memory: ColumnMemory = FRESH,
  ) {
    out.full.fill(NaN);
    out.admitted.fill(NaN);
    this.splitPod = memory.u8(groups);
    this.everStarted = memory.u8(groups);
    this.rate = memory.f64(groups * 3);
    this.since = memory.f64(groups);
    this.live = memory.i32(groups);
    this.startedNow = memory.u8(groups);
  }

  /** Takes in log entry `i`. */
  see(log: LogColumns, i: number): void {
    const g = log.group[i]!;
    const t = log.t[i]!;
    switch (log.kind[i]) {
      case Ev.TaskStart:
        this.accrue(g, t);
        this.change(g, log, i, 1);
        this.live[g]!++;
        break;
      case Ev.TaskFinish:
      case Ev.TaskKill:
      case Ev.TaskLost:
        this.accrue(g, t);
        this.change(g, log, i, -1);
        if (--this.live[g]! === 0) {
          this.startedNow[g] = 0;
          this.rate.fill(0, g * 3, g * 3 + 3);
        }
        break;
      case Ev.GroupStart:
        this.accrue(g, t);
        this.startedNow[g] = 1;
        this.everStarted[g] = 1;
        break;
      case Ev.GroupFull:
        if (Number.isNaN(this.out.full[g]!)) this.out.full[g] = t;
        break;
      case Ev.PodUp:
        if (log.r0[i]! === 1) this.splitPod[g] = 1;
        break;
      case Ev.PermitTimeout:
        this.out.timeouts[g]!++;
        break;
      case Ev.PermitReject:
        this.out.rejections[g]!++;
        break;
      case Ev.Evicted:
        this.out.evictions[g]!++;
        break;
      case Ev.Admitted:
        if (Number.isNaN(this.out.admitted[g]!)) this.out.admitted[g] = t;
        break;
      default:
        break;
    }
  }

  /** Counts partial time up to `end` for groups still short at the end of the run. */
  close(end: number): void {
    for (let g = 0; g < this.live.length; g++) this.accrue(g, end);
  }

  private accrue(g: number, t: number): void {
    if (this.live[g]! > 0 && this.startedNow[g] === 0) {
      const dt = t - this.since[g]!;
      this.out.partialCpu[g]! += this.rate[g * 3]! * dt;
      this.out.partialMemory[g]! += this.rate[g * 3 + 1]! * dt;
      this.out.partialGpu[g]! += this.rate[g * 3 + 2]! * dt;
    }
    this.since[g] = t;
  }

  private change(g: number, log: LogColumns, i: number, sign: number): void {
    this.rate[g * 3]! += sign * log.r0[i]!;
    this.rate[g * 3 + 1]! += sign * log.r1[i]!;
    this.rate[g * 3 + 2]! += sign * log.r2[i]!;
  }
}
