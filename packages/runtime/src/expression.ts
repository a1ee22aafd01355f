// The expression interpreter: evaluates the bundle's small JSON expression
// trees (`["op", …args]`, see `bundle.ts`) over a scope of flow variables,
// the session context and the built-ins. No `eval`, no `new Function`.
//
// Values are JSON. Field access reads own properties only and never the
// names `__proto__`, `constructor` or `prototype`, so no expression can reach
// a prototype whatever the data holds. Anything an expression cannot do
// (read an unassigned variable, compare a number with a string, divide by
// zero) throws a `FlowError`, which the engine turns into an `error` event:
// the checker rules these out for programs without errors, but a bundle and
// the data it sees are untrusted. Records are built with own data
// properties, so a field named `__proto__` is just a field.

import { UNREADABLE_FIELDS, type Locale } from "./bundle.js";
import { callBuiltin, type BuiltinEnv } from "./builtins.js";
import { failExpression } from "./errors.js";
import { getOwn, hasOwn, isObject, jsonEqual, MAX_VALUE_DEPTH, measure, setOwn, type Json, type JsonObject } from "./json.js";
import { formatBoolean, formatNumber } from "./locale.js";

/** What an expression can see. */
export interface Scope {
  /** The flow's variables (own properties only; an absent one is unassigned). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** The session's context object. */
  readonly context: unknown;
  /** Clock, locale, time zone and (for HTTP templates only) secrets. */
  readonly env: BuiltinEnv;
  /** How `str` shows an interpolated value: `showInMessage` for messages, `showInRequest` for HTTP requests. */
  readonly show: (value: Json) => string;
}


/** The longest string an expression may build (a loop doubling a string stops here instead of exhausting memory). */
export const MAX_STRING_LENGTH = 1_000_000;

/**
 * The largest list or record an expression may build, in characters of JSON
 * text. Lists and records share their parts, so `xs = [xs, xs]` in a loop
 * would stand for a value of exponential size; every value stays under this
 * size and `MAX_VALUE_DEPTH`, so comparing, showing, copying or storing one is
 * bounded work.
 */
export const MAX_VALUE_SIZE = 2_000_000;

/**
 * The opcodes and their argument counts (`-1`: any number), for the bundle
 * loader's structural check. Arguments are sub-expressions except where
 * `load.ts` says otherwise (`lit`, `var`, `get`'s field and flag, `rec`'s
 * names, `str`'s text parts, `fn`'s name).
 */
export const EXPR_ARITY: Readonly<Record<string, number>> = {
  lit: 1,
  var: 1,
  ctx: 0,
  get: 3,
  idx: 2,
  list: -1,
  rec: -1,
  not: 1,
  neg: 1,
  and: 2,
  or: 2,
  "??": 2,
  "==": 2,
  "!=": 2,
  "<": 2,
  "<=": 2,
  ">": 2,
  ">=": 2,
  in: 2,
  "+": 2,
  "-": 2,
  "*": 2,
  "/": 2,
  "%": 2,
  str: -1,
  fn: -1,
};

/** Shows a value in a message (LANGUAGE §5.1): numbers by the locale, booleans as yes/no words, strings as they are, null as nothing. */
export function showInMessage(value: Json, locale: Locale): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value, locale);
  if (typeof value === "boolean") return formatBoolean(value, locale);
  if (value === null) return "";
  return JSON.stringify(value);
}

/** Shows a value in an HTTP request (URL, header): machine-readable, the same in every locale (`1234.5`, `true`). */
export function showInRequest(value: Json): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "";
  return JSON.stringify(value);
}


/** A list or record just built, checked against `MAX_VALUE_SIZE` and `MAX_DEPTH` (its parts' shapes are cached, so this is cheap). */
function bounded(value: Json): Json {
  const shape = measure(value);
  if (shape.size > MAX_VALUE_SIZE) failExpression(`a value larger than ${MAX_VALUE_SIZE} characters of JSON`);
  if (shape.depth > MAX_VALUE_DEPTH) failExpression(`a value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  return value;
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a record";
  return `a ${typeof value}`;
}

function boolean(value: Json, what: string): boolean {
  if (typeof value !== "boolean") failExpression(`${what} must be a boolean, found ${kind(value)}`);
  return value;
}

function finite(value: number, op: string): number {
  if (!Number.isFinite(value)) failExpression(`'${op}' gave ${value}${op === "/" || op === "%" ? " (division by zero)" : ""}`);
  return Object.is(value, -0) ? 0 : value;
}

function arithmetic(op: string, a: Json, b: Json): Json {
  if (op === "+" && typeof a === "string" && typeof b === "string") {
    if (a.length + b.length > MAX_STRING_LENGTH) failExpression(`'+' would build a string longer than ${MAX_STRING_LENGTH} characters`);
    return a + b;
  }
  if (typeof a !== "number" || typeof b !== "number") failExpression(`'${op}' needs two numbers${op === "+" ? " or two strings" : ""}, found ${kind(a)} and ${kind(b)}`);
  switch (op) {
    case "+":
      return finite(a + b, op);
    case "-":
      return finite(a - b, op);
    case "*":
      return finite(a * b, op);
    case "/":
      return finite(a / b, op);
    default:
      return finite(a % b, op);
  }
}

function compare(op: string, a: Json, b: Json): boolean {
  const comparable = (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!comparable) failExpression(`'${op}' compares two numbers or two strings, found ${kind(a)} and ${kind(b)}`);
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

/**
 * Evaluates an expression. Throws `FlowError` (code `expression`) when it
 * cannot; never returns a non-JSON value.
 */
export function evaluate(expr: unknown, scope: Scope): Json {
  if (!Array.isArray(expr) || typeof expr[0] !== "string") failExpression("malformed expression");
  const op = expr[0];
  switch (op) {
    // The most frequent opcodes first: a switch on strings compares them in order.
    case "str": {
      let text = "";
      for (let i = 1; i < expr.length; i++) {
        const part = expr[i] as unknown;
        text += typeof part === "string" ? part : scope.show(evaluate(part, scope));
        if (text.length > MAX_STRING_LENGTH) failExpression(`a string longer than ${MAX_STRING_LENGTH} characters`);
      }
      return text;
    }
    case "lit": {
      const value = expr[1] as unknown;
      if (value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return value;
      return failExpression("malformed literal");
    }
    case "var": {
      const name = String(expr[1]);
      if (!hasOwn(scope.vars, name)) failExpression(`variable '${name}' is read before it is assigned`);
      return (scope.vars as Record<string, Json>)[name];
    }
    case "ctx":
      return (scope.context ?? null) as Json;
    case "get": {
      const object = evaluate(expr[1], scope);
      const field = String(expr[2]);
      if (object === null) {
        if (expr[3] === true) return null;
        failExpression(`cannot read field '${field}' of null`);
      }
      if (!isObject(object)) failExpression(`cannot read field '${field}' of ${kind(object)}`);
      if (UNREADABLE_FIELDS.has(field)) return null;
      // An absent field (an optional field the data left out) reads as null.
      return hasOwn(object, field) ? (getOwn(object, field) as Json) : null;
    }
    case "idx": {
      const list = evaluate(expr[1], scope);
      const index = evaluate(expr[2], scope);
      if (!Array.isArray(list)) failExpression(`cannot index ${kind(list)}`);
      if (typeof index !== "number") failExpression(`a list index must be a number, found ${kind(index)}`);
      return Number.isInteger(index) && index >= 0 && index < list.length ? list[index] : null;
    }
    case "list": {
      const list: Json[] = [];
      for (let i = 1; i < expr.length; i++) list.push(evaluate(expr[i], scope));
      return bounded(list);
    }
    case "rec": {
      const record: JsonObject = {};
      for (let i = 1; i < expr.length; i++) {
        const field = expr[i] as unknown;
        if (!Array.isArray(field) || typeof field[0] !== "string") failExpression("malformed record field");
        setOwn(record, field[0], evaluate(field[1], scope));
      }
      return bounded(record);
    }
    case "not":
      return !boolean(evaluate(expr[1], scope), "the operand of 'not'");
    case "neg": {
      const value = evaluate(expr[1], scope);
      if (typeof value !== "number") failExpression(`'-' needs a number, found ${kind(value)}`);
      return value === 0 ? 0 : -value;
    }
    case "and":
      return boolean(evaluate(expr[1], scope), "the left side of 'and'") && boolean(evaluate(expr[2], scope), "the right side of 'and'");
    case "or":
      return boolean(evaluate(expr[1], scope), "the left side of 'or'") || boolean(evaluate(expr[2], scope), "the right side of 'or'");
    case "??": {
      const value = evaluate(expr[1], scope);
      return value === null ? evaluate(expr[2], scope) : value;
    }
    case "==":
      return jsonEqual(evaluate(expr[1], scope), evaluate(expr[2], scope));
    case "!=":
      return !jsonEqual(evaluate(expr[1], scope), evaluate(expr[2], scope));
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compare(op, evaluate(expr[1], scope), evaluate(expr[2], scope));
    case "in": {
      const value = evaluate(expr[1], scope);
      const list = evaluate(expr[2], scope);
      if (!Array.isArray(list)) failExpression(`'in' needs a list on its right, found ${kind(list)}`);
      return list.some((element) => jsonEqual(element, value));
    }
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return arithmetic(op, evaluate(expr[1], scope), evaluate(expr[2], scope));
    case "fn": {
      const args: Json[] = [];
      for (let i = 2; i < expr.length; i++) args.push(evaluate(expr[i], scope));
      return callBuiltin(String(expr[1]), args, scope.env);
    }
    default:
      return failExpression(`unknown expression opcode '${op}'`);
  }
}
