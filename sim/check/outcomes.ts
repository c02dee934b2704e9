import { Ev } from "../metrics/log.ts";
import { podCount, quorum } from "../model/group.ts";
import { OUTCOMES, type GroupRow, type RunRecord } from "../metrics/summary.ts";
import { InvariantError } from "./invariant-error.ts";

const EPS = 1e-9;

/**
 * End-of-run checks of the group table against an independent replay of the
 * event log. Returns one line per violation (empty when all hold):
 * - one row per group, in order, each with exactly one known outcome;
 * - placed >= submit, started >= placed, latency = started - submit >= 0,
 *   finished >= started;
 * - a `correct` group really ran all its members together on one node: at
 *   its (last) start its live tasks were on a single node and covered every
 *   app container's request, and it then ran uninterrupted for its duration
 *   (completed) or to the end of the run (running); a correct gang had at
 *   least minMember whole Pods up at once at its start (counted from PodUp
 *   since its tasks last all ended) and no Pod split over nodes; a correct
 *   job had every Pod up at some time;
 * - the outcome agrees with the log (unschedulable, abandoned and deadlocked
 *   groups did not run as a whole afterwards; completed ones finished; lost
 *   ones lost);
 * - the deadlock detector never reported a group that later started without
 *   a release in between (a hold ending, or the node failing, on the node of
 *   the deadlock).
 * Pure.
 */
export function outcomeViolations(run: RunRecord, rows: readonly GroupRow[]): string[] {
  const { log, workload } = run;
  const groups = workload.groups;
  const out: string[] = [];
  if (rows.length !== groups.length) out.push(`groups.csv has ${rows.length} rows for ${groups.length} groups`);

  const n = groups.length;
  const live: Map<number, { node: number; r: [number, number, number] }>[] = groups.map(() => new Map());
  const lastStart = new Float64Array(n).fill(NaN);
  const startSingleNode = new Uint8Array(n);
  const startCovers = new Uint8Array(n);
  const interrupted = new Uint8Array(n);
  const finishedAt = new Float64Array(n).fill(NaN);
  const lastEnd = new Float64Array(n).fill(-1); // log index of Unschedulable / Abandon
  const startIndex = new Float64Array(n).fill(-1); // log index of the last GroupStart
  const lostAt = new Float64Array(n).fill(-1);
  const preemptedAt = new Float64Array(n).fill(-1);
  const restartAt = new Float64Array(n).fill(-1);
  const joinIndex = new Float64Array(n).fill(-1);
  const joinNode = new Int32Array(n).fill(-1);
  const startedAfterJoin = new Uint8Array(n);
  const releaseIndex = new Map<number, number>();
  /** Gangs and jobs: Pods up since the group's tasks last all ended, Pods ever up since then (jobs), and a split Pod seen. */
  const podsUp = new Int32Array(n);
  const podsEver: (Set<number> | undefined)[] = new Array(n);
  const podSplit = new Uint8Array(n);

  for (let i = 0; i < log.length; i++) {
    const g = log.group[i]!;
    const node = log.node[i]!;
    switch (log.kind[i]) {
      case Ev.TaskStart:
        live[g]!.set(log.id[i]!, { node, r: [log.r0[i]!, log.r1[i]!, log.r2[i]!] });
        break;
      case Ev.TaskFinish:
      case Ev.TaskKill:
      case Ev.TaskLost:
        live[g]!.delete(log.id[i]!);
        if (log.kind[i] !== Ev.TaskFinish && !Number.isNaN(lastStart[g]!)) interrupted[g] = 1;
        if (live[g]!.size === 0) {
          podsUp[g] = 0;
          if (log.kind[i] !== Ev.TaskFinish) podsEver[g] = undefined;
        }
        break;
      case Ev.PodUp:
        podsUp[g]!++;
        (podsEver[g] ??= new Set()).add(log.id[i]!);
        if (log.r0[i]! === 1) podSplit[g] = 1;
        break;
      case Ev.GroupStart: {
        lastStart[g] = log.t[i]!;
        startIndex[g] = i;
        interrupted[g] = 0;
        finishedAt[g] = NaN;
        const group = groups[g]!;
        if (group.pods !== undefined) {
          // A gang or job spans nodes: its Pods must be whole (unsplit), and enough of them up.
          startSingleNode[g] = podSplit[g] ? 0 : 1;
          startCovers[g] = (group.kind === "job" ? (podsEver[g]?.size ?? 0) >= podCount(group) : podsUp[g]! >= quorum(group)) ? 1 : 0;
          break;
        }
        const tasks = [...live[g]!.values()];
        startSingleNode[g] = tasks.every((t) => t.node === tasks[0]?.node) ? 1 : 0;
        const sum = [0, 0, 0];
        for (const t of tasks) for (let d = 0; d < 3; d++) sum[d]! += t.r[d]!;
        const apps = [0, 0, 0];
        for (const m of groups[g]!.members) {
          if (m.init) continue;
          apps[0]! += m.request.cpu;
          apps[1]! += m.request.memory;
          apps[2]! += m.request.gpu;
        }
        startCovers[g] = sum.every((s, d) => s + 1e-6 * Math.max(1, apps[d]!) >= apps[d]!) ? 1 : 0;
        if (joinIndex[g]! >= 0) {
          startedAfterJoin[g] = 1;
          const released = releaseIndex.get(joinNode[g]!) ?? -1;
          if (released < joinIndex[g]!) {
            out.push(`group ${groups[g]!.id}: started at t=${log.t[i]} after the deadlock detector reported it stuck on ${run.cluster.name(joinNode[g]!)} at t=${log.t[joinIndex[g]!]}, with no release on that node in between`);
          }
        }
        break;
      }
      case Ev.GroupFinish:
        finishedAt[g] = log.t[i]!;
        break;
      case Ev.Unschedulable:
      case Ev.Abandon:
        lastEnd[g] = i;
        break;
      case Ev.GroupLost:
        lostAt[g] = i;
        lastStart[g] = NaN;
        interrupted[g] = 0;
        break;
      case Ev.Restart:
        restartAt[g] = i;
        break;
      case Ev.Preempted:
        preemptedAt[g] = i;
        break;
      case Ev.DeadlockJoin:
      case Ev.StallJoin:
        joinIndex[g] = i;
        joinNode[g] = node;
        startedAfterJoin[g] = 0;
        break;
      case Ev.DeadlockLeave:
      case Ev.StallLeave:
        // It stopped being stuck because its hold went (timeout, abort): later starts are not false reports.
        joinIndex[g] = -1;
        joinNode[g] = -1;
        break;
      case Ev.HoldEnd:
      case Ev.NodeDown:
        releaseIndex.set(node, i);
        break;
      default:
        break;
    }
  }

  rows.forEach((row, g) => {
    const group = groups[g];
    if (group === undefined) return;
    const where = `group ${group.id}`;
    if (row.group_id !== group.id) out.push(`row ${g} is group ${row.group_id}, expected ${group.id}`);
    if (!OUTCOMES.includes(row.outcome)) out.push(`${where}: unknown outcome "${row.outcome}"`);
    if (!Number.isNaN(row.placed) && row.placed < row.submit - EPS) out.push(`${where}: placed at ${row.placed} before its submit ${row.submit}`);
    if (!Number.isNaN(row.started)) {
      if (row.latency < -EPS || Math.abs(row.latency - (row.started - row.submit)) > 1e-9 * Math.max(1, row.started)) out.push(`${where}: latency ${row.latency} for submit ${row.submit}, start ${row.started}`);
      if (!(row.started >= row.placed - EPS)) out.push(`${where}: started at ${row.started} before it was placed at ${row.placed}`);
    }
    if (!Number.isNaN(row.finished) && !(row.finished >= row.started - EPS)) out.push(`${where}: finished at ${row.finished} before it started at ${row.started}`);
    const tail = live[g]!.size;
    const started = !Number.isNaN(lastStart[g]!);
    if (row.correct) {
      if (!started) out.push(`${where}: ${row.outcome} but never ran as a whole`);
      else if (!startSingleNode[g]) out.push(`${where}: ${row.outcome} but ${group.pods === undefined ? "its members" : "a Pod's containers"} started on more than one node`);
      else if (!startCovers[g]) out.push(`${where}: ${row.outcome} but ${group.pods === undefined ? "the tasks at its start do not cover its containers' requests" : "fewer Pods than its quorum were up at its start"}`);
      else if (interrupted[g]) out.push(`${where}: ${row.outcome} but a task was killed or lost after its start`);
    }
    switch (row.outcome) {
      case "completed":
        if (Number.isNaN(finishedAt[g]!)) out.push(`${where}: completed without finishing`);
        else if (Math.abs(finishedAt[g]! - lastStart[g]! - group.duration) > 1e-6 * Math.max(1, group.duration)) {
          out.push(`${where}: ran ${finishedAt[g]! - lastStart[g]!} s, expected its duration ${group.duration} s`);
        }
        break;
      case "running":
        if (tail === 0 || !Number.isNaN(finishedAt[g]!)) out.push(`${where}: running but nothing of it runs at the end`);
        break;
      case "unschedulable":
      case "abandoned":
        // Containers naive placed before it gave up keep running; the group never runs as a whole.
        if (lastEnd[g]! < 0) out.push(`${where}: ${row.outcome} but no scheduler gave up on it`);
        else if (startIndex[g]! > lastEnd[g]!) out.push(`${where}: ${row.outcome} but it ran as a whole after the scheduler gave up`);
        break;
      case "lost":
        if (lostAt[g]! < 0 || restartAt[g]! > lostAt[g]!) out.push(`${where}: lost without a loss since its last restart`);
        break;
      case "preempted":
        if (preemptedAt[g]! < 0 || restartAt[g]! > preemptedAt[g]!) out.push(`${where}: preempted without a preemption since its last restart`);
        else if (tail > 0) out.push(`${where}: preempted but still runs at the end`);
        break;
      case "deadlocked":
      case "stalled":
        if (joinIndex[g]! < 0 || log.kind[joinIndex[g]!] !== (row.outcome === "deadlocked" ? Ev.DeadlockJoin : Ev.StallJoin)) out.push(`${where}: ${row.outcome} but the detector never reported it`);
        else if (startedAfterJoin[g]) out.push(`${where}: reported ${row.outcome}, but it started after it was reported`);
        break;
      case "pending":
        if (tail > 0 && started && Number.isNaN(finishedAt[g]!) && !interrupted[g]) out.push(`${where}: pending but runs as a whole at the end`);
        break;
      default:
        break;
    }
  });
  return out;
}

/** Throws an InvariantError listing the first violations, if any. */
export function assertOutcomes(run: RunRecord, rows: readonly GroupRow[]): void {
  const problems = outcomeViolations(run, rows);
  if (problems.length === 0) return;
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : "";
  throw new InvariantError(`invariant violated in ${run.scenario} ${run.strategy} seed ${run.seed}: ${problems.slice(0, 3).join("; ")}${more}`);
}
