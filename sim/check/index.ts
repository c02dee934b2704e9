export { InvariantError } from "./invariant-error.ts";
export { invariantObserver, type InvariantObserver, type Watched } from "./observer.ts";
export { assertOutcomes, outcomeViolations } from "./outcomes.ts";
