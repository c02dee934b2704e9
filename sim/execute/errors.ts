import { InvariantError } from "../check/invariant-error.ts";
import { InputError } from "../workload/errors.ts";

/** An error as it crosses a thread boundary (its class would be lost): its kind, message and stack. */
export interface ThreadError {
  readonly kind: "input" | "invariant" | "internal";
  readonly message: string;
  readonly stack?: string;
}

export function toThreadError(err: unknown): ThreadError {
  const kind = err instanceof InputError ? "input" : err instanceof InvariantError ? "invariant" : "internal";
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}

/** The error again, of its own class, on this side of the boundary. */
export function fromThreadError(e: ThreadError): Error {
  const err = e.kind === "input" ? new InputError(e.message) : e.kind === "invariant" ? new InvariantError(e.message) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
