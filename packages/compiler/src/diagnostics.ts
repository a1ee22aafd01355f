//! The diagnostics registry: every code of LANGUAGE.md §8 with its severity,
//! message template and a short doc with an example.
//!
//! Checks never build diagnostics from free-form strings: they call
//! `diagnostic(code, args, …)`, which fills the registered template. A test
//! checks that every registered code's example fires exactly that code.

import type { Range } from "./ast.js";

export type Severity = "error" | "warning" | "info";

export type DiagnosticTag = "unnecessary" | "deprecated";

/** A location in another place (the first declaration, a missing case, …). */
export interface RelatedInformation {
  uri: string;
  range: Range;
  message: string;
}

/** A problem found in a source file. Ranges are UTF-16 offsets into the file's text. */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  uri: string;
  range: Range;
  related?: RelatedInformation[];
  tags?: DiagnosticTag[];
}

/** One entry of the registry. */
export interface DiagnosticInfo {
  severity: Severity;
  /** Short title, as in the LANGUAGE.md table. */
  title: string;
  /** Message template: `{name}` placeholders are filled from the arguments. */
  message: string;
  /** A short explanation for docs and hover. */
  doc: string;
  /** A small program that fires exactly this code (checked by a test). */
  example: string;
  /** Tags the editor shows (e.g. unused code faded out). */
  tags?: DiagnosticTag[];
}

export const registry = {
  FX1001: {
    severity: "error",
    title: "syntax error",
    message: "expected {expected}, found {found}",
    doc: "The parser met a token that cannot come here, or a required token is missing. It reports one error per statement and skips to the end of that statement, so the rest of the file is still checked.",
    example: 'flow a {\n    say "oi" "tchau"\n}\n',
  },
  FX1002: {
    severity: "error",
    title: "unterminated string or comment",
    message: "unterminated {what}: {expected}",
    doc: 'A one-line string must close on its line with `"`; a `"""` block string and a `/* */` comment must be closed before the end of the file.',
    example: 'flow a {\n    say "oi\n}\n',
  },
  FX1003: {
    severity: "error",
    title: "invalid escape or malformed interpolation",
    message: "{problem}",
    doc: 'Strings accept the escapes `\\" \\\\ \\n \\t \\{ \\} \\u{…}`. An interpolation `{…}` must hold one expression; write `\\{` for a literal brace.',
    example: 'flow a {\n    say "tab\\q"\n}\n',
  },
  FX1004: {
    severity: "error",
    title: "invalid number or duration",
    message: "invalid {what} '{text}': {expected}",
    doc: "A number immediately followed by letters, digits or `_` must be a duration with one of the units ms, s, m, h, d. A literal must also keep its value in the bundle: an integer or a duration (in milliseconds) is at most 2^53 - 1 (9007199254740991), a number with a fraction at most about 1.8e308.",
    example: "flow a {\n    wait 5x\n}\n",
  },
  FX2001: {
    severity: "error",
    title: "unknown variable",
    message: "unknown variable '{name}'{hint}",
    doc: "A name used as a value must be a variable or parameter of the flow (variables are flow-scoped).",
    example: 'flow a {\n    say "{nome}"\n}\n',
  },
  FX2002: {
    severity: "error",
    title: "unknown step",
    message: "unknown step '{name}'{candidates}",
    doc: "`goto` jumps to a `step` of the same flow.",
    example: "flow a {\n    goto nowhere\n}\n",
  },
  FX2003: {
    severity: "error",
    title: "unknown flow",
    message: "unknown flow '{name}'{hint}",
    doc: "`run` and test `start` name a flow of the project (imported, when it is declared in another file).",
    example: "flow a {\n    run missing()\n}\n",
  },
  FX2004: {
    severity: "error",
    title: "unknown action or function",
    message: "unknown action or function '{name}'{hint}",
    doc: "A call names a declared action, a standard action (tag, untag, addToList, removeFromList, setField) or a built-in function.",
    example: 'flow a {\n    notify("x")\n}\n',
  },
  FX2005: {
    severity: "error",
    title: "unknown type",
    message: "unknown type '{name}'{hint}",
    doc: "A type is a primitive (string, number, integer, boolean, email, phone, date, url) or a `type` alias.",
    example: 'flow a {\n    ask x: Colour "Cor?"\n    say "{x}"\n}\n',
  },
  FX2006: {
    severity: "error",
    title: "duplicate declaration",
    message: "duplicate {what} '{name}'{detail}",
    doc: "Top-level names, steps, fields, options and variables are declared once (a variable may be declared again with the same type). The error is on the later declaration.",
    example: 'flow a {\n    say "a"\n}\nflow a {\n    say "b"\n}\n',
  },
  FX2007: {
    severity: "error",
    title: "unknown field",
    message: "unknown field '{name}' on {type}{hint}",
    doc: "Field access must name a field of the record type or of the project's `context`. Fields named `__proto__`, `constructor` or `prototype` may be declared and passed along, but not read: the runtime never reads them (a read would give null).",
    example: 'context { name: string }\nflow a {\n    say "{context.nome}"\n}\n',
  },
  FX2008: {
    severity: "error",
    title: "import error",
    message: "{problem}",
    doc: "An import names a file relative to the importing one (`.flow` optional) and names declared there.",
    example: 'import { x } from "./missing.flow"\n',
  },
  FX2009: {
    severity: "error",
    title: "duplicate trigger",
    message: "{what} '{name}' already triggers flow '{other}'",
    doc: "A keyword (after normalisation) or an event name starts at most one flow.",
    example: 'flow a {\n    trigger keyword "oi"\n    end\n}\nflow b {\n    trigger keyword "Oi!"\n    end\n}\n',
  },
  FX3001: {
    severity: "error",
    title: "type mismatch",
    message: "type mismatch: expected {expected}, found {found}{hint}",
    doc: "A value must be assignable to the type expected where it is used.",
    example: "flow a {\n    var n: integer = \"um\"\n    say \"{n}\"\n}\n",
  },
  FX3002: {
    severity: "error",
    title: "wrong number of arguments",
    message: "'{name}' takes {expected} argument{s}, found {found}",
    doc: "Calls of actions, flows and built-ins pass every required argument, positionally.",
    example: 'flow a {\n    tag("a", "b")\n}\n',
  },
  FX3003: {
    severity: "error",
    title: "condition is not boolean",
    message: "condition must be boolean, found {found}",
    doc: "`if`, `validate` and test `expect` conditions are boolean expressions.",
    example: 'flow a {\n    if 1 {\n        say "x"\n    }\n}\n',
  },
  FX3004: {
    severity: "error",
    title: "value may be null",
    message: "'{expr}' may be null here (type {type}); {hint}",
    doc: "A `T?` must be narrowed before a `T` is required: `if x != null`, `x ?? default`, or `match`.",
    example: 'context { nick: string? }\nflow a {\n    say "{context.nick}"\n}\n',
  },
  FX3005: {
    severity: "error",
    title: "value cannot be shown",
    message: "a value of type {type} cannot be shown in a message; expected string, number, integer or boolean",
    doc: "Only strings, numbers and booleans (and their subtypes) can be interpolated into messages.",
    example: 'context { tags: string[] }\nflow a {\n    say "{context.tags}"\n}\n',
  },
  FX3006: {
    severity: "error",
    title: "invalid pattern, hours spec or time zone",
    message: "invalid {what} {text}: {problem}",
    doc: "Literal regular expressions, `withinHours` specs and IANA time zones are validated at compile time.",
    example: 'flow a {\n    if matches("x", "(") {\n        end\n    }\n}\n',
  },
  FX3007: {
    severity: "error",
    title: "match is not exhaustive",
    message: "match is not exhaustive: missing {missing}",
    doc: "A `match` over a union of literals covers every case or has `else`; over `string` or `number` it needs `else`.",
    example: 'type C = "a" | "b"\nflow f(c: C) {\n    match c {\n        "a" => end\n    }\n}\n',
  },
  FX3008: {
    severity: "error",
    title: "match arm can never match",
    message: "this arm can never match: {reason}",
    doc: "An arm whose literal is not in the subject's type, or repeats an earlier arm, is dead.",
    example: 'type C = "a" | "b"\nflow f(c: C) {\n    match c {\n        "a" => end\n        "b" => end\n        "z" => end\n    }\n}\n',
  },
  FX3009: {
    severity: "error",
    title: "HTTP URL host is not literal",
    message: "the scheme and host of an HTTP action's URL must be literal text; {problem}",
    doc: "Only the path and query of an HTTP action's URL may interpolate, so a flow can never send a request to a host chosen at run time.",
    example: 'action get(host: string) -> string = http GET "https://{host}/x"\n',
  },
  FX3010: {
    severity: "error",
    title: "keyword or start flow with required parameters",
    message: "flow '{name}' is started by {by}, so its parameters must be optional or have defaults: {params}",
    doc: "A keyword trigger and `trigger start` (the first message of a conversation) bring no payload, so every parameter of the flow needs a default or a `?` type.",
    example: 'flow a(id: string) {\n    trigger keyword "oi"\n    say "{id}"\n}\n',
  },
  FX4001: {
    severity: "error",
    title: "variable used before assigned",
    message: "'{name}' is used before it is definitely assigned",
    doc: "Every path from the flow's start (goto edges included) must assign a variable before reading it.",
    example: 'flow a {\n    ask n: integer "N?" {\n        invalid "?" => say "x"\n    }\n    say "{n}"\n}\n',
  },
  FX4002: {
    severity: "warning",
    title: "unreachable code",
    message: "unreachable code after '{after}'{detail}",
    doc: "Statements after `goto`, `end`, `handoff` or `return` in the same block never run, nor do statements after a compound statement (`if`, `match`, `choose`, …) every path of which leaves. Reported once per block, on the first such statement.",
    example: 'flow a {\n    end\n    say "never"\n}\n',
    tags: ["unnecessary"],
  },
  FX4003: {
    severity: "error",
    title: "goto cycle without a question",
    message: "this goto closes a cycle ({cycle}) that can repeat without waiting for the contact",
    doc: "A loop of gotos must pass an `ask`, `choose`, `wait` or a `run` of a flow that can wait on every way round, or it could spin forever. Reported once per strongly connected group of steps, on the goto that closes the cycle in source order.",
    example: "flow a {\n    goto x\n    step x {\n        goto y\n    }\n    step y {\n        goto x\n    }\n}\n",
  },
  FX4004: {
    severity: "error",
    title: "return misuse",
    message: "{problem}",
    doc: "A flow with a return type returns a value on every path that does not leave otherwise; a flow without one returns no value.",
    example: "flow a -> integer {\n    say \"x\"\n}\n",
  },
  FX4005: {
    severity: "warning",
    title: "unused variable or step",
    message: "{what} '{name}' is never used",
    doc: "A variable that is never read, or a step that no `goto` reaches.",
    example: 'flow a {\n    let x = 1\n    say "oi"\n}\n',
    tags: ["unnecessary"],
  },
  FX4006: {
    severity: "warning",
    title: "run recursion",
    message: "flow '{name}' can run itself ({cycle})",
    doc: "A flow that can `run` itself, directly or through others, grows the flow stack without bound.",
    example: "flow a {\n    run a()\n}\n",
  },
} as const satisfies Record<string, DiagnosticInfo>;

export type DiagnosticCode = keyof typeof registry;

/** Every registered code, in order. */
export const diagnosticCodes = Object.keys(registry) as DiagnosticCode[];

/** Fills `{name}` placeholders of a template. Missing arguments become empty text. */
export function formatMessage(template: string, args: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => (key in args ? String(args[key]) : ""));
}

/** Creates a diagnostic through the registry: severity, message and tags come from the code. */
export function diagnostic(
  code: DiagnosticCode,
  args: Record<string, string | number>,
  uri: string,
  range: Range,
  related?: RelatedInformation[],
): Diagnostic {
  const info: DiagnosticInfo = registry[code];
  const result: Diagnostic = {
    code,
    severity: info.severity,
    message: formatMessage(info.message, args),
    uri,
    // A copy: callers pass nodes, which are ranges themselves.
    range: { start: range.start, end: range.end },
  };
  if (related && related.length > 0) result.related = related.map((r) => ({ uri: r.uri, range: { start: r.range.start, end: r.range.end }, message: r.message }));
  if (info.tags) result.tags = [...info.tags];
  return result;
}
