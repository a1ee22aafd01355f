// The bundle format `fluxo.bundle/1` (RUNTIME §1): what the compiler emits
// and the runtime executes. This file is the contract between the two; the
// compiler's `lower-ir.ts` produces it and nothing else reads source code.
//
// A flow's code is a flat list of instructions addressed by index (`pc`);
// jumps name target indices, so the session state points into a flow with
// two integers (flow, pc). Expressions are small JSON trees (arrays with an
// opcode first), interpreted by `expression.ts`: no `eval`.

export const BUNDLE_FORMAT = "fluxo.bundle/1";

/**
 * Field names a `get` never reads (they read as absent, null), so no
 * expression reaches a prototype whatever the data holds. The checker
 * refuses to read them (FX2007), so a checked program never meets this.
 */
export const UNREADABLE_FIELDS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export type Locale = "en" | "pt-BR" | "es";

// ------------------------------------------------------------ types

/**
 * A type, as the runtime needs it (parsing replies, checking action results,
 * redeploys): a primitive name, `null`, a literal, a list, a record or a union.
 */
export type TypeJson =
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "email"
  | "phone"
  | "date"
  | "url"
  | "null"
  | { literal: string | number | boolean }
  | { list: TypeJson }
  | { record: Record<string, TypeJson> }
  | { union: TypeJson[] };

// ------------------------------------------------------------ expressions

/**
 * Expression code. Every node is an array whose first element is an opcode:
 *
 * - `["lit", value]` a JSON literal (string, number, boolean, null);
 * - `["var", name]` a flow variable (reading an unassigned one is an error);
 * - `["ctx"]` the session's context object;
 * - `["get", object, field, optional]` field access (`optional`: `?.`, null-safe);
 * - `["idx", list, index]` list indexing (null when out of range);
 * - `["list", ...elements]`, `["rec", [name, value], ...]` literals;
 * - `["not", a]`, `["neg", a]`;
 * - `["and", a, b]`, `["or", a, b]`, `["??", a, b]` (short-circuit);
 * - `["==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "+" | "-" | "*" | "/" | "%", a, b]`;
 * - `["str", ...parts]` a string with interpolations: each part is a plain
 *   string, or an expression whose value is shown as §5.1 says (numbers by
 *   the locale, booleans as yes/no words);
 * - `["fn", name, ...args]` a built-in function (lower, upper, trim, len,
 *   contains, startsWith, endsWith, matches, toNumber, round, floor, ceil,
 *   fixed, today, withinHours, secret).
 */
export type Expr = readonly [string, ...unknown[]];

// ------------------------------------------------------------ instructions

/** Where a question's `invalid`/`timeout` arm goes: a pc, or the default end. */
export interface QuestionArm {
  /** pc of the arm's statement code, or null for the default (end with reason `invalid`/`timeout`). */
  then: number | null;
}

export interface InvalidSpec extends QuestionArm {
  /** The message sent on an invalid reply; null: the locale's default message. */
  message: Expr | null;
  /** How many times the question is asked again (default 2). */
  retries: number;
}

export interface TimeoutSpec extends QuestionArm {
  ms: number;
}

/**
 * How a reply is read:
 * - a primitive (`string`, `number`, `integer`, `boolean`, `email`, `phone`, `date`, `url`);
 * - `choice`: one of `options` (by number or normalised label), giving `values[i]`.
 */
export type InputSpec =
  | { type: "string" | "number" | "integer" | "boolean" | "email" | "phone" | "date" | "url" }
  | { type: "choice"; options: string[]; values: (string | number | boolean)[] };

export type Instruction =
  /** Send a text message. */
  | { op: "say"; text: Expr }
  /** Send media. */
  | { op: "media"; kind: "image" | "video" | "audio" | "file"; url: Expr; caption: Expr | null }
  /** Emit a pause. */
  | { op: "wait"; ms: number }
  /**
   * `ask var: T prompt { … }`: emits an `ask` event and waits. A valid reply
   * assigns `var` and continues at pc + 1.
   */
  | {
      op: "ask";
      var: string;
      prompt: Expr;
      input: InputSpec;
      validate: Expr | null;
      invalid: InvalidSpec;
      timeout: TimeoutSpec | null;
    }
  /**
   * `ask var from list prompt { label … }`: options computed from `list`
   * (`label` evaluated with `var` bound to each element; strings label
   * themselves). An empty list goes to `invalid.then` at once.
   */
  | {
      op: "askFrom";
      var: string;
      list: Expr;
      label: Expr | null;
      prompt: Expr;
      validate: Expr | null;
      invalid: InvalidSpec;
      timeout: TimeoutSpec | null;
    }
  /**
   * `choose prompt { option … }`: a reply selects an option by number or
   * normalised label/alias (`match` holds the normalised label then aliases)
   * and jumps to its `then`.
   */
  | {
      op: "choose";
      prompt: Expr;
      options: { label: string; match: string[]; then: number }[];
      invalid: InvalidSpec;
      timeout: TimeoutSpec | null;
    }
  /** `var = expr` (let, var with initialiser, set). */
  | { op: "set"; var: string; value: Expr }
  /**
   * An action call. Emits an `action` event; on success assigns the result to
   * `var` (when set) and continues; on failure jumps to `else` (pc) or, with
   * no `else`, emits `error` and ends with reason `error`.
   */
  | { op: "call"; action: string; args: Expr[]; var: string | null; else: number | null }
  /** `run flow(args)`: pushes a frame; the return value goes to `var` in this frame. */
  | { op: "run"; flow: string; args: Expr[]; var: string | null }
  /** Unconditional jump. */
  | { op: "jump"; to: number }
  /** Jump to `else` when `cond` is false. */
  | { op: "branch"; cond: Expr; else: number }
  /** Jumps to the pc of the first case containing the subject's value, else to `else`. */
  | { op: "match"; subject: Expr; cases: { values: (string | number | boolean | null)[]; to: number }[]; else: number }
  /** Picks an arm by weight with the host's random source. */
  | { op: "random"; arms: { weight: number; to: number }[] }
  /** Ends the conversation (status `ended`, reason `done`). */
  | { op: "end" }
  /** Hands off to a human (status `handoff`). */
  | { op: "handoff"; department: Expr | null }
  /**
   * Returns from the flow (with a value when set). At the bottom of the stack
   * it ends the conversation with reason `done`. Also emitted where a flow
   * body or a step falls off its end.
   */
  | { op: "return"; value: Expr | null };

export type Op = Instruction["op"];

// ------------------------------------------------------------ declarations

export interface ParamJson {
  name: string;
  type: TypeJson;
  /** A default value (a literal), or absent. Nullable parameters default to null. */
  default?: unknown;
}

export interface HttpJson {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The URL as a string expression (`str`); interpolated values are percent-encoded. */
  url: Expr;
  /** Literal scheme + host (`https://api.example`), re-checked against the built URL. */
  origin: string;
  headers: [string, Expr][];
  /** The request body, or null: arguments as a JSON object for POST/PUT/PATCH. */
  body: Expr | null;
}

export interface ActionJson {
  /** A standard action of LANGUAGE §3.3 (tag, untag, addToList, removeFromList, setField). */
  standard?: true;
  params: ParamJson[];
  /** The declared result type, or null for an action without a result. */
  result: TypeJson | null;
  timeoutMs: number;
  http?: HttpJson;
}

export type TriggerJson = { keyword: string[] } | { event: string } | { start: true };

export interface FlowJson {
  params: ParamJson[];
  result: TypeJson | null;
  triggers: TriggerJson[];
  /** Types of the flow's variables (parameters included), for redeploys. */
  vars: Record<string, TypeJson>;
  code: Instruction[];
  /** Entry pc of each step, and of the flow body (`""`). */
  steps: Record<string, number>;
  /** Source position of each instruction: `[file index, line, column]` (1-based). */
  map: [number, number, number][];
}

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  /** Content hash of everything below. */
  version: string;
  locale: Locale;
  timeZone: string;
  context: Record<string, TypeJson>;
  types: Record<string, TypeJson>;
  actions: Record<string, ActionJson>;
  flows: Record<string, FlowJson>;
  /** Source files, by index (relative paths), for the source map. */
  sources: string[];
}
