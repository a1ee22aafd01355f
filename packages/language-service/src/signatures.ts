//! Signatures of everything callable, as shown by completion, hover and
//! signature help: declared actions and flows (from the checker's project
//! types), the standard actions, and the built-in functions of LANGUAGE §6
//! with their parameter names and a one-line doc each.

import { builtins, standardActions, typeToString, type CallableSignature, type DeclarationSymbol, type Program } from "@fluxo/compiler";

/** One parameter, as displayed: `name: type`. */
export interface ParameterInfo {
  label: string;
}

/** A callable's signature, as displayed. */
export interface SignatureInfo {
  kind: "action" | "flow" | "function" | "standard-action";
  name: string;
  /** `getOrder(id: string) -> Order` */
  label: string;
  params: ParameterInfo[];
  doc?: string;
}

/** Parameter names and docs of the built-ins (the compiler keeps only their types). */
const builtinInfo: Record<string, { params: string[]; doc: string }> = {
  lower: { params: ["s: string"], doc: "The text in lower case." },
  upper: { params: ["s: string"], doc: "The text in upper case." },
  trim: { params: ["s: string"], doc: "The text without surrounding whitespace." },
  len: { params: ["value: string | T[]"], doc: "The length of a text or a list." },
  contains: { params: ["s: string", "part: string"], doc: "Whether `s` contains `part`." },
  startsWith: { params: ["s: string", "prefix: string"], doc: "Whether `s` starts with `prefix`." },
  endsWith: { params: ["s: string", "suffix: string"], doc: "Whether `s` ends with `suffix`." },
  matches: {
    params: ["s: string", "pattern: string"],
    doc: "Whether `s` matches an ECMAScript regular expression (a literal pattern is checked at compile time).",
  },
  toNumber: { params: ["s: string"], doc: "The number a text holds, or `null` when it holds none." },
  round: { params: ["n: number"], doc: "`n` rounded to the nearest integer." },
  floor: { params: ["n: number"], doc: "The largest integer not above `n`." },
  ceil: { params: ["n: number"], doc: "The smallest integer not below `n`." },
  fixed: {
    params: ["n: number", "digits: integer"],
    doc: "`n` with exactly `digits` decimals, in the project's locale (pt-BR `fixed(1234.5, 2)` is `1.234,50`).",
  },
  today: { params: [], doc: "Today's date in the project's time zone." },
  withinHours: {
    params: ["spec: string", "timeZone: string"],
    doc: 'Whether the clock is within opening hours such as `"mon-fri 08:00-18:00; sat 09:00-12:00"` in an IANA time zone.',
  },
  secret: { params: ["name: string"], doc: "A secret the host passes to the runtime (only inside HTTP actions); never written anywhere." },
};

const standardDocs: Record<string, string> = {
  tag: "Adds a tag to the contact.",
  untag: "Removes a tag from the contact.",
  addToList: "Adds the contact to a list (e.g. a remarketing list).",
  removeFromList: "Removes the contact from a list.",
  setField: "Sets a custom field of the contact.",
};

function fromCallable(kind: SignatureInfo["kind"], signature: CallableSignature, doc: string | undefined): SignatureInfo {
  const params = signature.params.map((p) => ({ label: `${p.name}${p.optional ? "?" : ""}: ${typeToString(p.type)}` }));
  const result = signature.result.kind === "void" ? "" : ` -> ${typeToString(signature.result)}`;
  return { kind, name: signature.name, label: `${signature.name}(${params.map((p) => p.label).join(", ")})${result}`, params, ...(doc ? { doc } : {}) };
}

/** The signature of a built-in function, or undefined. */
export function builtinSignature(name: string): SignatureInfo | undefined {
  const builtin = builtins.get(name);
  const info = builtinInfo[name];
  if (!builtin || !info) return undefined;
  const params = info.params.map((label) => ({ label }));
  return { kind: "function", name, label: `${name}(${info.params.join(", ")}) -> ${typeToString(builtin.result)}`, params, doc: info.doc };
}

/** The signature of a standard action (tag, untag, …), or undefined. */
export function standardActionSignature(name: string): SignatureInfo | undefined {
  const signature = standardActions.get(name);
  return signature ? fromCallable("standard-action", signature, standardDocs[name]) : undefined;
}

/** The signature of a declared action or flow. */
export function declarationSignature(program: Program, symbol: DeclarationSymbol): SignatureInfo | undefined {
  if (symbol.kind === "type") return undefined;
  return fromCallable(symbol.kind, program.getProjectTypes().signature(symbol), symbol.node.doc);
}

/** The signature of whatever `name` calls (a built-in, a standard action, or a declaration of the project). */
export function signatureOf(program: Program, name: string, flowsOnly = false): SignatureInfo | undefined {
  if (!flowsOnly) {
    const builtin = builtinSignature(name);
    if (builtin) return builtin;
    const standard = standardActionSignature(name);
    if (standard) return standard;
  }
  const symbol = program.getIndex().declarations.get(name);
  if (!symbol || (flowsOnly && symbol.kind !== "flow")) return undefined;
  return declarationSignature(program, symbol);
}

/** Names of the built-in functions usable in flows (`secret` only exists in HTTP actions). */
export function flowBuiltinNames(): string[] {
  return [...builtins.keys()].filter((name) => name !== "secret");
}
