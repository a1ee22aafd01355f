//! Loading a bundle (RUNTIME §1): a bundle is untrusted input, so
//! `loadBundle` copies it (detaching it from the caller and refusing non-JSON
//! values, cycles and absurd nesting) and checks its structure before the
//! engine ever runs it: the format, version and locale, every type,
//! expression and instruction shape (no field missing, none unknown), every
//! jump target, step and source-map entry in range, and every action or flow
//! that a `call` or `run` names. A malformed bundle is refused with a
//! `BundleError` naming the JSON path of the bad value
//! (`$.flows.survey.code[3].else`), and loading never throws anything else,
//! whatever the input.
//!
//! The checks are hand-written because the runtime has no dependencies. The
//! repository's JSON Schema (`schema/bundle.schema.json`) describes the same
//! format, and a test (`test/runtime-schema.test.ts`) runs both over the
//! examples' bundles and thousands of mutations of them. Each refusal has a
//! `kind`: `shape` for what the schema also says (so the two accept exactly
//! the same shapes), `consistency` for what a JSON Schema cannot express:
//! references (actions and flows named by `call`/`run`, their argument
//! counts), pcs and source indices in range, the source map's length, code
//! that would run past its end, duplicate parameters, known time zones,
//! choice values matching their options, and nesting limits.
//!
//! After loading, the engine may index `code[pc]` and look actions and flows
//! up without re-checking.

import { BUNDLE_FORMAT, type Bundle, type TypeJson } from "./bundle.js";
import { BUILTIN_ARITY, isTimeZone } from "./builtins.js";
import { EXPR_ARITY } from "./expression.js";
import { copyJson, getOwn, hasOwn, isObject, JsonError, pathKey, type Json } from "./json.js";
import { isLocale } from "./locale.js";
import { patternProblem } from "./pattern.js";

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

const PRIMITIVE_TYPES = new Set(["string", "number", "integer", "boolean", "email", "phone", "date", "url", "null"]);
const INPUT_TYPES = new Set(["string", "number", "integer", "boolean", "email", "phone", "date", "url"]);
const MEDIA_KINDS = new Set(["image", "video", "audio", "file"]);
const HTTP_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
/** Instructions after which execution never falls through to pc + 1. */
const NO_FALL_THROUGH = new Set(["jump", "return", "end", "handoff"]);

/** The fields of each instruction, `op` included (all required). */
export const INSTRUCTION_FIELDS: Readonly<Record<string, readonly string[]>> = {
  say: ["op", "text"],
  media: ["op", "kind", "url", "caption"],
  wait: ["op", "ms"],
  ask: ["op", "var", "prompt", "input", "validate", "invalid", "timeout"],
  askFrom: ["op", "var", "list", "label", "prompt", "validate", "invalid", "timeout"],
  choose: ["op", "prompt", "options", "invalid", "timeout"],
  set: ["op", "var", "value"],
  call: ["op", "action", "args", "var", "else"],
  run: ["op", "flow", "args", "var"],
  jump: ["op", "to"],
  branch: ["op", "cond", "else"],
  match: ["op", "subject", "cases", "else"],
  random: ["op", "arms"],
  end: ["op"],
  handoff: ["op", "department"],
  return: ["op", "value"],
};

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return String(value);
}

/** Refuses a value that breaks the format's shape (what the JSON Schema says too). */
function refuse(path: string, detail: string): never {
  throw new BundleError(path, detail, "shape");
}

/** Refuses a value whose shape is right but that does not fit the rest of the bundle. */
function inconsistent(path: string, detail: string): never {
  throw new BundleError(path, detail, "consistency");
}

/** An object with no fields other than `allowed`. */
function object(value: unknown, path: string, allowed?: readonly string[]): Record<string, unknown> {
  if (!isObject(value)) refuse(path, `expected an object, found ${describe(value)}`);
  if (allowed) {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) refuse(pathKey(path, key), `unknown field (expected ${allowed.join(", ")})`);
  }
  return value;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) refuse(path, `expected a list, found ${describe(value)}`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== "string") refuse(path, `expected a string, found ${describe(value)}`);
  return value;
}

function integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    refuse(path, `expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? "" : ` to ${max}`}, found ${describe(value)}`);
  }
  return value;
}

/** An index into something of `count` elements: its shape (an integer ≥ 0), then its range. */
function index(value: unknown, path: string, count: number, what: string): number {
  const n = integer(value, path, 0);
  if (n >= count) inconsistent(path, `${what} ${n} is out of range (there are ${count})`);
  return n;
}

function field(record: Record<string, unknown>, name: string): unknown {
  return hasOwn(record, name) ? record[name] : undefined;
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

function tooDeep(path: string, what: string): never {
  inconsistent(path, `${what} nested deeper than ${MAX_TREE_DEPTH} levels`);
}

/** Checks a `TypeJson`. */
function checkType(value: unknown, path: string, depth = 0): void {
  if (depth > MAX_TREE_DEPTH) tooDeep(path, "type");
  if (typeof value === "string") {
    if (!PRIMITIVE_TYPES.has(value)) refuse(path, `unknown type ${describe(value)}`);
    return;
  }
  const type = object(value, path);
  const keys = Object.keys(type);
  if (keys.length !== 1) refuse(path, `expected a type (a primitive name, or one of literal, list, record, union), found an object with ${keys.length} keys`);
  const [key] = keys;
  const inner = type[key];
  switch (key) {
    case "literal":
      if (!(typeof inner === "string" || typeof inner === "boolean" || (typeof inner === "number" && Number.isFinite(inner)))) refuse(`${path}.literal`, `expected a string, number or boolean, found ${describe(inner)}`);
      return;
    case "list":
      return checkType(inner, `${path}.list`, depth + 1);
    case "record": {
      const fields = object(inner, `${path}.record`);
      for (const name of Object.keys(fields)) checkType(fields[name], pathKey(`${path}.record`, name), depth + 1);
      return;
    }
    case "union": {
      const members = list(inner, `${path}.union`);
      if (members.length === 0) refuse(`${path}.union`, "a union needs at least one member");
      members.forEach((member, i) => checkType(member, `${path}.union[${i}]`, depth + 1));
      return;
    }
    default:
      refuse(pathKey(path, key), `unknown type form ${describe(key)}`);
  }
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
  switch (op) {
    case "lit":
      if (!isPrimitive(node[1])) refuse(`${path}[1]`, `expected a string, number, boolean or null, found ${describe(node[1])}`);
      return;
    case "var":
      string(node[1], `${path}[1]`);
      return;
    case "ctx":
      return;
    case "get":
      sub(1);
      string(node[2], `${path}[2]`);
      if (typeof node[3] !== "boolean") refuse(`${path}[3]`, `expected a boolean, found ${describe(node[3])}`);
      return;
    case "rec":
      for (let i = 1; i < node.length; i++) {
        const pair = list(node[i], `${path}[${i}]`);
        if (pair.length !== 2) refuse(`${path}[${i}]`, "expected [name, expression]");
        string(pair[0], `${path}[${i}][0]`);
        checkExpr(pair[1], `${path}[${i}][1]`, depth + 1);
      }
      return;
    case "str":
      for (let i = 1; i < node.length; i++) if (typeof node[i] !== "string") sub(i);
      return;
    case "fn": {
      const name = node[1];
      if (typeof name !== "string" || !hasOwn(BUILTIN_ARITY, name)) refuse(`${path}[1]`, `unknown function ${describe(name)}`);
      if (node.length - 2 !== BUILTIN_ARITY[name]) refuse(path, `${name}() takes ${BUILTIN_ARITY[name]} argument(s), found ${node.length - 2}`);
      for (let i = 2; i < node.length; i++) sub(i);
      // A literal pattern is checked once, here: a bundle with an invalid pattern, or one that could backtrack for ever on a reply, never runs (pattern.ts).
      const pattern = node[3] as unknown[];
      if (name === "matches" && pattern[0] === "lit" && typeof pattern[1] === "string") {
        const problem = patternProblem(pattern[1]);
        if (problem !== undefined) inconsistent(`${path}[3][1]`, `the pattern ${describe(pattern[1])} ${problem}`);
      }
      return;
    }
    default:
      for (let i = 1; i < node.length; i++) sub(i);
  }
}

function checkExprOrNull(value: unknown, path: string): void {
  if (value !== null) checkExpr(value, path);
}

interface ParamsInfo {
  count: number;
  required: number;
}

function checkParams(value: unknown, path: string): ParamsInfo {
  const params = list(value, path);
  const names = new Set<string>();
  let required = 0;
  params.forEach((entry, i) => {
    const param = object(entry, `${path}[${i}]`, ["name", "type", "default"]);
    const name = string(field(param, "name"), `${path}[${i}].name`);
    checkType(field(param, "type"), `${path}[${i}].type`);
    if (names.has(name)) inconsistent(`${path}[${i}].name`, `duplicate parameter '${name}'`);
    names.add(name);
    if (!hasOwn(param, "default") && !acceptsNullType(param.type as TypeJson)) required = i + 1;
  });
  return { count: params.length, required };
}

function acceptsNullType(type: TypeJson): boolean {
  return type === "null" || (typeof type === "object" && hasOwn(type, "union") && (type as { union: TypeJson[] }).union.some(acceptsNullType));
}

class BundleChecker {
  private readonly actions: Record<string, unknown>;
  private readonly flows: Record<string, unknown>;
  private readonly actionParams = new Map<string, ParamsInfo>();
  private readonly flowParams = new Map<string, ParamsInfo>();
  private readonly sourceCount: number;

  constructor(bundle: Record<string, unknown>) {
    object(bundle, "$", ["format", "version", "locale", "timeZone", "context", "types", "actions", "flows", "sources"]);
    const format = field(bundle, "format");
    if (format !== BUNDLE_FORMAT) refuse("$.format", `unknown bundle format ${describe(format)} (this runtime reads ${BUNDLE_FORMAT})`);
    const version = string(field(bundle, "version"), "$.version");
    if (version.length === 0) refuse("$.version", "expected a non-empty version");
    const locale = field(bundle, "locale");
    if (!isLocale(locale)) refuse("$.locale", `unknown locale ${describe(locale)} (expected en, pt-BR or es)`);
    const timeZone = string(field(bundle, "timeZone"), "$.timeZone");
    for (const section of ["context", "types"]) {
      const types = object(field(bundle, section), `$.${section}`);
      for (const name of Object.keys(types)) checkType(types[name], pathKey(`$.${section}`, name));
    }
    const sources = list(field(bundle, "sources"), "$.sources");
    sources.forEach((source, i) => string(source, `$.sources[${i}]`));
    this.sourceCount = sources.length;
    this.actions = object(field(bundle, "actions"), "$.actions");
    this.flows = object(field(bundle, "flows"), "$.flows");
    if (!isTimeZone(timeZone)) inconsistent("$.timeZone", `unknown time zone ${describe(timeZone)}`);
  }

  check(): void {
    for (const name of Object.keys(this.actions)) this.action(name, pathKey("$.actions", name));
    for (const name of Object.keys(this.flows)) {
      const path = pathKey("$.flows", name);
      this.flowParams.set(name, checkParams(field(object(this.flows[name], path), "params"), `${path}.params`));
    }
    for (const name of Object.keys(this.flows)) this.flow(name, pathKey("$.flows", name));
  }

  private action(name: string, path: string): void {
    const action = object(this.actions[name], path, ["standard", "params", "result", "timeoutMs", "http"]);
    const standard = field(action, "standard");
    if (standard !== undefined && standard !== true) refuse(`${path}.standard`, `expected true or absent, found ${describe(standard)}`);
    this.actionParams.set(name, checkParams(field(action, "params"), `${path}.params`));
    const result = field(action, "result");
    if (result !== null) checkType(result, `${path}.result`);
    const timeout = field(action, "timeoutMs");
    if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0) refuse(`${path}.timeoutMs`, `expected a positive number of milliseconds, found ${describe(timeout)}`);
    const http = field(action, "http");
    if (http === undefined) return;
    const httpPath = `${path}.http`;
    const spec = object(http, httpPath, ["method", "url", "origin", "headers", "body"]);
    const method = field(spec, "method");
    if (typeof method !== "string" || !HTTP_METHODS.has(method)) refuse(`${httpPath}.method`, `expected GET, POST, PUT, PATCH or DELETE, found ${describe(method)}`);
    checkExpr(field(spec, "url"), `${httpPath}.url`);
    const origin = string(field(spec, "origin"), `${httpPath}.origin`);
    if (!/^https?:\/\/[^/?#\s]+$/i.test(origin)) refuse(`${httpPath}.origin`, `expected a scheme and host like https://api.example, found ${describe(origin)}`);
    list(field(spec, "headers"), `${httpPath}.headers`).forEach((entry, i) => {
      const header = list(entry, `${httpPath}.headers[${i}]`);
      if (header.length !== 2) refuse(`${httpPath}.headers[${i}]`, "expected [name, expression]");
      string(header[0], `${httpPath}.headers[${i}][0]`);
      checkExpr(header[1], `${httpPath}.headers[${i}][1]`);
    });
    checkExprOrNull(field(spec, "body"), `${httpPath}.body`);
  }

  private flow(name: string, path: string): void {
    const flow = object(this.flows[name], path, ["params", "result", "triggers", "vars", "code", "steps", "map"]);
    const resultType = field(flow, "result");
    if (resultType !== null) checkType(resultType, `${path}.result`);
    list(field(flow, "triggers"), `${path}.triggers`).forEach((entry, i) => {
      const tpath = `${path}.triggers[${i}]`;
      const trigger = object(entry, tpath);
      const keys = Object.keys(trigger);
      if (keys.length !== 1) refuse(tpath, "expected a keyword, event or start trigger (one field)");
      if (keys[0] === "keyword") list(trigger.keyword, `${tpath}.keyword`).forEach((k, j) => string(k, `${tpath}.keyword[${j}]`));
      else if (keys[0] === "event") string(trigger.event, `${tpath}.event`);
      else if (keys[0] === "start") {
        if (trigger.start !== true) refuse(`${tpath}.start`, `expected true, found ${describe(trigger.start)}`);
      } else refuse(tpath, "expected a keyword, event or start trigger");
    });
    const vars = object(field(flow, "vars"), `${path}.vars`);
    for (const v of Object.keys(vars)) checkType(vars[v], pathKey(`${path}.vars`, v));

    const code = list(field(flow, "code"), `${path}.code`);
    if (code.length === 0) refuse(`${path}.code`, "a flow needs at least one instruction");
    const pc = (value: unknown, at: string): void => void index(value, at, code.length, "instruction");
    code.forEach((entry, i) => this.instruction(entry, `${path}.code[${i}]`, pc));

    const steps = object(field(flow, "steps"), `${path}.steps`);
    for (const step of Object.keys(steps)) pc(steps[step], pathKey(`${path}.steps`, step));

    const map = list(field(flow, "map"), `${path}.map`);
    map.forEach((entry, i) => {
      const position = list(entry, `${path}.map[${i}]`);
      if (position.length !== 3) refuse(`${path}.map[${i}]`, "expected [file index, line, column]");
      integer(position[0], `${path}.map[${i}][0]`, 0);
      integer(position[1], `${path}.map[${i}][1]`, 0);
      integer(position[2], `${path}.map[${i}][2]`, 0);
    });
    // Shapes first, then how the parts fit together.
    const last = code[code.length - 1] as { op: string };
    if (!NO_FALL_THROUGH.has(last.op)) inconsistent(`${path}.code[${code.length - 1}]`, `the last instruction ('${last.op}') would run past the end of the code`);
    if (map.length !== code.length) inconsistent(`${path}.map`, `expected ${code.length} source positions (one per instruction), found ${map.length}`);
    map.forEach((entry, i) => index((entry as unknown[])[0], `${path}.map[${i}][0]`, this.sourceCount, "source file"));
  }

  private question(ins: Record<string, unknown>, path: string, pc: (value: unknown, at: string) => void): void {
    checkExpr(field(ins, "prompt"), `${path}.prompt`);
    const invalid = object(field(ins, "invalid"), `${path}.invalid`, ["message", "retries", "then"]);
    checkExprOrNull(field(invalid, "message"), `${path}.invalid.message`);
    integer(field(invalid, "retries"), `${path}.invalid.retries`, 0, 1000);
    if (field(invalid, "then") !== null) pc(invalid.then, `${path}.invalid.then`);
    const timeout = field(ins, "timeout");
    if (timeout !== null) {
      const spec = object(timeout, `${path}.timeout`, ["ms", "then"]);
      const ms = field(spec, "ms");
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) refuse(`${path}.timeout.ms`, `expected a number of milliseconds, found ${describe(ms)}`);
      if (field(spec, "then") !== null) pc(spec.then, `${path}.timeout.then`);
    }
  }

  private instruction(entry: unknown, path: string, pc: (value: unknown, at: string) => void): void {
    const ins = object(entry, path);
    const op = field(ins, "op");
    if (typeof op !== "string" || !hasOwn(INSTRUCTION_FIELDS, op)) refuse(`${path}.op`, `unknown instruction ${describe(op)}`);
    object(ins, path, INSTRUCTION_FIELDS[op]);
    const get = (name: string): unknown => field(ins, name);
    switch (op) {
      case "say":
        return checkExpr(get("text"), `${path}.text`);
      case "media":
        if (typeof ins.kind !== "string" || !MEDIA_KINDS.has(ins.kind)) refuse(`${path}.kind`, `expected image, video, audio or file, found ${describe(ins.kind)}`);
        checkExpr(get("url"), `${path}.url`);
        return checkExprOrNull(get("caption"), `${path}.caption`);
      case "wait": {
        const ms = get("ms");
        if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) refuse(`${path}.ms`, `expected a number of milliseconds, found ${describe(ms)}`);
        return;
      }
      case "ask": {
        string(get("var"), `${path}.var`);
        const input = object(get("input"), `${path}.input`);
        const type = field(input, "type");
        if (type === "choice") {
          object(input, `${path}.input`, ["type", "options", "values"]);
          const options = list(field(input, "options"), `${path}.input.options`);
          options.forEach((o, i) => string(o, `${path}.input.options[${i}]`));
          const values = list(field(input, "values"), `${path}.input.values`);
          values.forEach((v, i) => {
            if (v === null || !isPrimitive(v)) refuse(`${path}.input.values[${i}]`, `expected a string, number or boolean, found ${describe(v)}`);
          });
          if (values.length !== options.length) inconsistent(`${path}.input.values`, `expected ${options.length} values (one per option), found ${values.length}`);
        } else if (typeof type !== "string" || !INPUT_TYPES.has(type)) {
          refuse(`${path}.input.type`, `unknown input type ${describe(type)}`);
        } else {
          object(input, `${path}.input`, ["type"]);
        }
        checkExprOrNull(get("validate"), `${path}.validate`);
        return this.question(ins, path, pc);
      }
      case "askFrom":
        string(get("var"), `${path}.var`);
        checkExpr(get("list"), `${path}.list`);
        checkExprOrNull(get("label"), `${path}.label`);
        checkExprOrNull(get("validate"), `${path}.validate`);
        return this.question(ins, path, pc);
      case "choose": {
        const options = list(get("options"), `${path}.options`);
        if (options.length === 0) refuse(`${path}.options`, "a choose needs at least one option");
        options.forEach((entry, i) => {
          const option = object(entry, `${path}.options[${i}]`, ["label", "match", "then"]);
          string(field(option, "label"), `${path}.options[${i}].label`);
          list(field(option, "match"), `${path}.options[${i}].match`).forEach((m, j) => string(m, `${path}.options[${i}].match[${j}]`));
          pc(field(option, "then"), `${path}.options[${i}].then`);
        });
        return this.question(ins, path, pc);
      }
      case "set":
        string(get("var"), `${path}.var`);
        return checkExpr(get("value"), `${path}.value`);
      case "call": {
        const action = string(get("action"), `${path}.action`);
        const args = list(get("args"), `${path}.args`);
        args.forEach((arg, i) => checkExpr(arg, `${path}.args[${i}]`));
        if (get("var") !== null) string(get("var"), `${path}.var`);
        if (get("else") !== null) pc(get("else"), `${path}.else`);
        const params = hasOwn(this.actions, action) ? this.actionParams.get(action) : undefined;
        if (!params) inconsistent(`${path}.action`, `unknown action '${action}'`);
        if (args.length !== params.count) inconsistent(`${path}.args`, `action '${action}' takes ${params.count} argument(s), found ${args.length}`);
        return;
      }
      case "run": {
        const flow = string(get("flow"), `${path}.flow`);
        const args = list(get("args"), `${path}.args`);
        args.forEach((arg, i) => checkExpr(arg, `${path}.args[${i}]`));
        if (get("var") !== null) string(get("var"), `${path}.var`);
        const params = hasOwn(this.flows, flow) ? this.flowParams.get(flow) : undefined;
        if (!params) inconsistent(`${path}.flow`, `unknown flow '${flow}'`);
        if (args.length > params.count || args.length < params.required) {
          inconsistent(`${path}.args`, `flow '${flow}' takes ${params.required === params.count ? params.count : `${params.required} to ${params.count}`} argument(s), found ${args.length}`);
        }
        return;
      }
      case "jump":
        return pc(get("to"), `${path}.to`);
      case "branch":
        checkExpr(get("cond"), `${path}.cond`);
        return pc(get("else"), `${path}.else`);
      case "match":
        checkExpr(get("subject"), `${path}.subject`);
        list(get("cases"), `${path}.cases`).forEach((entry, i) => {
          const arm = object(entry, `${path}.cases[${i}]`, ["values", "to"]);
          list(field(arm, "values"), `${path}.cases[${i}].values`).forEach((v, j) => {
            if (!isPrimitive(v)) refuse(`${path}.cases[${i}].values[${j}]`, `expected a literal, found ${describe(v)}`);
          });
          pc(field(arm, "to"), `${path}.cases[${i}].to`);
        });
        return pc(get("else"), `${path}.else`);
      case "random": {
        const arms = list(get("arms"), `${path}.arms`);
        if (arms.length === 0) refuse(`${path}.arms`, "random needs at least one arm");
        let total = 0;
        arms.forEach((entry, i) => {
          const arm = object(entry, `${path}.arms[${i}]`, ["weight", "to"]);
          const weight = field(arm, "weight");
          if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) refuse(`${path}.arms[${i}].weight`, `expected a weight ≥ 0, found ${describe(weight)}`);
          total += weight;
          pc(field(arm, "to"), `${path}.arms[${i}].to`);
        });
        if (!(total > 0)) refuse(`${path}.arms`, "at least one weight must be positive");
        if (!Number.isFinite(total)) inconsistent(`${path}.arms`, "the weights must add up to a finite number");
        return;
      }
      case "end":
        return;
      case "handoff":
        return checkExprOrNull(get("department"), `${path}.department`);
      case "return":
        return checkExprOrNull(get("value"), `${path}.value`);
    }
  }
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
    new BundleChecker(object(data, "$")).check();
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
