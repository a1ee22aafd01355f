// Checking untrusted values against a `TypeJson` (action results, HTTP
// responses, host-given parameters and event payloads): LANGUAGE §3.3 says a
// result is "validated against the type, never trusted".
//
// `conform` checks and copies in one walk. The copy keeps only what the
// type declares: a record keeps its declared fields (absent optional fields
// become `null`, extra fields are dropped), so an API response cannot smuggle
// large or sensitive data into the session state, and later field reads see
// exactly the declared shape. Unions take the first member that fits.

import type { TypeJson } from "./bundle.js";
import { isDate, isEmail, isPhone, isUrl } from "./inputs.js";
import { getOwn, isObject, pathKey, setOwn, type Json, type JsonObject } from "./json.js";

/** The result of `conform`: the conforming copy, or where and why it does not fit. */
export type Conformance = { ok: true; value: Json } | { ok: false; path: string; expected: string };

/** A short description of a type, for messages (`{ status: "a" | "b" }`). */
export function describeType(type: TypeJson): string {
  if (typeof type === "string") return type;
  if ("literal" in type) return JSON.stringify(type.literal);
  if ("list" in type) {
    const element = describeType(type.list);
    return typeof type.list === "object" && "union" in type.list ? `(${element})[]` : `${element}[]`;
  }
  if ("record" in type) {
    const fields = Object.keys(type.record).map((name) => `${name}: ${describeType(getOwn(type.record, name) as TypeJson)}`);
    return `{ ${fields.join("; ")} }`;
  }
  return type.union.map(describeType).join(" | ");
}

/** Whether `null` is a value of the type (`T?`, `null`). */
export function acceptsNull(type: TypeJson): boolean {
  if (type === "null") return true;
  return typeof type === "object" && "union" in type && type.union.some(acceptsNull);
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value.length > 40 ? "a string" : JSON.stringify(value);
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "a record" : `a ${typeof value}`;
}

/**
 * Checks `value` against `type` and returns a copy holding only what the type
 * declares. Never throws: a value that is not JSON (a function, a getter that
 * throws, a non-finite number) simply does not conform.
 */
export function conform(value: unknown, type: TypeJson, path = "$"): Conformance {
  try {
    return conformAt(value, type, path, { left: MAX_CONFORM_VALUES });
  } catch {
    return refusal(path, describeType(type));
  }
}

function refusal(path: string, expected: string): Conformance {
  return { ok: false, path, expected };
}

function mismatch(path: string, type: TypeJson, value: unknown): Conformance {
  return refusal(path, `${describeType(type)}, found ${describeValue(value)}`);
}

/**
 * The most values one `conform` visits. A host's object can share
 * sub-objects, standing for an exponentially large JSON text; past this
 * budget the value simply does not conform.
 */
export const MAX_CONFORM_VALUES = 1_000_000;

/** A string that passes a format's check. */
const format =
  (check: (text: string) => boolean) =>
  (value: unknown): boolean =>
    typeof value === "string" && check(value);

/** Whether a value is of a primitive type (by name). */
const PRIMITIVES: Record<string, (value: unknown) => boolean> = {
  null: (value) => value === null,
  boolean: (value) => typeof value === "boolean",
  number: Number.isFinite,
  integer: Number.isSafeInteger,
  string: (value) => typeof value === "string",
  email: format(isEmail),
  phone: format(isPhone),
  date: format(isDate),
  url: format(isUrl),
};

function conformAt(value: unknown, type: TypeJson, path: string, budget: { left: number }): Conformance {
  if (--budget.left < 0) return refusal(path, `${describeType(type)} (the value is too large)`);
  if (typeof type === "string") {
    const check = getOwn(PRIMITIVES, type) as ((value: unknown) => boolean) | undefined;
    if (!check) return refusal(path, `a known type (found '${String(type)}')`);
    // A primitive is kept as it is, but for -0, which JSON does not have.
    return check(value) ? { ok: true, value: value === 0 ? 0 : (value as Json) } : mismatch(path, type, value);
  }
  if ("literal" in type) {
    return value === type.literal ? { ok: true, value: type.literal } : mismatch(path, type, value);
  }
  if ("list" in type) {
    if (!Array.isArray(value)) return mismatch(path, type, value);
    const copy: Json[] = [];
    for (let i = 0; i < value.length; i++) {
      const element = conformAt(value[i], type.list, `${path}[${i}]`, budget);
      if (!element.ok) return element;
      copy.push(element.value);
    }
    return { ok: true, value: copy };
  }
  if ("record" in type) {
    if (!isObject(value)) return mismatch(path, type, value);
    const copy: JsonObject = {};
    for (const name of Object.keys(type.record)) {
      const fieldType = getOwn(type.record, name) as TypeJson;
      const fieldPath = pathKey(path, name);
      const field = getOwn(value, name);
      // An absent field (or an undefined one) is null, if the field's type allows it.
      const checked: Conformance =
        field !== undefined
          ? conformAt(field, fieldType, fieldPath, budget)
          : acceptsNull(fieldType)
            ? { ok: true, value: null }
            : refusal(fieldPath, `${describeType(fieldType)}, found nothing (missing field)`);
      if (!checked.ok) return checked;
      setOwn(copy, name, checked.value);
    }
    return { ok: true, value: copy };
  }
  if ("union" in type) {
    for (const member of type.union) {
      const result = conformAt(value, member, path, budget);
      if (result.ok) return result;
    }
    // Report the union as a whole, unless it is `T?` and the value is not null: then T's reason is more precise.
    const nonNull = type.union.filter((member) => member !== "null");
    if (nonNull.length === 1 && value !== null) return conformAt(value, nonNull[0], path, budget);
    return mismatch(path, type, value);
  }
  return refusal(path, "a known type");
}
