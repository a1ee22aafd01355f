// Types for generate.mjs (plain ESM, run by Node without a build step).

/** Lines of Fluxo text per generated step, the blank line before it included. */
export declare const FLOW_LINES_PER_STEP: number;
/** Lines of Fluxo text before the first step (context, flow header, body). */
export declare const FLOW_HEADER_LINES: number;
/** Lines of ink text per generated knot, the blank line before it included. */
export declare const INK_LINES_PER_STEP: number;
/** Lines of ink text before the first knot. */
export declare const INK_HEADER_LINES: number;
/** Steps needed for a Fluxo file of at least `lines` lines. */
export declare function stepsForLines(lines: number): number;
/** A valid Fluxo program: one `context` and a flow `bench` of `steps` steps. */
export declare function generateFlow(steps: number): string;
/** The same conversation as an ink story that inkjs's compiler accepts. */
export declare function generateInk(steps: number): string;
/** Number of lines of a text (a final newline does not start a new line). */
export declare function countLines(text: string): number;
