// JSON values: the only kind of value flows compute with, and the shape of
// session states. Everything that crosses into the engine (states, context,
// params, handler results) is copied through `copyJson`, which both
// validates (plain data only, finite numbers, bounded depth, no cycles) and
// detaches it from the caller's objects, so the engine never mutates what it
// was given and the host never mutates what the engine keeps.
// (`structuredClone` is not available on every target.)
//
// Object keys are read and written as own properties only (`getOwn`,
// `setOwn`), so a key such as `__proto__` or `constructor` is plain data and
// can never reach or replace a prototype.

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Nesting deeper than this is refused: it bounds recursion everywhere values are walked. */
export const MAX_DEPTH = 256;

/**
 * The deepest value a flow may hold (built by expressions, or given as the
 * context): well under `MAX_DEPTH`, so that a state holding it, a few levels
 * deeper, can still be copied on the next turn.
 */
export const MAX_VALUE_DEPTH = 200;

/** Whether `key` is an own property of `object`. */
export function hasOwn(object: object, key: string): boolean {
  return Object.hasOwn(object, key);
}

/** The own property `key` of `object`, or undefined. */
export function getOwn(object: object, key: string): unknown {
  return hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** Sets an own data property (never invokes a setter such as `__proto__`'s). */
export function setOwn(object: object, key: string, value: unknown): void {
  // Plain assignment is much faster, and safe for an own data property (it shadows the prototype chain) and for a name nothing on the chain has.
  if (hasOwn(object, key) || !(key in object)) (object as Record<string, unknown>)[key] = value;
  else Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Whether `value` is a non-null, non-array object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why a value is not JSON: a path (`$.a[0]`) and what is wrong there. */
export class JsonError extends Error {
  override name = "JsonError";

  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/** Appends a property name to a path, quoting names that are not identifiers. */
export function pathKey(path: string, key: string): string {
  // Paths are built for every field a check walks (states, on every turn that is not given an issued one): the test is cached per name.
  let suffix = suffixes.get(key);
  if (suffix === undefined) {
    suffix = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    if (suffixes.size < 10_000) suffixes.set(key, suffix);
  }
  return path + suffix;
}

const suffixes = new Map<string, string>();

/**
 * A deep copy of a JSON value. Throws `JsonError` (naming the path) on
 * anything else: `undefined`, functions, symbols, bigints, non-finite numbers,
 * nesting deeper than `MAX_DEPTH` (which includes cycles), or more than
 * `maxNodes` values in all (a host object that shares sub-objects can stand
 * for an exponentially large JSON text; the budget keeps copying linear).
 * Objects are read through their own enumerable string keys; a getter that
 * throws is reported as a JsonError too. The path is only built when a value
 * is refused (copying states is on every turn's path).
 */
export function copyJson(value: unknown, maxNodes = Infinity): Json {
  const budget = { left: maxNodes };
  try {
    return copyAt(value, 0, budget);
  } catch (error) {
    if (error instanceof Refusal) throw new JsonError(`$${error.at}`, error.detail);
    throw error;
  }
}

/** A refusal on its way up from where it happened; each level puts its segment in front of `at`. */
class Refusal {
  at = "";
  constructor(readonly detail: string) {}
}

function within(error: unknown, segment: string): never {
  if (error instanceof Refusal) error.at = segment + error.at;
  throw error;
}

function copyAt(value: unknown, depth: number, budget: { left: number }): Json {
  if (--budget.left < 0) throw new Refusal("too many values (the value is too large)");
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new Refusal(`${value} is not a JSON number`);
      return value === 0 ? 0 : value;
    case "object": {
      if (value === null) return null;
      if (depth >= MAX_DEPTH) throw new Refusal(`nested deeper than ${MAX_DEPTH} levels (or cyclic)`);
      if (Array.isArray(value)) {
        const copy: Json[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          try {
            copy[i] = copyAt(value[i], depth + 1, budget);
          } catch (error) {
            within(error, `[${i}]`);
          }
        }
        return copy;
      }
      const copy: JsonObject = {};
      let keys: string[];
      try {
        keys = Object.keys(value);
      } catch {
        throw new Refusal("is not a plain object");
      }
      for (const key of keys) {
        try {
          let field: unknown;
          try {
            field = (value as Record<string, unknown>)[key];
          } catch {
            throw new Refusal("cannot be read");
          }
          // JSON.stringify drops undefined fields; so do we.
          if (field !== undefined) setOwn(copy, key, copyAt(field, depth + 1, budget));
        } catch (error) {
          within(error, pathKey("", key));
        }
      }
      return copy;
    }
    default:
      throw new Refusal(`a ${typeof value} is not a JSON value`);
  }
}

/**
 * Freezes a value the engine built, and everything in it that is not frozen
 * yet (parts shared with frozen values are skipped, so freezing what a turn
 * added costs what the turn added). States handed to the host are frozen
 * whole: they are immutable JSON, and a frozen state the engine issued can
 * be trusted without being checked again.
 */
export function freezeJson(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const field of Object.values(value)) freezeJson(field);
}

/** Structural equality of two JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || depth >= MAX_DEPTH) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // Lists compare by index and records by key alike: a JSON list's own keys are exactly its indices.
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => hasOwn(b, key) && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1));
}

// ------------------------------------------------------------ sizes

/** The size and depth of a value's JSON text. */
export interface JsonShape {
  /** `JSON.stringify(value).length`: characters (UTF-16 units) of its JSON text. */
  size: number;
  /** 0 for a primitive, 1 + the deepest element for a list or record. */
  depth: number;
}

/**
 * Shapes of lists and records already measured. The engine never mutates a
 * value once it exists (it builds new lists and records, and mutates only its
 * own containers: the state, frames and their `vars`, which it measures
 * without this cache), so a size once known stays true; and since values
 * built by expressions share their parts, measuring through the cache keeps
 * the cost linear where a fresh walk could be exponential.
 */
const shapes = new WeakMap<object, JsonShape>();

/** Characters that `JSON.stringify` escapes in a string (lone surrogates included). */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Length of a string's JSON text. */
export function stringSize(text: string): number {
  return ESCAPED.test(text) ? JSON.stringify(text).length : text.length + 2;
}

/** `JSON.stringify(value).length` for a JSON value (strings without copying them, lists and records through `measure`'s cache). */
export function sizeOf(value: unknown): number {
  if (typeof value === "string") return stringSize(value);
  if (typeof value === "object" && value !== null) return measure(value).size;
  // null, a boolean or a number (a non-finite one is written null); nothing for what JSON leaves out.
  return JSON.stringify(value)?.length ?? 0;
}

/**
 * The size of `value`'s JSON text (exactly `JSON.stringify(value).length`)
 * and its depth. Lists and records are cached (see `shapes`). Recurses over
 * the value: callers only measure values that are bounded in depth (copies,
 * conformed results, values built by expressions, which check their depth).
 */
export function measure(value: unknown): JsonShape {
  if (typeof value !== "object" || value === null) return { size: sizeOf(value), depth: 0 };
  let shape = shapes.get(value);
  if (!shape) {
    let depth = 0;
    const sizeOfField = (_key: unknown, field: unknown): number => {
      const inner = measure(field);
      if (inner.depth > depth) depth = inner.depth;
      return inner.size;
    };
    // A list is `[`, then each element and the `,` or `]` after it (`[]` when empty).
    const size = Array.isArray(value) ? Math.max(2, value.reduce((total: number, element) => total + 1 + sizeOfField(0, element), 1)) : containerSize(value, sizeOfField);
    shape = { size, depth: depth + 1 };
    shapes.set(value, shape);
  }
  return shape;
}

/**
 * The JSON size of a record, each field's value measured by `sizeOfField`
 * (by default `sizeOf`, which caches lists and records): used directly for
 * an object the engine mutates (a state, a frame, `vars`), whose own fields
 * are walked afresh.
 */
export function containerSize(object: object, sizeOfField: (key: string, value: unknown) => number = (_key, value) => sizeOf(value)): number {
  // `{`, then each field's `"key":value` and the `,` or `}` after it (`{}` when empty); undefined fields are left out, as JSON.stringify does.
  let size = 1;
  for (const key of Object.keys(object)) {
    const field = (object as Record<string, unknown>)[key];
    if (field !== undefined) size += stringSize(key) + 2 + sizeOfField(key, field);
  }
  return Math.max(size, 2);
}
