/** A broken invariant: the simulator computed something impossible. A bug, never bad input. */
export class InvariantError extends Error {
  override readonly name = "InvariantError";
}
