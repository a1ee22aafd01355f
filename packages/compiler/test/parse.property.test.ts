//! Properties of `parse` (STYLE.md, "Properties for robustness"), with
//! fast-check and a fixed seed so that every run checks the same inputs:
//!
//! - on arbitrary text (full Unicode, lone surrogates, and a soup of Fluxo
//!   words, punctuation, quotes, braces and line breaks) and on mutations of
//!   valid programs (the golden fixtures and the examples, with tokens or
//!   characters deleted, duplicated, swapped or inserted, or the text cut
//!   short), `parse` returns a SourceFile without throwing or falling back to
//!   its internal-error diagnostic;
//! - every diagnostic and every node range lies within the text with start ≤
//!   end, diagnostics are sorted, node lists have no holes and each node is
//!   of a kind its place allows (see `ast-invariants.ts`);
//! - parsing is deterministic, also after other texts were parsed (the
//!   parser instance is shared).
//!
//! A failure prints fast-check's shrunk counterexample: paste it into a
//! fixture or a recovery test. The whole file runs in a few seconds.

import { readdirSync, readFileSync } from "node:fs";
import { createProgram, MAX_NESTING, parse } from "@fluxo/compiler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { invariantViolations, violationCategory } from "./ast-invariants.js";

const seed = 20261124;

// ---------------------------------------------------------------- known bugs

/**
 * Invariant violations that the parser is known to have today. A run may show
 * these (and only these); each is in the test report of the front end.
 */
const knownViolations = new Set<string>([]);

function unexpectedViolations(text: string): string[] {
  const result = parse(text, "property.flow");
  return invariantViolations(text, result).filter((v) => !knownViolations.has(violationCategory(v)));
}

// ---------------------------------------------------------------- inputs

const fixtureDirectory = new URL("./parse/", import.meta.url);
const examplesDirectory = new URL("../../../examples/", import.meta.url);

function flowFiles(directory: URL): string[] {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith(".flow"));
  } catch {
    return [];
  }
  return names.sort().map((name) => readFileSync(new URL(name, directory), "utf8"));
}

/**
 * Seed programs for mutation: the fixtures and examples, cut at top-level
 * declarations into pieces of at most about 1,500 characters, so that each
 * mutation re-parses a small program (the parse time is what bounds the
 * number of runs).
 */
function seedPrograms(): string[] {
  const pieces: string[] = [];
  for (const text of [...flowFiles(fixtureDirectory), ...flowFiles(examplesDirectory)]) {
    const declarations = text.split(/\n(?=(?:\/\/\/[^\n]*\n)*(?:flow|test|type|action|context|import)\b)/);
    let current = "";
    for (const declaration of declarations) {
      if (current && current.length + declaration.length > 1500) {
        pieces.push(current);
        current = "";
      }
      current += (current ? "\n" : "") + declaration;
    }
    if (current) pieces.push(current);
  }
  return pieces;
}

const words = [
  "flow", "step", "context", "type", "action", "import", "from", "test", "trigger", "keyword", "event", "say", "ask",
  "choose", "option", "match", "if", "else", "goto", "run", "return", "end", "handoff", "to", "wait", "random", "let",
  "set", "var", "validate", "invalid", "retries", "timeout", "true", "false", "null", "and", "or", "not", "in", "mock",
  "returns", "fails", "reply", "expect", "start", "label", "header", "body", "http", "GET", "POST", "image", "caption",
  "media", "options", "contains", "clock", "seed", "error", "x", "name", "input", "endsWith", "invalidX", "string",
];
const punctuation = [
  "{", "}", "(", ")", "[", "]", ",", ";", ":", "=>", "->", "?.", "??", "?", ".", "|", "==", "!=", "<=", ">=", "<", ">",
  "=", "+", "-", "*", "/", "%", '"', '"""', "\\", "\\n", "\\u{1F600}", "\\q", "{6}", "//", "/*", "*/", "///", "\n",
  "\n", "\r\n", "\r", " ", " ", "\t", "42", "3.14", "5s", "500ms", "5x", "10_000", "1.5.2", "@", "#", "!", "é", "😀",
  "\u00a0", "\ufeff",
];
const piece = fc.constantFrom(...words, ...punctuation);

/** Text from any code points, lone surrogates and the characters that open or close strings and blocks. */
const unicodeText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
    { weight: 2, arbitrary: fc.constantFrom("\n", "\r", "{", "}", '"', "\\", "/", "*") },
  ),
  maxLength: 160,
});

/** A soup of Fluxo words, punctuation, quotes, braces and line breaks. */
const grammarText = fc.array(piece, { maxLength: 80 }).map((pieces) => pieces.join(""));

/** Words, numbers, runs of spaces, comment and string delimiters, or one character. */
const pieceOfText = /\s+|[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z_.]*|"""|\/\/|\/\*|\*\/|[\s\S]/gu;

type Mutation =
  | { op: "deleteToken" | "duplicateToken" | "deleteChar" | "truncate"; at: number }
  | { op: "swapTokens"; at: number; other: number }
  | { op: "insertToken" | "insertChar"; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom("deleteToken" as const, "duplicateToken" as const, "deleteChar" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swapTokens" as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant("insertToken" as const), at: fc.nat(), text: piece }),
  fc.record({ op: fc.constant("insertChar" as const), at: fc.nat(), text: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) }),
);

function mutate(text: string, m: Mutation): string {
  const tokens = text.match(pieceOfText) ?? [];
  const n = tokens.length;
  switch (m.op) {
    case "deleteToken":
      if (n > 0) tokens.splice(m.at % n, 1);
      return tokens.join("");
    case "duplicateToken":
      if (n > 0) tokens.splice(m.at % n, 0, tokens[m.at % n]!);
      return tokens.join("");
    case "swapTokens":
      if (n > 0) {
        const i = m.at % n;
        const j = m.other % n;
        [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
      }
      return tokens.join("");
    case "insertToken":
      tokens.splice(m.at % (n + 1), 0, m.text);
      return tokens.join("");
    case "deleteChar": {
      const i = text.length > 0 ? m.at % text.length : 0;
      return text.slice(0, i) + text.slice(i + 1);
    }
    case "insertChar": {
      const i = m.at % (text.length + 1);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case "truncate":
      return text.slice(0, m.at % (text.length + 1));
  }
}

const seeds = seedPrograms();
const mutatedProgram = fc
  .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([program, mutations]) => mutations.reduce(mutate, program));

// ---------------------------------------------------------------- properties

/** Parses `text` twice, with another parse in between, and compares the results. */
function deterministic(text: string, other: string): boolean {
  const first = JSON.stringify(parse(text, "property.flow"));
  parse(other, "other.flow");
  return JSON.stringify(parse(text, "property.flow")) === first;
}

describe("parse properties", () => {
  it("has seed programs from the fixtures and the examples", () => {
    expect(seeds.length).toBeGreaterThan(30);
  });

  it("never throws and keeps its invariants on arbitrary Unicode text", () => {
    fc.assert(
      fc.property(unicodeText, (text) => {
        expect(unexpectedViolations(text)).toEqual([]);
      }),
      { seed, numRuns: 3000 },
    );
  });

  it("never throws and keeps its invariants on a soup of Fluxo tokens", () => {
    fc.assert(
      fc.property(grammarText, (text) => {
        expect(unexpectedViolations(text)).toEqual([]);
      }),
      { seed, numRuns: 3000 },
    );
  });

  it("never throws and keeps its invariants on mutated programs", () => {
    fc.assert(
      fc.property(mutatedProgram, (text) => {
        expect(unexpectedViolations(text)).toEqual([]);
      }),
      { seed, numRuns: 2500 },
    );
  });

  it("parses the same text to the same result, whatever was parsed before", () => {
    fc.assert(
      fc.property(fc.oneof(mutatedProgram, grammarText), grammarText, (text, other) => deterministic(text, other)),
      { seed, numRuns: 600 },
    );
  });

  it("leaves no holes in a list whose items fail", () => {
    // A failed item of a comma-separated list is dropped, never left as an
    // undefined entry (the checker reads every entry's kind).
    const lists = [
      'flow a {\n    tag(-, "x")\n    tag(1, -)\n    tag("x".)\n    tag((1, 2)\n}\n',
      "flow a {\n    let l = [-, 1]\n    let r = { a: -, b: 1 }\n}\n",
      'flow a {\n    trigger keyword "a", d\n    choose "m" {\n        option, "b" => end\n    }\n}\n',
      "flow a {\n    match x {\n        (, 3 => end\n    }\n}\n",
      'test "t" {\n    start f("x", 1.5.2 2)\n    expect action f(-, 1)\n    expect ask "?" options -, "b"\n}\n',
      "action f(-, y: string)\nflow b(x: string, -, y: string) { end }\n",
    ];
    for (const text of lists) expect([text, unexpectedViolations(text)]).toEqual([text, []]);
  });

  it("parses deeply nested code without an internal error, up to a limit, and reports deeper nesting once", () => {
    const nested: Record<string, (depth: number) => string> = {
      parentheses: (n) => `flow a {\n    let x = ${"(".repeat(n)}1${")".repeat(n)}\n}`,
      lists: (n) => `flow a {\n    let x = ${"[".repeat(n)}1${"]".repeat(n)}\n}`,
      records: (n) => `flow a {\n    let x = ${"{ a: ".repeat(n)}1${" }".repeat(n)}\n}`,
      blocks: (n) => `flow a {\n${"if x {\n".repeat(n)}end${"\n}".repeat(n)}\n}`,
      types: (n) => `type T = ${"(".repeat(n)}string${")".repeat(n)}`,
      interpolations: (n) => `flow a {\n    say ${'"{'.repeat(n)}x${'}"'.repeat(n)}\n}`,
      operators: (n) => `flow a {\n    let x = ${"not -".repeat(n)}a${" + a".repeat(n)}\n}`,
    };
    // Within the limit (an interpolation nests twice: its string and its braces).
    for (const [name, program] of Object.entries(nested)) {
      const text = program(45);
      expect([name, unexpectedViolations(text)]).toEqual([name, []]);
      expect([name, parse(text, "deep.flow").diagnostics.length]).toEqual([name, 0]);
    }
    // Beyond it (the parser is recursive descent: a few thousand levels would
    // overflow the stack): one FX1001 on the first too-deep opener, what it
    // holds is dropped, and the rest of the file is kept.
    for (const [name, program] of Object.entries(nested)) {
      if (name === "operators") continue;
      const text = `${program(5000)}\nflow after { end }\n`;
      const { file, diagnostics } = parse(text, "deep.flow");
      expect([name, diagnostics.map((d) => d.code)]).toEqual([name, ["FX1001"]]);
      expect(diagnostics[0]!.message).toContain(`at most ${MAX_NESTING} nested`);
      expect([name, file.declarations.map((d) => d.kind)]).toEqual([name, [name === "types" ? "TypeAlias" : "Flow", "Flow"]]);
    }
    // An operator chain builds a tree as deep as it is long: it is cut at 2 × MAX_NESTING operators.
    const chain = `${nested["operators"]!(5000)}\nflow after { end }\n`;
    const { file, diagnostics } = parse(chain, "deep.flow");
    expect(diagnostics.map((d) => d.code)).toEqual(["FX1001"]);
    expect(diagnostics[0]!.message).toContain(`at most ${2 * MAX_NESTING} operators`);
    expect(file.declarations.map((d) => d.kind)).toEqual(["Flow", "Flow"]);
    // Later stages walk the (bounded) tree recursively without overflowing.
    expect(() => createProgram([{ uri: "file:///deep.flow", text: chain }]).getDiagnostics()).not.toThrow();
  });
});
