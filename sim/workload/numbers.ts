import * as z from "zod";

/**
 * The numbers a scenario may hold, bounded so that every time the simulator
 * derives from them stays finite and advances: times and quantities at most
 * 10^12 (31,700 years of seconds; 10^12 MiB is an exbibyte), intervals that
 * schedule repeated work at least 1 µs, rates between 10^-9 and 10^9 per
 * second, and a lognormal's sigma at most 20 (e^(20 x 8.3) is still finite).
 */
export const MAX_VALUE = 1e12;
export const MIN_INTERVAL = 1e-6;

/** Any value (may be negative, e.g. a phase shift). */
export const bounded = z.number().min(-MAX_VALUE).max(MAX_VALUE);
/** A time or quantity >= 0. */
export const nonNegative = z.number().min(0).max(MAX_VALUE);
/** A time or quantity > 0. */
export const positive = z.number().positive().max(MAX_VALUE);
/** A period that schedules repeated work (a retry, an allocation round, a sample): at least 1 µs. */
export const interval = z.number().min(MIN_INTERVAL).max(MAX_VALUE);
/** Events per second. */
export const rate = z.number().min(1e-9).max(1e9);
