//! The type model of LANGUAGE §3.2: primitives and string subtypes, literal
//! types, unions, nullables (a union with `null`), lists and structural
//! records, plus the error type that silences cascades (§8).
//!
//! Types are plain immutable values. Unions are kept flat and free of
//! duplicates by `union()`; aliases are resolved by the checker and only
//! remembered as a display name.

export type PrimitiveName = "string" | "number" | "integer" | "boolean" | "email" | "phone" | "date" | "url";

export type Type =
  | { kind: "error" }
  | { kind: "never" }
  | { kind: "void" }
  | { kind: "null" }
  | { kind: "primitive"; name: PrimitiveName; alias?: string }
  | { kind: "literal"; value: string | number | boolean; integer?: boolean }
  | { kind: "list"; element: Type; alias?: string }
  | { kind: "record"; fields: ReadonlyMap<string, Type>; alias?: string }
  | { kind: "union"; types: readonly Type[]; alias?: string };

export const errorType: Type = { kind: "error" };
export const neverType: Type = { kind: "never" };
export const voidType: Type = { kind: "void" };
export const nullType: Type = { kind: "null" };
const primitives = new Map<PrimitiveName, Type>();
export function primitive(name: PrimitiveName): Type {
  let type = primitives.get(name);
  if (!type) primitives.set(name, (type = { kind: "primitive", name }));
  return type;
}
export const stringType = primitive("string");
export const numberType = primitive("number");
export const integerType = primitive("integer");
export const booleanType = primitive("boolean");

export const primitiveNames: readonly PrimitiveName[] = ["string", "number", "integer", "boolean", "email", "phone", "date", "url"];

export function isPrimitiveName(name: string): name is PrimitiveName {
  return (primitiveNames as readonly string[]).includes(name);
}

export function literal(value: string | number | boolean): Type {
  return typeof value === "number" ? { kind: "literal", value, integer: Number.isInteger(value) } : { kind: "literal", value };
}

export function listOf(element: Type): Type {
  return { kind: "list", element };
}

export function isError(type: Type): boolean {
  return type.kind === "error";
}

/** The members of a type: a union's members, or the type itself. */
export function members(type: Type): readonly Type[] {
  return type.kind === "union" ? type.types : [type];
}

function sameType(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "primitive":
      return a.name === (b as typeof a).name;
    case "literal":
      return a.value === (b as typeof a).value;
    case "list":
      return sameType(a.element, (b as typeof a).element);
    case "record": {
      const other = b as typeof a;
      if (a.fields.size !== other.fields.size) return false;
      for (const [name, type] of a.fields) {
        const field = other.fields.get(name);
        if (!field || !sameType(type, field)) return false;
      }
      return true;
    }
    case "union": {
      const other = b as typeof a;
      return a.types.length === other.types.length && a.types.every((t) => other.types.some((u) => sameType(t, u)));
    }
    default:
      return true;
  }
}

/** Structural equality (aliases ignored): what "the same type" means for redeclarations and merged context fields. */
export function typesEqual(a: Type, b: Type): boolean {
  return sameType(a, b);
}

/** A flat union without duplicates; the error type absorbs everything, `never` disappears. */
export function union(types: readonly Type[]): Type {
  const flat: Type[] = [];
  for (const type of types) {
    for (const member of members(type)) {
      if (member.kind === "error") return errorType;
      if (member.kind === "never") continue;
      // A record or list keeps its alias as a member (`Order?` reads better
      // than its fields); a primitive's alias is dropped, since a union that
      // also holds the plain primitive would show only one name for both.
      if (!flat.some((t) => sameType(t, member))) flat.push(member.kind === "union" || member.kind === "record" || member.kind === "list" ? member : stripAlias(member));
    }
  }
  // An empty list literal (`never[]`) adds nothing to a union with another list (`xs ?? []`).
  const lists = flat.filter((t) => t.kind === "list");
  const merged =
    lists.length > 1 ? flat.filter((t) => !(t.kind === "list" && t.element.kind === "never")) : flat;
  if (merged.length === 0) return neverType;
  if (merged.length === 1) return merged[0]!;
  return { kind: "union", types: merged };
}

function stripAlias(type: Type): Type {
  if ("alias" in type && type.alias !== undefined) {
    const { alias: _alias, ...rest } = type;
    void _alias;
    return rest as Type;
  }
  return type;
}

/** Gives a type a display name (the alias it was declared with). */
export function withAlias(type: Type, alias: string): Type {
  if (type.kind === "primitive" || type.kind === "list" || type.kind === "record" || type.kind === "union") {
    return { ...type, alias };
  }
  return type;
}

export function isNullable(type: Type): boolean {
  return members(type).some((t) => t.kind === "null");
}

/** `T?` → `T` (the type with `null` removed). */
export function nonNull(type: Type): Type {
  if (type.kind === "error") return type;
  if (!isNullable(type)) return type;
  return union(members(type).filter((t) => t.kind !== "null"));
}

export function nullable(type: Type): Type {
  if (type.kind === "error" || isNullable(type)) return type;
  return union([type, nullType]);
}

// ------------------------------------------------------------ formats of string subtypes

/** E.164: `+` and 8–15 digits. */
export function isPhone(text: string): boolean {
  return /^\+[0-9]{8,15}$/.test(text);
}

export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[A-Za-z]{2,}$/.test(text);
}

/** A real calendar date `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An absolute http(s) URL. */
export function isUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    const url = new URL(text);
    return url.hostname.length > 0;
  } catch {
    return false;
  }
}

const formatCheck: Partial<Record<PrimitiveName, (text: string) => boolean>> = {
  email: isEmail,
  phone: isPhone,
  date: isDate,
  url: isUrl,
};

// ------------------------------------------------------------ assignability

/** Is a value of `source` accepted where `target` is expected? (§3.2) */
export function isAssignable(source: Type, target: Type): boolean {
  if (source.kind === "error" || target.kind === "error") return true;
  if (source.kind === "never") return true;
  if (source.kind === "union") return source.types.every((member) => isAssignable(member, target));
  if (target.kind === "union") return target.types.some((member) => isAssignable(source, member));
  switch (target.kind) {
    case "never":
      return false;
    case "void":
      return source.kind === "void";
    case "null":
      return source.kind === "null";
    case "literal":
      return source.kind === "literal" && source.value === target.value;
    case "primitive":
      return isAssignableToPrimitive(source, target.name);
    case "list":
      return source.kind === "list" && isAssignable(source.element, target.element);
    case "record": {
      if (source.kind !== "record") return false;
      for (const [name, fieldType] of target.fields) {
        const sourceField = source.fields.get(name);
        if (sourceField === undefined) {
          // A missing field is accepted only where null is (an optional field).
          if (!isNullable(fieldType)) return false;
        } else if (!isAssignable(sourceField, fieldType)) return false;
      }
      return true;
    }
  }
}

function isAssignableToPrimitive(source: Type, target: PrimitiveName): boolean {
  if (source.kind === "primitive") {
    if (source.name === target) return true;
    if (target === "number") return source.name === "integer";
    if (target === "string") return source.name === "email" || source.name === "phone" || source.name === "date" || source.name === "url";
    return false;
  }
  if (source.kind !== "literal") return false;
  switch (target) {
    case "string":
      return typeof source.value === "string";
    case "number":
      return typeof source.value === "number";
    case "integer":
      return typeof source.value === "number" && Number.isInteger(source.value) && source.integer !== false;
    case "boolean":
      return typeof source.value === "boolean";
    default:
      // A string literal fits email/phone/date/url when it has that format.
      return typeof source.value === "string" && formatCheck[target]!(source.value);
  }
}

/** Can values of the two types be equal? (`==`, `!=`, `in`, match arms): either way assignable. */
export function isComparable(a: Type, b: Type): boolean {
  if (a.kind === "error" || b.kind === "error") return true;
  if (isAssignable(a, b) || isAssignable(b, a)) return true;
  // Literal members against a union: comparable when some members overlap.
  return members(a).some((x) => members(b).some((y) => isAssignable(x, y) || isAssignable(y, x)));
}

/** The type a `let` gives a literal initialiser (§3.2): `"a"` → string, `1` → integer, `1.5` → number, recursively. */
export function widenLiteral(type: Type): Type {
  switch (type.kind) {
    case "literal":
      if (typeof type.value === "string") return stringType;
      if (typeof type.value === "boolean") return booleanType;
      return type.integer === false || !Number.isInteger(type.value) ? numberType : integerType;
    case "list":
      return type.alias ? type : listOf(widenLiteral(type.element));
    case "record": {
      if (type.alias) return type;
      const fields = new Map<string, Type>();
      for (const [name, field] of type.fields) fields.set(name, widenLiteral(field));
      return { kind: "record", fields };
    }
    case "union":
      return type.alias ? type : union(type.types.map(widenLiteral));
    default:
      return type;
  }
}

/** Types whose values can be interpolated into messages (§5.1), apart from null. */
export function isShowable(type: Type): boolean {
  return members(type).every(
    (member) => member.kind === "error" || member.kind === "never" || member.kind === "primitive" || member.kind === "literal",
  );
}

/** Is the type numeric (number, integer, or numeric literals)? */
export function isNumeric(type: Type): boolean {
  return type.kind === "error" || isAssignable(type, numberType);
}

export function isInteger(type: Type): boolean {
  return type.kind === "error" || isAssignable(type, integerType);
}

export function isStringLike(type: Type): boolean {
  return type.kind === "error" || isAssignable(type, stringType);
}

export function isBoolean(type: Type): boolean {
  return type.kind === "error" || isAssignable(type, booleanType);
}

// ------------------------------------------------------------ display

function quote(value: string | number | boolean): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** The type as a user writes it: `string?`, `"a" | "b"`, `Order[]`, `{ id: string }`. */
export function typeToString(type: Type): string {
  if ("alias" in type && type.alias !== undefined) return type.alias;
  switch (type.kind) {
    case "error":
      return "unknown";
    case "never":
      return "never";
    case "void":
      return "nothing";
    case "null":
      return "null";
    case "primitive":
      return type.name;
    case "literal":
      return quote(type.value);
    case "list": {
      const element = typeToString(type.element);
      return type.element.kind === "union" && !type.element.alias ? `(${element})[]` : `${element}[]`;
    }
    case "record":
      return `{ ${[...type.fields].map(([name, field]) => `${name}: ${typeToString(field)}`).join("; ")} }`;
    case "union": {
      const nonNullMembers = type.types.filter((t) => t.kind !== "null");
      if (nonNullMembers.length < type.types.length) {
        const inner = union(nonNullMembers);
        const text = typeToString(inner);
        return inner.kind === "union" && !inner.alias ? `(${text})?` : `${text}?`;
      }
      return type.types.map(typeToString).join(" | ");
    }
  }
}
