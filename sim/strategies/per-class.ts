import * as z from "zod";

/** A count of scheduler instances: one number for every class, or one per class name. */
export const perClassCount = z.union([
  z.number().int().min(1).max(1000),
  z.record(z.string().min(1).max(100), z.number().int().min(1).max(1000)),
]);
