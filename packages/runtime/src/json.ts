//! JSON values: the only kind of value flows compute with, and the shape of
//! session states. Everything that crosses into the engine (states, context,
//! params, handler results) is copied through `copyJson`, which both
//! validates (plain data only, finite numbers, bounded depth, no cycles) and
//! detaches it from the caller's objects, so the engine never mutates what it
//! was given and the host never mutates what the engine keeps.
//! (`structuredClone` is not available on every target.)
//!
//! Object keys are read and written as own properties only (`getOwn`,
//! `setOwn`), so a key such as `__proto__` or `constructor` is plain data and
//! can never reach or replace a prototype.

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Nesting deeper than this is refused: it bounds recursion everywhere values are walked. */
export const MAX_DEPTH = 256;

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
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
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
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * A deep copy of a JSON value. Throws `JsonError` (naming the path) on
 * anything else: `undefined`, functions, symbols, bigints, non-finite numbers,
 * nesting deeper than `MAX_DEPTH` (which includes cycles). Objects are read
 * through their own enumerable string keys; a getter that throws is reported
 * as a JsonError too.
 */
export function copyJson(value: unknown, path = "$", depth = 0): Json {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new JsonError(path, `${value} is not a JSON number`);
      return Object.is(value, -0) ? 0 : value;
    case "object": {
      if (value === null) return null;
      if (depth >= MAX_DEPTH) throw new JsonError(path, `nested deeper than ${MAX_DEPTH} levels (or cyclic)`);
      if (Array.isArray(value)) {
        const copy: Json[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) copy[i] = copyJson(value[i], `${path}[${i}]`, depth + 1);
        return copy;
      }
      const copy: JsonObject = {};
      let keys: string[];
      try {
        keys = Object.keys(value);
      } catch {
        throw new JsonError(path, "is not a plain object");
      }
      for (const key of keys) {
        let field: unknown;
        try {
          field = (value as Record<string, unknown>)[key];
        } catch {
          throw new JsonError(pathKey(path, key), "cannot be read");
        }
        // JSON.stringify drops undefined fields; so do we.
        if (field === undefined) continue;
        setOwn(copy, key, copyJson(field, pathKey(path, key), depth + 1));
      }
      return copy;
    }
    default:
      throw new JsonError(path, `a ${typeof value} is not a JSON value`);
  }
}

/** A copy of `value`, or undefined when it is not JSON. */
export function tryCopyJson(value: unknown): Json | undefined {
  try {
    return copyJson(value);
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
