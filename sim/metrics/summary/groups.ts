import { FRESH, type ColumnMemory } from "../column-memory.ts";
import type { GroupTable } from "./group-table.ts";
import { GroupReplay } from "./group-replay.ts";
import type { RunRecord } from "./record.ts";
import type { GroupRow } from "./group-table.ts";

export type { GroupRow, PodPhase } from "./group-table.ts";
export { podPhase } from "./group-table.ts";

/**
 * groups.csv of a run, computed from the event log in one pass, held by
 * column. Pure: the same record always gives the same table.
 */
export function groupTable(run: RunRecord, memory: ColumnMemory = FRESH): GroupTable {
  const replay = new GroupReplay(run, memory);
  replay.see(run.log);
  return replay.finish(run.log, run.end);
}

/** One row per group (groupTable's rows as objects). Pure. */
export function groupRows(run: RunRecord): GroupRow[] {
  return groupTable(run).rows();
}
