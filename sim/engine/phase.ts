/**
 * Phases order events that share one instant. At a given time, releases run
 * before arrivals, arrivals before scheduling decisions, and observers last,
 * so every decision at time t sees everything that was freed or submitted at t.
 */
export const Phase = {
  Release: 0,
  Arrival: 1,
  Decision: 2,
  Observe: 3,
} as const;

export type Phase = (typeof Phase)[keyof typeof Phase];

