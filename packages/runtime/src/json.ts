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

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** Whether `key` is an own property of `object`. */
export function hasOwn(object: object, key: string): boolean {
  return hasOwnProperty.call(object, key);
}

/** The own property `key` of `object`, or undefined. */
export function getOwn(object: object, key: string): unknown {
  return hasOwnProperty.call(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** Sets an own data property (never invokes a setter such as `__proto__`'s). */
export function setOwn(object: object, key: string, value: unknown): void {
  // Plain assignment is much faster, and safe for an own data property (it shadows the prototype chain) and for a name nothing on the chain has.
  if (hasOwnProperty.call(object, key) || !(key in object)) (object as Record<string, unknown>)[key] = value;
  else Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Whether `value` is a non-null, non-array object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why a value is not JSON: a path (`$.a[0]`) and what is wrong there. */
export class JsonError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = "JsonError";
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
export function copyJson(value: unknown, maxNodes = Number.POSITIVE_INFINITY): Json {
  const budget = { left: maxNodes };
  try {
    return copyAt(value, 0, budget);
  } catch (error) {
    if (error instanceof Refusal) throw new JsonError(`$${error.at.reverse().join("")}`, error.detail);
    throw error;
  }
}

/** A refusal on its way up from where it happened; each level adds its segment to `at` (innermost first). */
class Refusal {
  readonly at: string[] = [];
  constructor(readonly detail: string) {}
}

function within(error: unknown, segment: string): never {
  if (error instanceof Refusal) error.at.push(segment);
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
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) freezeJson(value[i]);
  else for (const key of Object.keys(value)) freezeJson((value as Record<string, unknown>)[key]);
}

/** A copy of `value`, or undefined when it is not JSON. */
export function tryCopyJson(value: unknown, maxNodes?: number): Json | undefined {
  try {
    return copyJson(value, maxNodes);
  } catch {
    return undefined;
  }
}

/** Structural equality of two JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!hasOwn(b, key) || !jsonEqual(getOwn(a, key), getOwn(b, key), depth + 1)) return false;
  }
  return true;
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

/** `JSON.stringify(value).length` for a JSON value, without allocating (lists and records through `measure`'s cache). */
export function sizeOf(value: unknown): number {
  switch (typeof value) {
    case "string":
      return stringSize(value);
    case "number":
      return Number.isFinite(value) ? String(value).length : 4;
    case "boolean":
      return value ? 4 : 5;
    case "object":
      return value === null ? 4 : measure(value).size;
    default:
      return 0;
  }
}

/**
 * The size of `value`'s JSON text (exactly `JSON.stringify(value).length`)
 * and its depth. Lists and records are cached (see `shapes`). Recurses over
 * the value: callers only measure values that are bounded in depth (copies,
 * conformed results, values built by expressions, which check their depth).
 */
export function measure(value: unknown): JsonShape {
  if (typeof value !== "object" || value === null) return { size: sizeOf(value), depth: 0 };
  const known = shapes.get(value);
  if (known) return known;
  let size = 2;
  let depth = 0;
  let count = 0;
  const array = Array.isArray(value);
  const keys = array ? undefined : Object.keys(value);
  const length = array ? value.length : keys!.length;
  for (let i = 0; i < length; i++) {
    let field: unknown;
    if (keys) {
      field = (value as Record<string, unknown>)[keys[i]];
      if (field === undefined) continue;
      size += stringSize(keys[i]) + 1;
    } else field = (value as unknown[])[i];
    if (typeof field === "object" && field !== null) {
      const inner = measure(field);
      size += inner.size;
      if (inner.depth > depth) depth = inner.depth;
    } else size += sizeOf(field);
    count++;
  }
  if (count > 1) size += count - 1;
  const shape = { size, depth: depth + 1 };
  shapes.set(value, shape);
  return shape;
}

/**
 * The JSON size of an object the engine mutates (a state, a frame, `vars`):
 * its own fields are walked afresh, and each field's value is measured by
 * `sizeOfField` (by default, `measure`, which caches).
 */
export function containerSize(object: object, sizeOfField: (key: string, value: unknown) => number = (_key, value) => sizeOf(value)): number {
  let size = 2;
  let count = 0;
  for (const key of Object.keys(object)) {
    const field = (object as Record<string, unknown>)[key];
    if (field === undefined) continue;
    size += stringSize(key) + 1 + sizeOfField(key, field);
    count++;
  }
  return count > 1 ? size + count - 1 : size;
}
