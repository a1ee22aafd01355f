// Loading a bundle (RUNTIME §1): a bundle is untrusted input, so
// `loadBundle` copies it (detaching it from the caller and refusing non-JSON
// values, cycles and absurd nesting) and checks its structure before the
// engine ever runs it: the format, version and locale, every type,
// expression and instruction shape (no field missing, none unknown), every
// jump target, step and source-map entry in range, and every action or flow
// that a `call` or `run` names. A malformed bundle is refused with a
// `BundleError` naming the JSON path of the bad value
// (`$.flows.survey.code[3].else`), and loading never throws anything else,
// whatever the input.
//
// The shapes are a table (`SHAPES`, `INSTRUCTIONS`) read by one small
// checker (`check`), not code per shape: the runtime has no dependencies,
// and a table is a fraction of the code. The repository's JSON Schema
// (`schema/bundle.schema.json`) describes the same format, and a test
// (`test/runtime-schema.test.ts`) runs both over the examples' bundles and
// thousands of mutations of them. Each refusal has a `kind`: `shape` for
// what the schema also says (so the two accept exactly the same shapes),
// `consistency` for what a JSON Schema cannot express: references (actions
// and flows named by `call`/`run`, their argument counts), pcs and source
// indices in range, the source map's length, code that would run past its
// end, duplicate parameters, known time zones, choice values matching their
// options, `matches()` patterns (`pattern.ts`), and nesting limits.
//
// After loading, the engine may index `code[pc]` and look actions and flows
// up without re-checking.

import { BUNDLE_FORMAT, type Bundle, type FlowJson, type ParamJson } from "./bundle.js";
import { BUILTIN_ARITY, isTimeZone } from "./builtins.js";
import { EXPR_ARITY } from "./expression.js";
import { copyJson, getOwn, hasOwn, isObject, JsonError, pathKey, type Json } from "./json.js";
import { isLocale } from "./locale.js";
import { patternProblem } from "./pattern.js";
import { acceptsNull } from "./types.js";

/** Which rule a refused bundle broke: its JSON Schema (`shape`), or a cross-check the schema cannot express (`consistency`). */
export type BundleErrorKind = "shape" | "consistency";

/** A bundle was refused: `path` is the JSON path of the bad value, `detail` what is wrong with it. */
export class BundleError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
    readonly kind: BundleErrorKind = "shape",
  ) {
    super(`invalid bundle at ${path}: ${detail}`);
    this.name = "BundleError";
  }
}

/** Deepest expression or type tree accepted (the interpreter recurses over them). */
export const MAX_TREE_DEPTH = 100;

/** Refuses a value that breaks the format's shape (what the JSON Schema says too). */
function refuse(path: string, detail: string): never {
  throw new BundleError(path, detail, "shape");
}

/** Refuses a value whose shape is right but that does not fit the rest of the bundle. */
function inconsistent(path: string, detail: string): never {
  throw new BundleError(path, detail, "consistency");
}

/** A short description of a value for a message: a (shortened) quoted string, a number, or the kind of a container. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (Array.isArray(value)) return "a list";
  if (isObject(value)) return "an object";
  return typeof value === "string" ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : String(value);
}

function expected(what: string, value: unknown, path: string): never {
  refuse(path, `expected ${what}, found ${describe(value)}`);
}

/** An object with no fields other than `allowed`. */
function object(value: unknown, path: string, allowed?: readonly string[]): Record<string, unknown> {
  if (!isObject(value)) expected("an object", value, path);
  if (allowed) for (const key of Object.keys(value)) if (!allowed.includes(key)) refuse(pathKey(path, key), `unknown field (expected ${allowed.join(", ")})`);
  return value;
}

function list(value: unknown, path: string, min = 0): unknown[] {
  if (!Array.isArray(value)) expected("a list", value, path);
  if (value.length < min) refuse(path, `expected at least ${min} element(s)`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== "string") expected("a string", value, path);
  return value;
}

/** A safe integer ≥ 0 (and ≤ `max`). */
function integer(value: unknown, path: string, max = Infinity): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) expected(`an integer from 0${max < Infinity ? ` to ${max}` : ""}`, value, path);
  return value as number;
}

/** A finite number ≥ 0 (> 0 with `positive`). */
function amount(value: unknown, path: string, positive = false): number {
  if (!Number.isFinite(value) || (value as number) < 0 || (positive && value === 0)) expected(positive ? "a positive number" : "a number ≥ 0", value, path);
  return value as number;
}

/** A JSON primitive: null, a string, a (finite) number or a boolean; checked values are copies (`copyJson`), which hold nothing else that is not an object. */
function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

/** Refuses a value that is not one of `values`. */
export function oneOf(values: readonly unknown[], value: unknown, path: string): void {
  if (!values.includes(value)) expected(values.join(", "), value, path);
}

/** `value`, if it is the name of an entry of `table`; otherwise refuses it as an unknown `what` (opcode, function, instruction). */
function known(table: object, value: unknown, path: string, what: string): string {
  if (typeof value !== "string" || !hasOwn(table, value)) refuse(path, `unknown ${what} ${describe(value)}`);
  return value;
}

/** The name of the one field of an object that must have exactly one (a type form, a trigger); `detail` says what was expected. */
function onlyField(value: unknown, path: string, detail: string): string {
  const keys = Object.keys(object(value, path));
  if (keys.length !== 1) refuse(path, detail);
  return keys[0];
}

const PRIMITIVE_TYPES = ["string", "number", "integer", "boolean", "email", "phone", "date", "url", "null"];

// ------------------------------------------------------------ the shapes

/**
 * A shape: a name in `SHAPES` (a trailing `?` also accepts null), a list of
 * one shape, an object of exact fields (required, except a name ending in
 * `?`: it may be absent), or a function for the few shapes that need one.
 * The engine checks session states with the same shapes.
 */
export type Shape = string | readonly [Shape] | { readonly [field: string]: Shape } | ((value: unknown, path: string, bundle: Checker) => void);

/** What a check needs from the bundle being loaded. */
interface Checker {
  /** Instructions of the flow being checked (pcs index into it). */
  code: number;
  /** Source files of the bundle (the source maps index into them). */
  sources: number;
  /** How deep the type or expression being checked is nested. */
  depth: number;
  /** The bundle's declarations, for the `call`s and `run`s that name them. */
  actions: Record<string, unknown>;
  flows: Record<string, unknown>;
}

/** Any value: a parameter's default, or a field checked apart. */
const ANY: Shape = () => {};

/** An object whose every field has `shape`. */
function record(shape: Shape): Shape {
  return (value, path, bundle) => {
    const fields = object(value, path);
    for (const name of Object.keys(fields)) check(fields[name], shape, pathKey(path, name), bundle);
  };
}

/** A list of `shape`, with at least one element. */
function nonEmpty(shape: Shape): Shape {
  return (value, path, bundle) => {
    list(value, path, 1);
    check(value, [shape], path, bundle);
  };
}

/** A list of one element per shape (`what` describes it, as `[name, expression]`). */
function tuple(what: string, ...shapes: Shape[]): Shape {
  return (value, path, bundle) => {
    if (list(value, path).length !== shapes.length) refuse(path, `expected ${what}`);
    shapes.forEach((shape, i) => check((value as unknown[])[i], shape, `${path}[${i}]`, bundle));
  };
}

/** A level of a type or expression tree (`what`), refused beyond `MAX_TREE_DEPTH`. */
function nested(what: string, checkLevel: (value: unknown, path: string, bundle: Checker) => void): Shape {
  return (value, path, bundle) => {
    if (bundle.depth++ > MAX_TREE_DEPTH) inconsistent(path, `${what} nested deeper than ${MAX_TREE_DEPTH} levels`);
    checkLevel(value, path, bundle);
    bundle.depth--;
  };
}

const PAIR = tuple("[name, expression]", "string", "expr");

/** The forms of a type other than a primitive name: an object with exactly one of these fields. */
const TYPE_FORMS: Shape = { "literal?": "prim", "list?": "type", "record?": record("type"), "union?": nonEmpty("type") };

/** Checks a `TypeJson`. */
function checkType(value: unknown, path: string, bundle: Checker): void {
  if (typeof value === "string") oneOf(PRIMITIVE_TYPES, value, path);
  else {
    onlyField(value, path, "expected a type: a primitive name, or one of literal, list, record, union");
    check(value, TYPE_FORMS, path, bundle);
  }
}

/** The shapes of the operands of the opcodes whose operands are not all expressions: one per operand, the last one repeated for any further operands. */
const OPERANDS: Record<string, readonly Shape[]> = {
  lit: ["literal"],
  var: ["string"],
  get: ["expr", "string", "boolean"],
  rec: [PAIR],
  // `str` holds text parts between its expressions.
  str: [
    (value, path, bundle) => {
      if (typeof value !== "string") check(value, "expr", path, bundle);
    },
  ],
  // The function's name (checked first, in `checkExpr`), then its arguments.
  fn: [ANY, "expr"],
};

/** Checks an expression tree. */
function checkExpr(value: unknown, path: string, bundle: Checker): void {
  const node = list(value, path);
  const op = known(EXPR_ARITY, node[0], `${path}[0]`, "expression opcode");
  const arity = EXPR_ARITY[op];
  if (arity >= 0 && node.length - 1 !== arity) refuse(path, `'${op}' takes ${arity} operand(s), found ${node.length - 1}`);
  if (op === "fn") {
    const name = known(BUILTIN_ARITY, node[1], `${path}[1]`, "function");
    if (node.length - 2 !== BUILTIN_ARITY[name]) refuse(path, `${name}() takes ${BUILTIN_ARITY[name]} argument(s), found ${node.length - 2}`);
    // A literal pattern is checked once, here: a bundle with an invalid pattern, or one that could backtrack for ever on a reply, never runs (pattern.ts).
    const pattern = node[3] as unknown[];
    if (name === "matches" && Array.isArray(pattern) && pattern[0] === "lit" && typeof pattern[1] === "string") {
      const problem = patternProblem(pattern[1]);
      if (problem !== undefined) inconsistent(`${path}[3][1]`, `the pattern ${describe(pattern[1])} ${problem}`);
    }
  }
  const shapes = OPERANDS[op] ?? ["expr"];
  for (let i = 1; i < node.length; i++) check(node[i], shapes[Math.min(i, shapes.length) - 1], `${path}[${i}]`, bundle);
}

const SHAPES: Record<string, Shape> = {
  string,
  boolean: (value, path) => {
    if (typeof value !== "boolean") expected("a boolean", value, path);
  },
  object: (value, path) => object(value, path),
  list: (value, path) => list(value, path),
  /** A record of strings. */
  names: record("string"),
  ms: (value, path) => amount(value, path),
  nat: (value, path) => integer(value, path),
  expr: nested("expression", checkExpr),
  type: nested("type", checkType),
  pc: (value, path, bundle) => {
    const n = integer(value, path);
    if (n >= bundle.code) inconsistent(path, `instruction ${n} is out of range (there are ${bundle.code})`);
  },
  /** A choice's value, a literal type's value. */
  prim: (value, path) => {
    if (value === null || !isPrimitive(value)) expected("a string, number or boolean", value, path);
  },
  /** A `lit` operand, a `match` case's value. */
  literal: (value, path) => {
    if (!isPrimitive(value)) expected("a string, number, boolean or null", value, path);
  },
  input: (value, path, bundle) => {
    const input = object(value, path);
    if (input.type === "choice") {
      check(input, { type: "string", options: ["string"], values: ["prim"] }, path, bundle);
      const count = (input.options as unknown[]).length;
      if ((input.values as unknown[]).length !== count) inconsistent(`${path}.values`, `expected ${count} values (one per option)`);
    } else {
      oneOf(PRIMITIVE_TYPES.slice(0, -1), input.type, `${path}.type`);
      object(input, path, ["type"]);
    }
  },
  invalid: { message: "expr?", retries: (value, path) => integer(value, path, 1000), then: "pc?" },
  timeout: { ms: "ms", then: "pc?" },
};

/** The last fields of every question; `timeout` is null where it has no timeout clause. */
const QUESTION = { invalid: "invalid", timeout: "timeout?" };

/** The fields of each instruction after `op`, and their shapes (`INSTRUCTION_FIELDS` lists them for the schema test). */
const INSTRUCTIONS: Record<string, Record<string, Shape>> = {
  say: { text: "expr" },
  media: { kind: (value, path) => oneOf(["image", "video", "audio", "file"], value, path), url: "expr", caption: "expr?" },
  wait: { ms: "ms" },
  ask: { var: "string", prompt: "expr", input: "input", validate: "expr?", ...QUESTION },
  askFrom: { var: "string", list: "expr", label: "expr?", prompt: "expr", validate: "expr?", ...QUESTION },
  choose: { prompt: "expr", options: nonEmpty({ label: "string", match: ["string"], then: "pc" }), ...QUESTION },
  set: { var: "string", value: "expr" },
  call: { action: "string", args: ["expr"], var: "string?", else: "pc?" },
  run: { flow: "string", args: ["expr"], var: "string?" },
  jump: { to: "pc" },
  branch: { cond: "expr", else: "pc" },
  match: { subject: "expr", cases: [{ values: ["literal"], to: "pc" }], else: "pc" },
  random: {
    arms: (value, path, bundle) => {
      check(value, nonEmpty({ weight: "ms", to: "pc" }), path, bundle);
      const total = (value as { weight: number }[]).reduce((sum, arm) => sum + arm.weight, 0);
      if (!(total > 0)) refuse(path, "at least one weight must be positive");
      if (!Number.isFinite(total)) inconsistent(path, "the weights must add up to a finite number");
    },
  },
  end: {},
  handoff: { department: "expr?" },
  return: { value: "expr?" },
};

/** The fields of each instruction, `op` included (all required). */
export const INSTRUCTION_FIELDS: Readonly<Record<string, readonly string[]>> = /* @__PURE__ */ instructionFields();

function instructionFields(): Record<string, string[]> {
  return Object.fromEntries(Object.keys(INSTRUCTIONS).map((op) => [op, ["op", ...Object.keys(INSTRUCTIONS[op])]]));
}

/** Instructions after which execution never falls through to pc + 1. */
const NO_FALL_THROUGH = ["jump", "return", "end", "handoff"];

/** Checks `value` against `shape` (see `Shape`); throws a `BundleError` naming the path of what does not fit. */
export function check(value: unknown, shape: Shape, path: string, bundle = { depth: 0 } as Checker): void {
  if (typeof shape === "string") {
    const name = shape.replace("?", "");
    if (name === shape || value !== null) check(value, SHAPES[name], path, bundle);
  } else if (typeof shape === "function") shape(value, path, bundle);
  else if (Array.isArray(shape)) list(value, path).forEach((element, i) => check(element, shape[0], `${path}[${i}]`, bundle));
  else {
    const keys = Object.keys(shape);
    const names = keys.map((key) => key.replace("?", ""));
    const fields = object(value, path, names);
    keys.forEach((key, i) => {
      const inner = getOwn(fields, names[i]);
      if (inner !== undefined || names[i] === key) check(inner, (shape as Record<string, Shape>)[key], pathKey(path, names[i]), bundle);
    });
  }
}

/** A call's arguments: as many as the callee takes (`run`: a flow's trailing parameters with a default or a nullable type may be left out). */
function callee(kind: "action" | "flow", ins: Record<string, unknown>, path: string, bundle: Checker): void {
  const name = ins[kind] as string;
  const declaration = getOwn(kind === "action" ? bundle.actions : bundle.flows, name) as { params: ParamJson[] } | undefined;
  if (!declaration) inconsistent(`${path}.${kind}`, `unknown ${kind} '${name}'`);
  const { params } = declaration;
  let fewest = params.length;
  while (kind === "flow" && fewest > 0 && (hasOwn(params[fewest - 1], "default") || acceptsNull(params[fewest - 1].type))) fewest--;
  const count = (ins.args as unknown[]).length;
  if (count > params.length || count < fewest) {
    inconsistent(`${path}.args`, `${kind} '${name}' takes ${fewest === params.length ? fewest : `${fewest} to ${params.length}`} argument(s), found ${count}`);
  }
}

const INSTRUCTION: Shape = (value, path, bundle) => {
  const op = known(INSTRUCTIONS, object(value, path).op, `${path}.op`, "instruction");
  check(value, { op: "string", ...INSTRUCTIONS[op] }, path, bundle);
  if (op === "call" || op === "run") callee(op === "call" ? "action" : "flow", value as Record<string, unknown>, path, bundle);
};

/** A declaration's parameters: their shapes, no duplicate names. */
const PARAMS: Shape = (value, path, bundle) => {
  const names = new Set<string>();
  list(value, path).forEach((param, i) => {
    const at = `${path}[${i}]`;
    check(param, { name: "string", type: "type", "default?": ANY }, at, bundle);
    const { name } = param as ParamJson;
    if (names.has(name)) inconsistent(`${at}.name`, `duplicate parameter '${name}'`);
    names.add(name);
  });
};

const TYPES = record("type");

const TRIGGERS: Record<string, Shape> = {
  keyword: ["string"],
  event: "string",
  start: (value, path) => {
    if (value !== true) expected("true", value, path);
  },
};

const TRIGGER: Shape = (value, path, bundle) => {
  const detail = "expected a keyword, event or start trigger (one field)";
  const key = onlyField(value, path, detail);
  if (!hasOwn(TRIGGERS, key)) refuse(path, detail);
  check((value as Record<string, unknown>)[key], TRIGGERS[key], pathKey(path, key), bundle);
};

const ACTION: Shape = {
  "standard?": (value, path) => {
    if (value !== true) expected("true or nothing", value, path);
  },
  params: PARAMS,
  result: "type?",
  timeoutMs: (value, path) => amount(value, path, true),
  "http?": {
    method: (value, path) => oneOf(["GET", "POST", "PUT", "PATCH", "DELETE"], value, path),
    url: "expr",
    origin: (value, path) => {
      if (!/^https?:\/\/[^/?#\s]+$/i.test(string(value, path))) expected("a scheme and host like https://api.example", value, path);
    },
    headers: [PAIR],
    body: "expr?",
  },
};

const FLOW: Shape = {
  // Checked before any flow's code (`checkBundle`).
  params: ANY,
  result: "type?",
  triggers: [TRIGGER],
  vars: TYPES,
  code: (value, path, bundle) => {
    bundle.code = list(value, path, 1).length;
    check(value, [INSTRUCTION], path, bundle);
  },
  steps: record("pc"),
  map: [tuple("[file index, line, column]", "nat", "nat", "nat")],
};

/** A flow: its shape first, then how its parts fit together. */
function checkFlow(value: unknown, path: string, bundle: Checker): void {
  check(value, FLOW, path, bundle);
  const { code, map } = value as FlowJson;
  const last = code[code.length - 1].op;
  if (!NO_FALL_THROUGH.includes(last)) inconsistent(`${path}.code[${code.length - 1}]`, `the last instruction ('${last}') would run past the end of the code`);
  if (map.length !== code.length) inconsistent(`${path}.map`, `expected ${code.length} source positions (one per instruction), found ${map.length}`);
  map.forEach(([source], i) => {
    if (source >= bundle.sources) inconsistent(`${path}.map[${i}][0]`, `source file ${source} is out of range (there are ${bundle.sources})`);
  });
}

const BUNDLE: Shape = {
  format: (value, path) => {
    if (value !== BUNDLE_FORMAT) refuse(path, `unknown bundle format ${describe(value)} (this runtime reads ${BUNDLE_FORMAT})`);
  },
  version: (value, path) => {
    if (string(value, path) === "") refuse(path, "expected a non-empty version");
  },
  locale: (value, path) => {
    if (!isLocale(value)) expected("en, pt-BR or es", value, path);
  },
  timeZone: "string",
  context: TYPES,
  types: TYPES,
  // Checked after the sources (`checkBundle`).
  actions: ANY,
  flows: ANY,
  sources: ["string"],
};

/** The bundle's fields, then its declarations: the actions, every flow's parameters, then the flows. */
function checkBundle(value: unknown): void {
  const checker: Checker = { code: 0, sources: 0, depth: 0, actions: {}, flows: {} };
  check(value, BUNDLE, "$", checker);
  const bundle = value as Bundle;
  checker.sources = bundle.sources.length;
  const actions = (checker.actions = object(bundle.actions, "$.actions"));
  const flows = (checker.flows = object(bundle.flows, "$.flows"));
  if (!isTimeZone(bundle.timeZone)) inconsistent("$.timeZone", `unknown time zone ${describe(bundle.timeZone)}`);
  check(actions, record(ACTION), "$.actions", checker);
  // Every flow's parameters before any code, which `run`s flows declared later.
  check(flows, record((flow, path) => check(getOwn(object(flow, path), "params"), PARAMS, `${path}.params`, checker)), "$.flows", checker);
  check(flows, record(checkFlow), "$.flows", checker);
}

/**
 * Validates a bundle (a parsed JSON value, or its JSON text) and returns a
 * detached copy of it, ready for `createEngine`. Throws `BundleError`, naming
 * the path of the bad value, for anything malformed; never throws anything
 * else.
 */
export function loadBundle(json: unknown): Bundle {
  let data: Json;
  try {
    data = copyJson(typeof json === "string" ? (JSON.parse(json) as unknown) : json);
  } catch (error) {
    if (error instanceof JsonError) throw new BundleError(error.path, error.detail, /nested deeper|too many/.test(error.detail) ? "consistency" : "shape");
    throw new BundleError("$", typeof json === "string" ? "not valid JSON text" : "not a JSON value");
  }
  try {
    checkBundle(data);
  } catch (error) {
    if (error instanceof BundleError) throw error;
    // A bug in the checker must still surface as a refusal, not a crash of the host.
    inconsistent("$", `could not be checked (${error instanceof Error ? error.message : "unknown error"})`);
  }
  loaded.add(data as object);
  return data as unknown as Bundle;
}

/** Bundles returned by `loadBundle` (already checked; `createEngine` checks any other). */
const loaded = new WeakSet<object>();

/** Whether `bundle` came from `loadBundle`. */
export function isLoaded(bundle: unknown): boolean {
  // `WeakSet.has` is false for anything that is not an object.
  return loaded.has(bundle as object);
}

/** Reads a field of a loaded bundle record by own property (flows, actions are keyed by user-chosen names). */
export const lookup = getOwn as <T>(record: Record<string, T>, name: string) => T | undefined;
