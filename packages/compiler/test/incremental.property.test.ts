//! The incremental program (re-parsing one step, replaying the checks of the
//! steps an edit did not touch) must answer exactly what a fresh program
//! answers. fast-check with a fixed seed: chains of edits inside steps (new
//! statements, declarations, gotos, renamed names, broken text) over the
//! example project and the checker fixtures; after every edit, the
//! diagnostics of the whole project, and the type and resolution of every
//! node of the edited file, are compared with a new program's.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { createProgram, forEachChild, typeToString, type Node, type Program } from "@fluxo/compiler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const seed = 20261207;

function flowFiles(dir: URL): { uri: string; text: string }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".flow") && statSync(new URL(name, dir)).isFile())
    .sort()
    .map((name) => ({ uri: `file:///${name}`, text: readFileSync(new URL(name, dir), "utf8") }));
}

/** A long flow of similar steps (as the benchmarks generate): most of its steps' checks can be replayed. */
function chain(steps: number): string {
  const body = Array.from(
    { length: steps },
    (_, i) => `
    step s${i + 1} {
        say "Passo {counter}: olá, {context.name}! Etapa ${i + 1}."
        set counter = counter + 1
        if counter % 2 == 0 {
            say "O contador {counter} é par."
        } else {
            say "O contador {counter} é ímpar."
        }
        choose "Etapa ${i + 1}?" {
            option "A" => goto s${(i + 1) % steps + 1}
            option "B", "opção b" => { say "B"; goto s${(i + 2) % steps + 1} }
        }
    }
`,
  ).join("");
  return `context {
    name: string
}

flow chain {
    trigger start
    var counter: integer = 0
    goto s1
${body}}
`;
}

/** Projects to edit: a long chain of steps, the examples (several files, tests), and single checker fixtures. */
const projects: { uri: string; text: string }[][] = [
  [{ uri: "file:///chain.flow", text: chain(24) }],
  flowFiles(new URL("../../../examples/", import.meta.url)),
  ...flowFiles(new URL("./check/", import.meta.url)).map((file) => [file]),
].filter((files) => files.some((f) => /\n\s*step \w+ \{/.test(f.text)));

/** Everything the editor reads from a program about a file, as text. */
function render(program: Program, uri: string): string {
  const lines = program.getDiagnostics().map((d) => `${d.uri} ${d.code} ${d.range.start}-${d.range.end} ${d.message} ${JSON.stringify(d.related ?? [])}`);
  const check = program.getCheckResult(uri)!;
  const visit = (node: Node): void => {
    const type = check.types.get(node);
    if (type) lines.push(`type ${node.kind} ${node.start}-${node.end} ${typeToString(type)}`);
    if (node.kind === "Name") {
      const resolution = check.resolutions.get(node);
      if (resolution) lines.push(`name ${node.text} ${node.start} → ${resolution.kind} ${resolution.name} ${resolution.uri ?? ""} ${resolution.range?.start ?? ""}-${resolution.range?.end ?? ""} ${resolution.type ? typeToString(resolution.type) : ""}`);
    }
    forEachChild(node, visit);
  };
  visit(program.getSourceFile(uri)!);
  lines.push(`exhaustive ${[...check.exhaustiveMatches].map((m) => m.start).sort((a, b) => a - b).join(",")}`);
  return lines.join("\n");
}

/** Statements and fragments an edit inserts: valid most of the time, broken sometimes. */
const inserts = [
  "\n        set counter = counter + 2",
  '\n        say "novo"',
  "\n        let extra = 1",
  "\n        var outra: integer = 2",
  "\n        set counter = 3",
  "\n        goto inicio",
  "\n        end",
  '\n        say "{extra}"',
  "\n        if extra > 0 {\n            end\n        }",
  "x",
  "1",
  " ",
  "",
  '"',
  "{",
  "}",
  "\n",
];

const editArb = fc.record({
  step: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  remove: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 8 }) }),
  insert: fc.constantFrom(...inserts),
  goto: fc.boolean(),
});

type Edit = { step: number; at: number; remove: number; insert: string; goto: boolean };

/** Applies an edit inside the body of one of the file's steps (after its `{`, before its last line). */
function apply(text: string, edit: Edit): string {
  const steps = [...text.matchAll(/\n\s*step (\w+) \{/g)];
  if (steps.length === 0) return text;
  const chosen = steps[Math.floor(edit.step * steps.length)]!;
  const bodyStart = chosen.index! + chosen[0].length;
  const next = text.indexOf("\n    }", bodyStart);
  const bodyEnd = next < 0 ? text.length : next;
  let offset = bodyStart + Math.floor(edit.at * Math.max(1, bodyEnd - bodyStart));
  // New statements go at the end of a line, where they keep the step valid.
  const newline = text.indexOf("\n", offset);
  if ((edit.goto || edit.insert.startsWith("\n")) && newline >= 0 && newline <= bodyEnd) offset = newline;
  // A goto to another step of the file, so that edits change the steps' links.
  const insert = edit.goto ? `\n        goto ${steps[(steps.indexOf(chosen) + 1) % steps.length]![1]}` : edit.insert;
  const remove = insert.startsWith("\n") ? 0 : edit.remove;
  return text.slice(0, offset) + insert + text.slice(Math.min(offset + remove, bodyEnd));
}

/** Runs edit chains over the projects at `indexes`; returns how many edits replayed some step's check. */
function editChains(indexes: number[], numRuns: number): number {
  let replayed = 0;
  fc.assert(
    fc.property(fc.constantFrom(...indexes), fc.nat(), fc.array(editArb, { minLength: 1, maxLength: 5 }), (index, pick, edits) => {
      const files = projects[index]!.map((f) => ({ ...f }));
      const editable = files.filter((f) => /\n\s*step \w+ \{/.test(f.text));
      const target = editable[pick % editable.length]!;
      const program = createProgram(files);
      program.getDiagnostics();
      for (const edit of edits) {
        const before = new Set(program.getCheckResult(target.uri)!.steps.values());
        target.text = apply(target.text, edit);
        program.setFile({ uri: target.uri, text: target.text });
        const incremental = render(program, target.uri);
        // A replayed step keeps its previous record.
        if ([...program.getCheckResult(target.uri)!.steps.values()].some((step) => before.has(step))) replayed++;
        expect(incremental).toBe(render(createProgram(files), target.uri));
      }
    }),
    { seed, numRuns },
  );
  return replayed;
}

describe("incremental program", () => {
  it("answers what a fresh program answers after every edit of a long flow", () => {
    // Most edits leave most steps as they were: their checks are replayed.
    expect(editChains([0], 80)).toBeGreaterThan(100);
  });

  it("answers what a fresh program answers after every edit of the examples and fixtures", () => {
    expect(projects.length).toBeGreaterThan(3);
    expect(editChains([...projects.keys()].slice(1), 150)).toBeGreaterThan(5);
  });
});
