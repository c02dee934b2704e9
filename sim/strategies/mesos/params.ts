import * as z from "zod";

import { interval, nonNegative } from "../../workload/numbers.ts";
import { perClassCount } from "../per-class.ts";

export const HOLD_MODES = ["whole-offer", "exact"] as const;
export const TARGETS = ["arrived", "declared"] as const;
export const DEADLOCK_POLICIES = ["report", "abort-youngest"] as const;
export const OFFER_ORDERS = ["shuffled", "node"] as const;
export const OFFER_SCOPES = ["node", "cell"] as const;

/** Knobs of the Mesos two-level offer model (DESIGN section 3, mesos). */
export const mesosParams = z
  .object({
    /**
     * Frameworks per scheduler class: a number (each class gets that many) or
     * one count per class name. Groups go to their `framework`, else
     * round-robin among their class's frameworks.
     */
    frameworks: perClassCount.default(2),
    /** Seconds between allocation rounds (Mesos --allocation_interval). */
    allocationInterval: interval.default(1),
    /** whole-offer: an unanswered offer locks all of it (Mesos); exact: keep only what is needed. */
    hold: z.enum(HOLD_MODES).default("whole-offer"),
    /** arrived: reserve for the members seen so far; declared: the framework knows the group's full need. */
    target: z.enum(TARGETS).default("arrived"),
    /** Rescind held offers this long after they were made (Mesos --offer_timeout); null = never. */
    offerTimeout: interval.nullable().default(null),
    /**
     * A decline filters, for that framework, later offers of the node that are
     * contained in what it declined, for max(refuseSeconds, allocationInterval)
     * (Filters.refuse_seconds; 0 = no filter). A node whose free resources grew
     * is offered again.
     */
    refuseSeconds: nonNegative.default(5),
    /**
     * true: a framework revives (clears its filters) when it gets new work and
     * suppresses offers while it has none (Spark, Marathon). false: it never
     * suppresses (it is offered everything and declines what it cannot use,
     * filtered by refuseSeconds) and never revives.
     */
    revive: z.boolean().default(true),
    /**
     * node: each node is offered to one framework by DRF (Mesos' allocator).
     * cell: all free resources of the cell go to the one framework lowest in
     * DRF order, locked for its whole decision (the Omega simulator's Mesos,
     * MesosSimulation.scala); no refuse filters.
     */
    offerScope: z.enum(OFFER_SCOPES).default("node"),
    onDeadlock: z.enum(DEADLOCK_POLICIES).default("report"),
    /** abort-youngest: the aborted group waits this long before it asks again, doubling per abort. */
    abortBackoff: interval.default(10),
    offerOrder: z.enum(OFFER_ORDERS).default("shuffled"),
    /**
     * Mesos --min_allocatable_resources: a node is offered only when its free
     * resources reach at least one of these quantities (defaults cpus:0.01|mem:32).
     */
    minOffer: z
      .object({ cpu: nonNegative.default(10), memory: nonNegative.default(32), gpu: nonNegative.default(0) })
      .strict()
      .default({ cpu: 10, memory: 32, gpu: 0 }),
    /** Mesos --agent_ping_timeout and --max_agent_ping_timeouts: a failed agent is removed (its tasks LOST) after their product, 75 s. */
    agentPingTimeout: nonNegative.default(15),
    maxAgentPingTimeouts: z.number().int().min(1).default(5),
  })
  .strict();

export type MesosParams = z.infer<typeof mesosParams>;
