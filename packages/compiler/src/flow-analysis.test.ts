//! Flow analysis (FX4001–FX4006). The cases are data: each
//! `test/flow-analysis/*.flow` fixture is a project of one file, and each
//! folder there a project of the `.flow` files in it; the expected
//! diagnostics are annotations under the code (see `test/annotations.ts`),
//! and a fixture must produce exactly those (no more). What fixtures cannot
//! say (the checker's `isExhaustive` callback, partial trees built by hand)
//! is tested here directly, and a fast-check property (fixed seed) checks
//! that the analysis never throws on parses of mutated fixtures.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareAnnotations, formatMismatch, readAnnotations } from "../test/annotations.js";
import type { FlowDecl, MatchStatement, SourceFile } from "./ast.js";
import { diagnosticCodes, registry } from "./diagnostics.js";
import { analyzeFlows, type FlowAnalysisInput, type FlowAnalysisOptions } from "./flow-analysis.js";
import { parse } from "./parser.js";

const directory = fileURLToPath(new URL("../test/flow-analysis/", import.meta.url));

interface Fixture {
  name: string;
  /** The project's files, by uri (a path relative to the fixtures folder), sorted. */
  files: { uri: string; text: string }[];
}

function readFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = `${directory}${entry}`;
    if (statSync(path).isDirectory()) {
      const files = readdirSync(path)
        .filter((name) => name.endsWith(".flow"))
        .sort()
        .map((name) => ({ uri: `${entry}/${name}`, text: readFileSync(`${path}/${name}`, "utf8") }));
      fixtures.push({ name: `${entry}/`, files });
    } else if (entry.endsWith(".flow")) {
      fixtures.push({ name: entry, files: [{ uri: entry, text: readFileSync(path, "utf8") }] });
    }
  }
  return fixtures;
}

const fixtures = readFixtures();

function analyzeTexts(files: readonly { uri: string; text: string }[], options?: FlowAnalysisOptions) {
  const parsed = files.map((f) => ({ uri: f.uri, ...parse(f.text, f.uri) }));
  const inputs: FlowAnalysisInput[] = parsed.map((p) => ({ uri: p.uri, file: p.file }));
  return { parsed, diagnostics: analyzeFlows(inputs, options) };
}

describe("flow analysis fixtures", () => {
  it("finds the fixtures, a folder among them", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    expect(fixtures.some((f) => f.files.length > 1)).toBe(true);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s", (_, fixture) => {
    const { parsed, diagnostics } = analyzeTexts(fixture.files);
    for (const file of parsed) {
      // A fixture with a syntax error would test a recovered tree by accident.
      expect(file.diagnostics.map((d) => `${file.uri}: ${d.code} ${d.message}`)).toEqual([]);
    }
    for (const file of fixture.files) {
      const own = diagnostics.filter((d) => d.uri === file.uri);
      const expected = readAnnotations(file.text);
      expect(formatMismatch(file.text, compareAnnotations(file.text, own, expected)), file.uri).toBe("");
      expect(own.length).toBe(expected.length);
    }
    expect(diagnostics.every((d) => fixture.files.some((f) => f.uri === d.uri))).toBe(true);
  });
});

describe("analyzeFlows", () => {
  it.each(diagnosticCodes.filter((code) => code.startsWith("FX4")))("fires exactly %s on its registry example", (code) => {
    const { parsed, diagnostics } = analyzeTexts([{ uri: "example.flow", text: registry[code].example }]);
    expect(parsed[0]!.diagnostics).toEqual([]);
    expect(diagnostics.map((d) => d.code)).toEqual([code]);
  });

  const matchFlow = `type Cor = "azul" | "verde"

flow f(c: Cor) {
    var nome: string
    match c {
        "azul" => set nome = "Azul"
        "verde" => set nome = "Verde"
    }
    say "{nome}"
}
`;

  it("asks the checker whether a match without else is exhaustive", () => {
    const seen: MatchStatement[] = [];
    const exhaustive = analyzeTexts([{ uri: "m.flow", text: matchFlow }], {
      isExhaustive: (match) => {
        seen.push(match);
        return true;
      },
    });
    expect(exhaustive.diagnostics).toEqual([]);
    expect(seen.map((m) => m.kind)).toEqual(["Match"]);

    const open = analyzeTexts([{ uri: "m.flow", text: matchFlow }], { isExhaustive: () => false });
    expect(open.diagnostics.map((d) => d.code)).toEqual(["FX4001"]);
  });

  it("lets an exhaustive match whose arms all leave end the block", () => {
    const text = `type Cor = "azul" | "verde"

flow f(c: Cor) {
    match c {
        "azul" => end
        "verde" => goto s
    }
    say "never"

    step s {
        end
    }
}
`;
    const { diagnostics } = analyzeTexts([{ uri: "m.flow", text }], { isExhaustive: () => true });
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["FX4002 unreachable code after 'match': every arm of it leaves"]);
  });

  it("runs the flow `options.resolveRun` resolves a `run` to (without it: the file's own flow, else the project's first)", () => {
    const { parsed } = analyzeTexts([
      { uri: "a.flow", text: `flow alpha {\n    run beta()\n}\nflow beta {\n    wait 1s\n}\nflow gamma {\n    run gamma()\n}\n` },
      { uri: "b.flow", text: `flow beta {\n    run alpha()\n}\n` },
    ]);
    const inputs: FlowAnalysisInput[] = parsed.map((p) => ({ uri: p.uri, file: p.file }));
    const flows = new Map(parsed.flatMap((p) => p.file.declarations.filter((d): d is FlowDecl => d.kind === "Flow").map((d) => [`${p.uri} ${d.name?.text}`, d] as const)));
    const codes = (options?: FlowAnalysisOptions): string[] => analyzeFlows(inputs, options).map((d) => `${d.uri} ${d.code} ${d.message}`);
    // By name: a.flow's `run beta()` is its own beta, which runs nothing; gamma runs itself.
    expect(codes()).toEqual(["a.flow FX4006 flow 'gamma' can run itself (gamma → gamma)"]);
    // As resolved: a.flow's `beta` is b.flow's (a cycle); `gamma` is unresolved (the checker's error), so skipped.
    const resolveRun = (_uri: string, name: string): FlowDecl | undefined => flows.get(name === "beta" ? "b.flow beta" : `a.flow ${name}`);
    expect(codes({ resolveRun: (uri, name) => (name === "gamma" ? undefined : resolveRun(uri, name)) })).toEqual([
      "b.flow FX4006 flow 'beta' can run itself (beta → alpha → beta)",
    ]);
  });

  it("does not cascade a syntax error that lost an initialiser into FX4001", () => {
    for (const text of ['flow a {\n    var n: integer = \n    say "{n}"\n}\n', 'flow a {\n    let n = \n    say "{n}"\n}\n']) {
      const { parsed, diagnostics } = analyzeTexts([{ uri: "a.flow", text }]);
      expect(parsed[0]!.diagnostics.map((d) => d.code)).toEqual(["FX1001"]);
      expect(diagnostics).toEqual([]);
    }
  });

  it("returns nothing for no files, files without flows, and empty flows", () => {
    expect(analyzeFlows([])).toEqual([]);
    expect(analyzeTexts([{ uri: "t.flow", text: 'type T = string\ntest "x" {\n    expect x == 1\n}\n' }]).diagnostics).toEqual([]);
    expect(analyzeTexts([{ uri: "e.flow", text: "flow e {\n}\n" }]).diagnostics).toEqual([]);
  });

  it("orders diagnostics by file (in the given order), then position", () => {
    const files = [
      { uri: "a.flow", text: "flow a {\n    end\n    say \"x\"\n    run a()\n}\n" },
      { uri: "b.flow", text: "flow b {\n    let x = 1\n}\n" },
    ];
    const { diagnostics } = analyzeTexts(files);
    expect(diagnostics.map((d) => `${d.uri} ${d.code} ${d.range.start}`)).toEqual([
      "a.flow FX4002 21",
      "a.flow FX4006 33",
      "b.flow FX4005 17",
    ]);
  });

  it("creates diagnostics through the registry (severity and tags from the code)", () => {
    const { diagnostics } = analyzeTexts([{ uri: "u.flow", text: "flow u {\n    let x = 1\n    end\n    say \"{x}\"\n}\n" }]);
    expect(diagnostics.map((d) => [d.code, d.severity, d.tags])).toEqual([["FX4002", "warning", ["unnecessary"]]]);
  });

  it("never throws on partial trees built by hand", () => {
    const holey = {
      kind: "Flow",
      start: 0,
      end: 0,
      params: undefined,
      triggers: [],
      body: [
        undefined,
        { kind: "Say", start: 0, end: 0 },
        { kind: "If", start: 0, end: 0, then: { kind: "Block", start: 0, end: 0, statements: undefined } },
        { kind: "Ask", start: 0, end: 0, clauses: [undefined, { kind: "Invalid", start: 0, end: 0 }] },
        { kind: "Goto", start: 0, end: 0 },
        { kind: "Set", start: 0, end: 0, name: { kind: "Name", start: 0, end: 0, text: "x" }, value: { kind: "Binary", start: 0, end: 0, operator: "and" } },
      ],
      steps: [{ kind: "Step", start: 0, end: 0, body: undefined }, undefined],
    } as unknown as FlowDecl;
    const file = { kind: "SourceFile", uri: "h.flow", start: 0, end: 0, comments: [], declarations: [holey, undefined] } as unknown as SourceFile;
    expect(() => analyzeFlows([{ uri: "h.flow", file }])).not.toThrow();
  });
});

// ---------------------------------------------------------------- robustness

/** Pieces of syntax that make interesting damage when pasted anywhere. */
const fragments = [
  "}", "{", "\n", ";", "goto a", "goto ", "step a {", "step ", "end", "return 1", "return", "=>", "else {",
  "ask x: string \"?\"", "ask x from", "choose \"?\" {", "option \"a\"", "invalid \"?\" =>", "timeout 1m =>",
  "run f()", "run ", "let x = ", "set x = ", "var x: integer", "\"{x}\"", "{x}", "match x {", "random {", "1 =>",
  "if x {", "wait 1s", "flow f {", "flow ", "-> integer", "test \"t\" {", "expect x", "(", ")", "[", "]", "\"",
];

describe("robustness", () => {
  it("never throws on parses of mutated fixtures (fast-check, fixed seed)", () => {
    const texts = fixtures.flatMap((f) => f.files.map((file) => file.text));
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), fragment: fc.constantFrom(...fragments) }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.nat({ max: texts.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (which, mutations, exhaustive) => {
          let text = texts[which]!;
          for (const m of mutations) {
            const at = text.length === 0 ? 0 : m.at % (text.length + 1);
            if (m.kind === "delete") text = text.slice(0, at) + text.slice(at + m.length);
            else if (m.kind === "insert") text = text.slice(0, at) + m.fragment + text.slice(at);
            else text = text.slice(0, at);
          }
          const { file } = parse(text, "mutated.flow");
          const diagnostics = analyzeFlows([{ uri: "mutated.flow", file }], { isExhaustive: () => exhaustive });
          for (const d of diagnostics) {
            expect(diagnosticCodes).toContain(d.code);
            expect(d.code.startsWith("FX4")).toBe(true);
            expect(d.range.start).toBeGreaterThanOrEqual(0);
            expect(d.range.end).toBeGreaterThanOrEqual(d.range.start);
            expect(d.range.end).toBeLessThanOrEqual(text.length);
          }
        },
      ),
      { seed: 20261124, numRuns: 300 },
    );
  });
});
