//! Incremental re-parsing (`reparse.ts`) must give exactly the tree a full
//! parse gives. Properties with a fixed seed, over the examples and the
//! golden fixtures: random edits (single ones, and chains where each result
//! is the next edit's previous tree) either take the fast path and match a
//! fresh parse node for node, ranges and comments included, or decline
//! (undefined) so the caller parses the whole file.

import { readdirSync, readFileSync } from "node:fs";
import { parse, reparse, type ParseResult } from "@fluxo/compiler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const seed = 20261207;

const sources: string[] = [
  ...readdirSync(new URL("../../../examples/", import.meta.url))
    .filter((f) => f.endsWith(".flow"))
    .map((f) => readFileSync(new URL(`../../../examples/${f}`, import.meta.url), "utf8")),
  ...readdirSync(new URL("./parse/", import.meta.url))
    .filter((f) => f.endsWith(".flow") && !f.startsWith("errors-"))
    .map((f) => readFileSync(new URL(`./parse/${f}`, import.meta.url), "utf8")),
].filter((text) => parse(text, "x.flow").diagnostics.length === 0 && text.includes("step "));

/** JSON with sorted keys: the same tree prints the same whatever order its fields were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The result's tree and diagnostics as text, ranges included. */
const render = (result: ParseResult): string => canonical({ file: result.file, diagnostics: result.diagnostics });

const fragments = ["x", " ", "\n", "}", "{", '"', "1", "say ", "goto ", "(", ")", "//", "/*", "step s {", "é", ",", "=>"];

/** An edit: replace `length` characters at a relative position with `insert`. */
const editArb = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  length: fc.nat({ max: 6 }),
  insert: fc.array(fc.constantFrom(...fragments), { maxLength: 3 }).map((parts) => parts.join("")),
});

type Edit = { at: number; length: number; insert: string };

/** Applies an edit inside a step body most of the time (the fast path's case), anywhere otherwise. */
function apply(text: string, edit: Edit, anywhere: boolean): string {
  let offset = Math.floor(edit.at * text.length);
  if (!anywhere) {
    const steps = [...text.matchAll(/\n\s*step \w+ \{/g)];
    if (steps.length > 0) {
      const step = steps[Math.floor(edit.at * steps.length)]!;
      const start = step.index! + step[0].length;
      offset = start + Math.floor((edit.at * 997) % 1 * Math.max(1, Math.min(80, text.length - start)));
    }
  }
  return text.slice(0, offset) + edit.insert + text.slice(offset + edit.length);
}

describe("reparse", () => {
  it("re-parses an edit inside a step alone and keeps the other steps' nodes", () => {
    const text = "flow a {\n    step one {\n        say \"x\"\n    }\n    step two {\n        say \"y\" // c\n    }\n}\n";
    const previous = parse(text, "a.flow");
    const oldTwo = previous.file.declarations[0]!.kind === "Flow" ? previous.file.declarations[0]!.steps[1] : undefined;
    const edited = text.replace('say "x"', 'say "xyz"\n        say 1 + 2');
    const result = reparse({ text, parsed: previous }, edited, "a.flow");
    expect(result).toBeDefined();
    expect(render(result!)).toBe(render(parse(edited, "a.flow")));
    const flow = result!.file.declarations[0]!;
    // The later step is the same object, moved.
    expect(flow.kind === "Flow" && flow.steps[1]).toBe(oldTwo);
  });

  it("declines edits it cannot confine to one step", () => {
    const text = "flow a {\n    step one {\n        say \"x\"\n    }\n    step two {\n        say \"y\"\n    }\n}\n";
    const cases = [
      text.replace('say "x"', 'say "x"\n    }\n    step three {'), // splits the step: a full parse sees two steps
      text.replace('say "x"', 'say "x'), // unterminated string
      text.replace("flow a {", "flow b {"), // outside any step
      text.replace('say "x"', 'say "x" /* open'), // unterminated comment
      text.replace('say "x"\n    }', 'say "x"\n'), // the step's closing brace removed
    ];
    for (const edited of cases) expect(reparse({ text, parsed: parse(text, "a.flow") }, edited, "a.flow")).toBeUndefined();
  });

  it("matches a fresh parse on random edits, one at a time and in chains", () => {
    expect(sources.length).toBeGreaterThan(3);
    let fast = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...sources.keys()),
        fc.array(fc.tuple(editArb, fc.boolean()), { minLength: 1, maxLength: 6 }),
        (index, edits) => {
          let text = sources[index]!;
          let parsed = parse(text, "x.flow");
          for (const [edit, anywhere] of edits) {
            const next = apply(text, edit, anywhere && edit.length % 3 === 0);
            const incremental = reparse({ text, parsed }, next, "x.flow");
            const full = parse(next, "x.flow");
            if (incremental) {
              fast++;
              expect(render(incremental)).toBe(render(full));
            }
            text = next;
            parsed = incremental ?? full;
          }
        },
      ),
      { seed, numRuns: 400 },
    );
    // The property is about the fast path: make sure it was taken often.
    expect(fast).toBeGreaterThan(100);
  });
});
