//! Properties of the whole checking pipeline (parse, bind, check, flow
//! analysis) on mutated programs, with fast-check and a fixed seed so that
//! every run checks the same inputs (STYLE.md, "Properties for robustness"):
//!
//! - `createProgram(…).getDiagnostics()` never throws, whatever is done to
//!   the examples and the checker fixtures: lines deleted, duplicated or
//!   swapped; tokens deleted, duplicated, swapped or inserted; identifiers
//!   renamed; literals changed;
//! - every diagnostic names a file of the project, a registered code with its
//!   registered severity and a message, and its range (and its related
//!   locations' ranges) lies within the text of its file, start ≤ end;
//! - a program updated with `setFile` reports what a fresh program over the
//!   same texts reports, related locations included (the caches never serve
//!   a stale answer).
//!
//! A failure prints fast-check's shrunk counterexample (the project and the
//! mutations); `mutate` below replays it. The file runs in under a minute.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createProgram, registry, type Program, type SourceInput } from "@fluxo/compiler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const seed = 20261124;

// ---------------------------------------------------------------- seed projects

/** The `.flow` files under `path`, not those of installed packages (`examples/host/node_modules`). */
function flowFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return (readdirSync(path, { recursive: true }) as string[])
    .filter((file) => file.endsWith(".flow") && !file.split(/[\\/]/).includes("node_modules"))
    .sort()
    .map((file) => join(path, file));
}

function project(paths: string[]): SourceInput[] {
  return paths.map((path) => ({ uri: pathToFileURL(path).href, text: readFileSync(path, "utf8") }));
}

/** The examples (one project) and every checker fixture (a file or a folder each). */
const projects: SourceInput[][] = (() => {
  const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
  const fixtures = fileURLToPath(new URL("./check/", import.meta.url));
  const out = [project(flowFiles(examples))];
  for (const name of readdirSync(fixtures).sort()) {
    const path = join(fixtures, name);
    if (name.endsWith(".flow") || statSync(path).isDirectory()) out.push(project(flowFiles(path)));
  }
  return out.filter((p) => p.length > 0);
})();

// ---------------------------------------------------------------- mutations

/** Strings, names, numbers and durations, and single characters: enough to move things around. */
const tokenPattern = /"(?:[^"\\\n]|\\.)*"?|[A-Za-z_][A-Za-z0-9_]*|[0-9]+(?:\.[0-9]+)?[A-Za-z_]*|\?\.|\?\?|==|!=|<=|>=|=>|->|\S/g;

interface Token {
  start: number;
  end: number;
  text: string;
}

function tokens(text: string): Token[] {
  return [...text.matchAll(tokenPattern)].map((m) => ({ start: m.index, end: m.index + m[0].length, text: m[0] }));
}

const words = [
  "flow", "step", "context", "type", "action", "import", "from", "test", "trigger", "keyword", "event", "say", "ask",
  "choose", "option", "match", "if", "else", "goto", "run", "return", "end", "handoff", "to", "wait", "random", "let",
  "set", "var", "validate", "invalid", "retries", "timeout", "true", "false", "null", "and", "or", "not", "in", "mock",
  "returns", "fails", "reply", "expect", "start", "label", "http", "GET", "POST", "image", "caption", "options",
  "contains", "string", "number", "integer", "boolean", "email", "phone", "date", "url", "len", "lower", "secret",
  "tag", "today", "withinHours", "matches", "fixed", "toNumber", "x", "order", "context.name", "?", "[]", "{", "}",
  "(", ")", "[", "]", ",", ";", ":", "=", ".", "?.", "??", "+", "-", "*", "/", "%", "==", "!=", "<", ">=", "=>", "->",
  "|", '"', '"""', "\n",
];

const literals = [
  "0", "1", "-1", "1.5", "99999999999999999999", "0s", "1d", "500ms", "5x", '""', '"x"', '"{x}"', '"{}"', '"ana@example.com"',
  '"+5511999990000"', '"2026-02-30"', '"https://a.example/{x}"', '"^[0-9]{6}$"', '"("', '"mon-fri 08:00-18:00"',
  '"Mars/Olympus"', "true", "false", "null", "[]", "{}", "[1, \"a\"]", "{ a: 1 }",
];

type Mutation =
  | { kind: "deleteLine" | "duplicateLine"; at: number }
  | { kind: "swapLines"; at: number; other: number }
  | { kind: "deleteToken" | "duplicateToken" | "swapTokens"; at: number }
  | { kind: "insertWord"; at: number; word: string }
  | { kind: "renameIdentifier"; at: number; other: number; everywhere: boolean }
  | { kind: "changeLiteral"; at: number; literal: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("deleteLine" as const, "duplicateLine" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swapLines" as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constantFrom("deleteToken" as const, "duplicateToken" as const, "swapTokens" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insertWord" as const), at: fc.nat(), word: fc.constantFrom(...words) }),
  fc.record({ kind: fc.constant("renameIdentifier" as const), at: fc.nat(), other: fc.nat(), everywhere: fc.boolean() }),
  fc.record({ kind: fc.constant("changeLiteral" as const), at: fc.nat(), literal: fc.constantFrom(...literals) }),
);

function splice(text: string, start: number, end: number, replacement: string): string {
  return text.slice(0, start) + replacement + text.slice(end);
}

/** Applies one mutation; indices wrap around, so any numbers are valid. */
function mutate(text: string, m: Mutation): string {
  switch (m.kind) {
    case "deleteLine":
    case "duplicateLine":
    case "swapLines": {
      const lines = text.split("\n");
      const i = m.at % lines.length;
      if (m.kind === "deleteLine") lines.splice(i, 1);
      else if (m.kind === "duplicateLine") lines.splice(i, 0, lines[i]!);
      else if (m.kind === "swapLines") {
        const j = m.other % lines.length;
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      return lines.join("\n");
    }
    case "deleteToken":
    case "duplicateToken":
    case "swapTokens":
    case "insertWord": {
      const all = tokens(text);
      if (all.length < 2) return text + (m.kind === "insertWord" ? m.word : "");
      const i = m.at % (all.length - 1);
      const token = all[i]!;
      const next = all[i + 1]!;
      if (m.kind === "deleteToken") return splice(text, token.start, token.end, "");
      if (m.kind === "duplicateToken") return splice(text, token.end, token.end, ` ${token.text}`);
      if (m.kind === "insertWord") return splice(text, token.start, token.start, `${m.word} `);
      return text.slice(0, token.start) + next.text + text.slice(token.end, next.start) + token.text + text.slice(next.end);
    }
    case "renameIdentifier": {
      const names = tokens(text).filter((t) => /^[A-Za-z_]/.test(t.text));
      if (names.length === 0) return text;
      const from = names[m.at % names.length]!;
      const to = m.other % 3 === 0 ? `${from.text}_renamed` : names[m.other % names.length]!.text;
      if (!m.everywhere) return splice(text, from.start, from.end, to);
      return text.replace(new RegExp(`\\b${from.text}\\b`, "g"), to);
    }
    case "changeLiteral": {
      const found = tokens(text).filter((t) => /^["0-9]|^(true|false|null)$/.test(t.text));
      if (found.length === 0) return text;
      const literal = found[m.at % found.length]!;
      return splice(text, literal.start, literal.end, m.literal);
    }
  }
}

// ---------------------------------------------------------------- checks

/** What is wrong with a program's diagnostics (empty when nothing is). */
function problems(program: Program): string[] {
  const out: string[] = [];
  const inRange = (uri: string, range: { start: number; end: number }): boolean => {
    const text = program.getText(uri);
    return text !== undefined && Number.isInteger(range.start) && Number.isInteger(range.end) && 0 <= range.start && range.start <= range.end && range.end <= text.length;
  };
  for (const d of program.getDiagnostics()) {
    const where = `${d.code} ${d.uri} ${d.range.start}-${d.range.end}`;
    if (!program.hasFile(d.uri)) out.push(`${where}: not a file of the project`);
    const info = (registry as Record<string, { severity: string } | undefined>)[d.code];
    if (!info) out.push(`${where}: unregistered code`);
    else if (info.severity !== d.severity) out.push(`${where}: severity ${d.severity}, registered ${info.severity}`);
    if (!d.message) out.push(`${where}: empty message`);
    if (!inRange(d.uri, d.range)) out.push(`${where}: range outside the text`);
    for (const related of d.related ?? []) {
      if (!inRange(related.uri, related.range)) out.push(`${where}: related range ${related.uri} ${related.range.start}-${related.range.end} outside its text`);
    }
  }
  return out;
}

/** A project index, a file index, and the mutations to apply to that file. */
const mutatedProject = fc.record({
  project: fc.nat({ max: projects.length - 1 }),
  file: fc.nat(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
});

function applyTo(inputs: readonly SourceInput[], file: number, mutations: readonly Mutation[]): SourceInput {
  const target = inputs[file % inputs.length]!;
  return { uri: target.uri, text: mutations.reduce(mutate, target.text) };
}

describe("checking mutated programs", () => {
  it("never throws, and reports well-formed diagnostics within the text", () => {
    // One program per seed project, updated in place: each run re-parses and
    // rechecks only what changed, which keeps thousands of runs fast.
    const programs = projects.map((inputs) => createProgram(inputs, { locale: "pt-BR", timeZone: "America/Sao_Paulo" }));
    fc.assert(
      fc.property(mutatedProject, ({ project: p, file, mutations }) => {
        const program = programs[p]!;
        const original = projects[p]![file % projects[p]!.length]!;
        try {
          program.setFile(applyTo(projects[p]!, file, mutations));
          expect(problems(program)).toEqual([]);
        } finally {
          program.setFile(original);
        }
      }),
      { seed, numRuns: 2000 },
    );
    // Thousands of rechecks: about 40 s on a slow machine, more when the suite runs in parallel.
  }, 180_000);

  it("an updated program reports what a fresh program over the same texts reports", () => {
    fc.assert(
      fc.property(mutatedProject, mutatedProject, (first, second) => {
        const inputs = projects[first.project]!;
        const program = createProgram(inputs);
        program.getDiagnostics();
        const files = new Map(inputs.map((i) => [i.uri, i.text]));
        for (const step of [first, { ...second, project: first.project }]) {
          const changed = applyTo([...files].map(([uri, text]) => ({ uri, text })), step.file, step.mutations);
          files.set(changed.uri, changed.text);
          program.setFile(changed);
          const fresh = createProgram([...files].map(([uri, text]) => ({ uri, text })));
          expect(program.getDiagnostics()).toEqual(fresh.getDiagnostics());
        }
      }),
      { seed, numRuns: 150 },
    );
  });

  it("mutations change the programs (the property is not vacuous)", () => {
    const samples = fc.sample(mutatedProject, { seed, numRuns: 200 });
    const changed = samples.filter(({ project: p, file, mutations }) => {
      const inputs = projects[p]!;
      return applyTo(inputs, file, mutations).text !== inputs[file % inputs.length]!.text;
    });
    expect(changed.length).toBeGreaterThan(180);
    // Mutated programs do produce diagnostics of every kind of stage.
    const codes = new Set<string>();
    for (const { project: p, file, mutations } of samples) {
      const inputs = projects[p]!;
      const mutated = applyTo(inputs, file, mutations);
      const program = createProgram(inputs.map((i) => (i.uri === mutated.uri ? mutated : i)));
      for (const d of program.getDiagnostics()) codes.add(d.code.slice(0, 3));
    }
    expect([...codes].sort()).toEqual(["FX1", "FX2", "FX3", "FX4"]);
  });

  it("checks a call whose argument was lost to a syntax error (no holes in the tree)", () => {
    // This input once left `args: [undefined]` in the tree, and the checker threw.
    const text = "flow ping(n: integer) {\n    run ping(n - )\n}\n";
    const program = createProgram([{ uri: "file:///lost.flow", text }]);
    expect(hasHole(program.getSourceFile("file:///lost.flow"))).toBe(false);
    const codes = program.getDiagnostics().map((d) => d.code);
    // The lost argument is not counted as missing (no FX3002 after the FX1001, §8).
    expect(codes.sort()).toEqual(["FX1001", "FX4006"]);
  });
});

/** Does any node list of the tree hold a hole (undefined or null)? */
function hasHole(node: unknown): boolean {
  if (Array.isArray(node)) return node.some((item) => item === undefined || item === null || hasHole(item));
  if (!node || typeof node !== "object") return false;
  return Object.values(node).some((value) => typeof value === "object" && hasHole(value));
}
