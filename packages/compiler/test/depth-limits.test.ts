//! The depth limits of the parser (ARCHITECTURE, "Nesting limits") on the
//! constructs the lexer's bracket count does not see: postfix chains
//! (`.name`, `?.name`, `[index]`), type suffixes (`T[]`, `T?`), runs of
//! operators nested in brackets, and `else if` chains; and runs of operators
//! within the operator limit, which must fit the depth limit. Each is as
//! deep a tree as it is long, and every later stage walks the tree
//! recursively.
//!
//! The cases are data: a program of `n` links, and the limit on `n`. At the
//! limit and below it the program parses without a syntax error; one link
//! more is one FX1001 (FX1003 in an interpolation), on that link, and the
//! tree keeps the links up to the limit. Far beyond (thousands), the checker, the flow analysis, the
//! lowering and the editor queries must not throw. The formatter and the
//! language-service features are run on the same programs by
//! `test/depth-limits.test.ts`.

import {
  analyzeFlows,
  createProgram,
  forEachChild,
  lowerProgram,
  nodePathAt,
  parse,
  typeAt,
  type Node,
} from "@fluxo/compiler";
import { describe, expect, it } from "vitest";
import { invariantViolations } from "./ast-invariants.js";
import { chains, MAX_DEPTH, MAX_TYPE_DEPTH } from "./depth-chains.js";

function syntaxErrors(text: string) {
  return parse(text, "file:///deep.flow").diagnostics.filter((d) => d.code.startsWith("FX1"));
}

/** The longest chain of nested nodes. */
function treeDepth(node: Node): number {
  let deepest = 0;
  forEachChild(node, (child) => {
    deepest = Math.max(deepest, treeDepth(child));
  });
  return deepest + 1;
}

describe("depth limits of chains", () => {
  it.each(Object.entries(chains))("%s: no error at and below the limit", (_, chain) => {
    for (const n of [50, chain.limit - 1, chain.limit]) {
      const text = chain.program(n);
      expect([n, syntaxErrors(text)]).toEqual([n, []]);
    }
  });

  it.each(Object.entries(chains))("%s: one FX1001 on the first link too many, and the tree keeps the links before it", (_, chain) => {
    const text = chain.program(chain.limit + 1);
    const errors = syntaxErrors(text);
    expect(errors.map((d) => d.code)).toEqual([chain.code ?? "FX1001"]);
    expect(errors[0]!.message).toMatch(new RegExp(`^${chain.message.replace(/[()[\]?.]/g, "\\$&")}`));
    expect(text.slice(errors[0]!.range.start, errors[0]!.range.end)).toBe(chain.link);
    expect(errors[0]!.range.start).toBe(chain.offset(chain.limit + 1));
    // The tree is as deep as it is at the limit.
    const { file } = parse(text, "file:///deep.flow");
    expect(treeDepth(file)).toBe(treeDepth(parse(chain.program(chain.limit), "file:///deep.flow").file));
    expect(invariantViolations(text, parse(text, "file:///deep.flow"))).toEqual([]);
  });

  it.each(Object.entries(chains))("%s: thousands of links are one FX1001, and no stage throws", (_, chain) => {
    for (const n of [1500, 3000]) {
      const text = `${chain.program(n)}flow after {\n    end\n}\n`;
      const uri = "file:///deep.flow";
      const parsed = parse(text, uri);
      expect(parsed.diagnostics.filter((d) => d.code === (chain.code ?? "FX1001")).map((d) => d.message.slice(0, chain.message.length))).toEqual([chain.message]);
      // What follows the chain is still read.
      expect(parsed.file.declarations.map((d) => d.kind).at(-1)).toBe("Flow");
      expect(invariantViolations(text, parsed)).toEqual([]);
      const program = createProgram([{ uri, text }]);
      expect(() => program.getDiagnostics()).not.toThrow();
      expect(() => analyzeFlows([{ uri, file: parsed.file }])).not.toThrow();
      expect(() => lowerProgram(program)).not.toThrow();
      // The end of the chain's line.
      const end = chain.program(n).trimEnd().replace(/\n\}$/, "").length;
      expect(() => nodePathAt(program.getSourceFile(uri)!, end)).not.toThrow();
      expect(() => typeAt(program, uri, end)).not.toThrow();
    }
  });

  it("cuts an expression deeper than the limit inside a statement that has a syntax error", () => {
    // The list literal is left unclosed: recovery hands the statement a partial tree.
    const text = `context { a: string }\nflow f {\n    let l = [context${".a".repeat(3000)}, \n}\n`;
    const parsed = parse(text, "file:///deep.flow");
    expect(parsed.diagnostics.length).toBeGreaterThan(0);
    expect(treeDepth(parsed.file)).toBeLessThan(MAX_DEPTH + 20);
    expect(() => createProgram([{ uri: "file:///deep.flow", text }]).getDiagnostics()).not.toThrow();
  });

  it("reports a chain of thousands of type aliases once, and no stage throws", () => {
    for (const suffix of ["", "[]"]) {
      const aliases = Array.from({ length: 3000 }, (_, i) => `type T${i} = T${i + 1}${suffix}\n`).join("");
      const text = `${aliases}type T3000 = string\nflow f(x: T0) {\n    say "{x}"\n}\n`;
      const uri = "file:///aliases.flow";
      const program = createProgram([{ uri, text }]);
      const errors = program.getDiagnostics().filter((d) => d.severity === "error");
      expect(errors.map((d) => d.code)).toEqual(["FX2005"]);
      expect(errors[0]!.message).toContain(`expands more than ${MAX_TYPE_DEPTH} levels deep`);
      expect(() => lowerProgram(program)).not.toThrow();
      expect(() => typeAt(program, uri, text.indexOf("x: T0") + 1)).not.toThrow();
    }
  });
});
