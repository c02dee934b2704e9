export { Phase } from "./phase.ts";
export { EventQueue, type Action, type EventId } from "./queue.ts";
export { Simulator, type Observer } from "./simulator.ts";
export { Rng, RngStreams } from "./rng.ts";
export { Fifo } from "./fifo.ts";
