export { Phase, PHASE_NAMES } from "./phase.ts";
export { EventQueue, rankOf, type Action, type EventId } from "./queue.ts";
export { Simulator, type Observer } from "./simulator.ts";
export { Rng, RngStreams } from "./rng.ts";
export { Fifo } from "./fifo.ts";
