// The error a running flow can raise while evaluating expressions or
// executing an instruction. It never leaves the engine: the turn loop turns
// it into an `error` event (with the instruction's source position) and ends
// the conversation with reason `error`, so bad data in one session can never
// throw into the host.

/** Codes of the `error` events the engine emits. */
export type FlowErrorCode =
  /** An action call failed and the call has no `else`. */
  | "action"
  /** An expression could not be evaluated (unassigned variable, a value of the wrong kind, division by zero, bad pattern…). */
  | "expression"
  /** `stepsPerTurn` or the subflow depth limit was exceeded. */
  | "limit"
  /** A `run` could not bind its parameters. */
  | "params"
  /** A bug in the runtime: an exception it did not expect (reported, never thrown to the host). */
  | "internal";

/** An error raised while a flow runs; becomes an `error` event. */
export class FlowError extends Error {
  override name = "FlowError";

  constructor(
    readonly code: FlowErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Throws the `expression` error a built-in or the interpreter raises when it cannot compute a value. */
export function failExpression(message: string): never {
  throw new FlowError("expression", message);
}
