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

import { BUNDLE_FORMAT, type Bundle } from "./bundle.js";
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

function describe(value: unknown): string {
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

function integer(value: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max) expected(`an integer from 0${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}`, value, path);
  return value as number;
}

/** A finite number ≥ 0 (> 0 with `positive`). */
function amount(value: unknown, path: string, positive = false): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (positive && value === 0)) expected(positive ? "a positive number" : "a number ≥ 0", value, path);
  return value;
}

function field(record: Record<string, unknown>, name: string): unknown {
  return getOwn(record, name);
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

/** Refuses a value that is not one of `values`. */
export function oneOf(values: readonly unknown[], value: unknown, path: string): void {
  if (!values.includes(value)) expected(values.join(", "), value, path);
}

function tooDeep(path: string, what: string): never {
  inconsistent(path, `${what} nested deeper than ${MAX_TREE_DEPTH} levels`);
}

const PRIMITIVE_TYPES = ["string", "number", "integer", "boolean", "email", "phone", "date", "url", "null"];

/** Checks a `TypeJson`. */
function checkType(value: unknown, path: string, depth = 0): void {
  if (depth > MAX_TREE_DEPTH) tooDeep(path, "type");
  if (typeof value === "string") return oneOf(PRIMITIVE_TYPES, value, path);
  const keys = Object.keys(object(value, path));
  if (keys.length !== 1) refuse(path, "expected a type: a primitive name, or one of literal, list, record, union");
  const key = keys[0];
  const inner = (value as Record<string, unknown>)[key];
  const at = pathKey(path, key);
  if (key === "literal") {
    if (inner === null || !isPrimitive(inner)) expected("a string, number or boolean", inner, at);
  } else if (key === "list") checkType(inner, at, depth + 1);
  else if (key === "record") for (const name of Object.keys(object(inner, at))) checkType((inner as Record<string, unknown>)[name], pathKey(at, name), depth + 1);
  else if (key === "union") list(inner, at, 1).forEach((member, i) => checkType(member, `${at}[${i}]`, depth + 1));
  else refuse(at, "unknown type form");
}

/** Checks an expression tree. */
function checkExpr(value: unknown, path: string, depth = 0): void {
  if (depth > MAX_TREE_DEPTH) tooDeep(path, "expression");
  const node = list(value, path);
  const op = node[0];
  if (typeof op !== "string" || !hasOwn(EXPR_ARITY, op)) refuse(`${path}[0]`, `unknown expression opcode ${describe(op)}`);
  const arity = EXPR_ARITY[op];
  if (arity >= 0 && node.length - 1 !== arity) refuse(path, `'${op}' takes ${arity} operand(s), found ${node.length - 1}`);
  const sub = (i: number): void => checkExpr(node[i], `${path}[${i}]`, depth + 1);
  let from = 1;
  switch (op) {
    case "lit":
      if (!isPrimitive(node[1])) expected("a string, number, boolean or null", node[1], `${path}[1]`);
      return;
    case "var":
      string(node[1], `${path}[1]`);
      return;
    case "get":
      sub(1);
      string(node[2], `${path}[2]`);
      if (typeof node[3] !== "boolean") expected("a boolean", node[3], `${path}[3]`);
      return;
    case "rec":
      for (let i = 1; i < node.length; i++) {
        const pair = list(node[i], `${path}[${i}]`);
        if (pair.length !== 2) refuse(`${path}[${i}]`, "expected [name, expression]");
        string(pair[0], `${path}[${i}][0]`);
        checkExpr(pair[1], `${path}[${i}][1]`, depth + 1);
      }
      return;
    case "fn": {
      const name = node[1];
      if (typeof name !== "string" || !hasOwn(BUILTIN_ARITY, name)) refuse(`${path}[1]`, `unknown function ${describe(name)}`);
      if (node.length - 2 !== BUILTIN_ARITY[name]) refuse(path, `${name}() takes ${BUILTIN_ARITY[name]} argument(s), found ${node.length - 2}`);
      // A literal pattern is checked once, here: a bundle with an invalid pattern, or one that could backtrack for ever on a reply, never runs (pattern.ts).
      const pattern = node[3] as unknown[];
      if (name === "matches" && Array.isArray(pattern) && pattern[0] === "lit" && typeof pattern[1] === "string") {
        const problem = patternProblem(pattern[1]);
        if (problem !== undefined) inconsistent(`${path}[3][1]`, `the pattern ${describe(pattern[1])} ${problem}`);
      }
      from = 2;
    }
  }
  // `str` holds text parts between its expressions.
  for (let i = from; i < node.length; i++) if (op !== "str" || typeof node[i] !== "string") sub(i);
}

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
  sources: number;
  actions: Record<string, unknown>;
  flows: Record<string, unknown>;
  params: Map<unknown, { count: number; required: number }>;
}

const INVALID: Shape = { message: "expr?", retries: (value, path) => integer(value, path, 1000), then: "pc?" };
const TIMEOUT: Shape = { ms: "ms", then: "pc?" };

function pc(value: unknown, path: string, bundle: Checker): void {
  const n = integer(value, path);
  if (n >= bundle.code) inconsistent(path, `instruction ${n} is out of range (there are ${bundle.code})`);
}

/** The arguments of a `call` or `run`: expressions, as many as the callee takes (`run`: its parameters with defaults may be left out). */
function callee(kind: "action" | "flow", ins: Record<string, unknown>, path: string, bundle: Checker): void {
  const name = ins[kind] as string;
  const record = kind === "action" ? bundle.actions : bundle.flows;
  const params = hasOwn(record, name) ? bundle.params.get(record[name]) : undefined;
  if (!params) inconsistent(`${path}.${kind}`, `unknown ${kind} '${name}'`);
  const count = (ins.args as unknown[]).length;
  const fewest = kind === "action" ? params.count : params.required;
  if (count > params.count || count < fewest) {
    inconsistent(`${path}.args`, `${kind} '${name}' takes ${fewest === params.count ? fewest : `${fewest} to ${params.count}`} argument(s), found ${count}`);
  }
}

const SHAPES: Record<string, Shape> = {
  string,
  object: (value, path) => object(value, path),
  list: (value, path) => list(value, path),
  /** A record of strings. */
  names: (value, path) => {
    const names = object(value, path);
    for (const name of Object.keys(names)) string(names[name], pathKey(path, name));
  },
  ms: (value, path) => amount(value, path),
  nat: (value, path) => integer(value, path),
  expr: (value, path) => checkExpr(value, path),
  type: (value, path) => checkType(value, path),
  pc,
  prim: (value, path) => {
    if (value === null || !isPrimitive(value)) expected("a string, number or boolean", value, path);
  },
  literal: (value, path) => {
    if (!isPrimitive(value)) expected("a literal", value, path);
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
};

/** The fields of each instruction after `op`, and their shapes (`INSTRUCTION_FIELDS` lists them for the schema test). */
const INSTRUCTIONS: Record<string, Record<string, Shape>> = {
  say: { text: "expr" },
  media: { kind: (value, path) => oneOf(["image", "video", "audio", "file"], value, path), url: "expr", caption: "expr?" },
  wait: { ms: "ms" },
  ask: { var: "string", prompt: "expr", input: "input", validate: "expr?", invalid: INVALID, timeout: TIMEOUT },
  askFrom: { var: "string", list: "expr", label: "expr?", prompt: "expr", validate: "expr?", invalid: INVALID, timeout: TIMEOUT },
  choose: {
    prompt: "expr",
    options: (value, path, bundle) => list(value, path, 1).forEach((option, i) => check(option, { label: "string", match: ["string"], then: "pc" }, `${path}[${i}]`, bundle)),
    invalid: INVALID,
    timeout: TIMEOUT,
  },
  set: { var: "string", value: "expr" },
  call: { action: "string", args: ["expr"], var: "string?", else: "pc?" },
  run: { flow: "string", args: ["expr"], var: "string?" },
  jump: { to: "pc" },
  branch: { cond: "expr", else: "pc" },
  match: { subject: "expr", cases: [{ values: ["literal"], to: "pc" }], else: "pc" },
  random: {
    arms: (value, path, bundle) => {
      let total = 0;
      list(value, path, 1).forEach((arm, i) => {
        check(arm, { weight: "ms", to: "pc" }, `${path}[${i}]`, bundle);
        total += (arm as { weight: number }).weight;
      });
      if (!(total > 0)) refuse(path, "at least one weight must be positive");
      if (!Number.isFinite(total)) inconsistent(path, "the weights must add up to a finite number");
    },
  },
  end: {},
  handoff: { department: "expr?" },
  return: { value: "expr?" },
};

// `timeout` may be null where a question has no timeout clause.
for (const op of ["ask", "askFrom", "choose"]) INSTRUCTIONS[op].timeout = (value, path, bundle) => value !== null && check(value, TIMEOUT, path, bundle);

/** The fields of each instruction, `op` included (all required). */
export const INSTRUCTION_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.keys(INSTRUCTIONS).map((op) => [op, ["op", ...Object.keys(INSTRUCTIONS[op])]]),
);

/** Instructions after which execution never falls through to pc + 1. */
const NO_FALL_THROUGH = ["jump", "return", "end", "handoff"];

/** Checks `value` against `shape` (see `Shape`); throws a `BundleError` naming the path of what does not fit. */
export function check(value: unknown, shape: Shape, path: string, bundle = {} as Checker): void {
  if (typeof shape === "string") {
    if (shape.endsWith("?")) {
      if (value !== null) check(value, shape.slice(0, -1), path, bundle);
    } else check(value, SHAPES[shape], path, bundle);
  } else if (typeof shape === "function") shape(value, path, bundle);
  else if (Array.isArray(shape)) list(value, path).forEach((element, i) => check(element, shape[0], `${path}[${i}]`, bundle));
  else {
    const names = Object.keys(shape);
    const keys = names.map((name) => (name.endsWith("?") ? name.slice(0, -1) : name));
    const record = object(value, path, keys);
    names.forEach((name, i) => {
      const inner = field(record, keys[i]);
      if (inner !== undefined || keys[i] === name) check(inner, (shape as Record<string, Shape>)[name], pathKey(path, keys[i]), bundle);
    });
  }
}

/** A declaration's parameters: their shapes, no duplicate names; how many there are and how many a call must give. */
function checkParams(value: unknown, path: string, bundle: Checker): { count: number; required: number } {
  const names = new Set<string>();
  let required = 0;
  list(value, path).forEach((entry, i) => {
    const at = `${path}[${i}]`;
    const param = object(entry, at, ["name", "type", "default"]);
    const name = string(field(param, "name"), `${at}.name`);
    check(field(param, "type"), "type", `${at}.type`, bundle);
    if (names.has(name)) inconsistent(`${at}.name`, `duplicate parameter '${name}'`);
    names.add(name);
    if (!hasOwn(param, "default") && !acceptsNull(param.type as never)) required = i + 1;
  });
  return { count: names.size, required };
}

const TYPES: Shape = (value, path, bundle) => {
  const types = object(value, path);
  for (const name of Object.keys(types)) check(types[name], "type", pathKey(path, name), bundle);
};

const HTTP: Shape = {
  method: (value, path) => oneOf(["GET", "POST", "PUT", "PATCH", "DELETE"], value, path),
  url: "expr",
  origin: (value, path) => {
    if (!/^https?:\/\/[^/?#\s]+$/i.test(string(value, path))) expected("a scheme and host like https://api.example", value, path);
  },
  headers: [(value, path, bundle) => {
    if (list(value, path).length !== 2) refuse(path, "expected [name, expression]");
    check((value as unknown[])[0], "string", `${path}[0]`, bundle);
    check((value as unknown[])[1], "expr", `${path}[1]`, bundle);
  }],
  body: "expr?",
};

const TRIGGER: Shape = (value, path, bundle) => {
  const keys = Object.keys(object(value, path));
  const key = keys[0];
  const shapes: Record<string, Shape> = { keyword: ["string"], event: "string", start: (start, at) => start !== true && expected("true", start, at) };
  if (keys.length !== 1 || !hasOwn(shapes, key)) refuse(path, "expected a keyword, event or start trigger (one field)");
  check((value as Record<string, unknown>)[key], shapes[key], pathKey(path, key), bundle);
};

function checkAction(value: unknown, path: string, bundle: Checker): void {
  const action = object(value, path, ["standard", "params", "result", "timeoutMs", "http"]);
  if (action.standard !== undefined && action.standard !== true) expected("true or nothing", action.standard, `${path}.standard`);
  bundle.params.set(value, checkParams(field(action, "params"), `${path}.params`, bundle));
  check(field(action, "result"), "type?", `${path}.result`, bundle);
  amount(field(action, "timeoutMs"), `${path}.timeoutMs`, true);
  if (action.http !== undefined) check(action.http, HTTP, `${path}.http`, bundle);
}

function checkFlow(value: unknown, path: string, bundle: Checker): void {
  const flow = object(value, path, ["params", "result", "triggers", "vars", "code", "steps", "map"]);
  check(field(flow, "result"), "type?", `${path}.result`, bundle);
  check(field(flow, "triggers"), [TRIGGER], `${path}.triggers`, bundle);
  check(field(flow, "vars"), TYPES, `${path}.vars`, bundle);
  const code = list(field(flow, "code"), `${path}.code`, 1);
  bundle.code = code.length;
  code.forEach((entry, i) => {
    const at = `${path}.code[${i}]`;
    const op = object(entry, at).op;
    if (typeof op !== "string" || !hasOwn(INSTRUCTIONS, op)) refuse(`${at}.op`, `unknown instruction ${describe(op)}`);
    check(entry, { op: "string", ...INSTRUCTIONS[op] }, at, bundle);
    if (op === "call" || op === "run") callee(op === "call" ? "action" : "flow", entry as Record<string, unknown>, at, bundle);
  });
  const steps = object(field(flow, "steps"), `${path}.steps`);
  for (const step of Object.keys(steps)) pc(steps[step], pathKey(`${path}.steps`, step), bundle);
  const map = field(flow, "map") as unknown[];
  check(map, [(entry, at) => {
    if (list(entry, at).length !== 3) refuse(at, "expected [file index, line, column]");
    (entry as unknown[]).forEach((n, j) => integer(n, `${at}[${j}]`));
  }], `${path}.map`, bundle);
  // Shapes first, then how the parts fit together.
  const last = (code[code.length - 1] as { op: string }).op;
  if (!NO_FALL_THROUGH.includes(last)) inconsistent(`${path}.code[${code.length - 1}]`, `the last instruction ('${last}') would run past the end of the code`);
  if (map.length !== code.length) inconsistent(`${path}.map`, `expected ${code.length} source positions (one per instruction), found ${map.length}`);
  map.forEach((entry, i) => {
    if ((entry as number[])[0] >= bundle.sources) inconsistent(`${path}.map[${i}][0]`, `source file ${(entry as number[])[0]} is out of range (there are ${bundle.sources})`);
  });
}

function checkBundle(bundle: Record<string, unknown>): void {
  object(bundle, "$", ["format", "version", "locale", "timeZone", "context", "types", "actions", "flows", "sources"]);
  if (bundle.format !== BUNDLE_FORMAT) refuse("$.format", `unknown bundle format ${describe(bundle.format)} (this runtime reads ${BUNDLE_FORMAT})`);
  if (string(field(bundle, "version"), "$.version") === "") refuse("$.version", "expected a non-empty version");
  if (!isLocale(bundle.locale)) expected("en, pt-BR or es", bundle.locale, "$.locale");
  const timeZone = string(field(bundle, "timeZone"), "$.timeZone");
  const checker: Checker = { code: 0, sources: 0, actions: {}, flows: {}, params: new Map() };
  check(field(bundle, "context"), TYPES, "$.context", checker);
  check(field(bundle, "types"), TYPES, "$.types", checker);
  checker.sources = list(field(bundle, "sources"), "$.sources").length;
  check(bundle.sources, ["string"], "$.sources", checker);
  const actions = (checker.actions = object(field(bundle, "actions"), "$.actions"));
  const flows = (checker.flows = object(field(bundle, "flows"), "$.flows"));
  if (!isTimeZone(timeZone)) inconsistent("$.timeZone", `unknown time zone ${describe(timeZone)}`);
  for (const name of Object.keys(actions)) checkAction(actions[name], pathKey("$.actions", name), checker);
  // Every flow's parameters before any code, which `run`s flows declared later.
  for (const name of Object.keys(flows)) {
    const path = pathKey("$.flows", name);
    checker.params.set(flows[name], checkParams(field(object(flows[name], path), "params"), `${path}.params`, checker));
  }
  for (const name of Object.keys(flows)) checkFlow(flows[name], pathKey("$.flows", name), checker);
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
    checkBundle(object(data, "$"));
  } catch (error) {
    if (error instanceof BundleError) throw error;
    // A bug in the checker must still surface as a refusal, not a crash of the host.
    throw new BundleError("$", `could not be checked (${error instanceof Error ? error.message : "unknown error"})`, "consistency");
  }
  loaded.add(data as object);
  return data as unknown as Bundle;
}

/** Bundles returned by `loadBundle` (already checked; `createEngine` checks any other). */
const loaded = new WeakSet<object>();

/** Whether `bundle` came from `loadBundle`. */
export function isLoaded(bundle: unknown): boolean {
  return typeof bundle === "object" && bundle !== null && loaded.has(bundle);
}

/** Reads a field of a loaded bundle record by own property (flows, actions are keyed by user-chosen names). */
export function lookup<T>(record: Record<string, T>, name: string): T | undefined {
  return getOwn(record, name) as T | undefined;
}
