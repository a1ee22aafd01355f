// The depth limits of the parser end to end: on programs with long chains
// (postfix links, type suffixes, operators in parentheses, `else if` arms,
// runs of operators on strings, members and in brackets;
// `packages/compiler/test/depth-chains.ts`) at, just under and over the
// limit, and thousands of links long, nothing in the toolchain throws: the
// checker, the flow analysis, the lowering, the formatter, and the
// language-service features at the end of the chain. Before the limits
// counted these, such a file overflowed the stack, and the language server
// lost every diagnostic of the project.

import {
  analyzeFlows,
  createProgram,
  lowerProgram,
  parse,
} from "../packages/compiler/src/index.js";
import { chains } from "../packages/compiler/test/depth-chains.js";
import {
  getCodeActions,
  getCompletions,
  getDefinition,
  getDiagnostics,
  getDocumentSymbols,
  getFoldingRanges,
  getHighlights,
  getHover,
  getInlayHints,
  getReferences,
  getSelectionRanges,
  getSemanticTokens,
  getSignatureHelp,
} from "../packages/language-service/src/index.js";
import { FluxoSyntaxError, formatDocument } from "../packages/prettier-plugin/src/api.js";
import { describe, expect, it } from "vitest";

const uri = "file:///ws/main.flow";

/** Runs every stage on `text`; returns the stages that threw (the formatter may refuse a file with a syntax error). */
async function failingStages(text: string): Promise<string[]> {
  const failed: string[] = [];
  const run = async (stage: string, action: () => unknown): Promise<void> => {
    try {
      await action();
    } catch (error) {
      failed.push(`${stage}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // The end of the chain's line: the cursor of the editor features.
  const chainLine = text.split("\n").findIndex((line) => line.length > 200 || /\.a\.a|\[0\]\[0\]|\[\]\[\]| else if .* else if/.test(line));
  const lines = text.split("\n");
  const offset = lines.slice(0, Math.max(0, chainLine) + 1).join("\n").length;
  await run("parse", () => parse(text, uri));
  const program = createProgram([{ uri, text }]);
  await run("diagnostics", () => program.getDiagnostics());
  await run("flow analysis", () => analyzeFlows([{ uri, file: program.getSourceFile(uri)! }]));
  await run("lowering", () => lowerProgram(program));
  await run("formatter", async () => {
    try {
      await formatDocument(text, { uri });
    } catch (error) {
      // A syntax error: FX1001, or FX1003 in an interpolation.
      if (!(error instanceof FluxoSyntaxError && program.getDiagnostics().some((d) => d.code === "FX1001" || d.code === "FX1003"))) throw error;
    }
  });
  await run("hover", () => getHover(program, uri, offset));
  await run("completion", () => getCompletions(program, uri, offset));
  await run("editor diagnostics", () => getDiagnostics(program, uri));
  await run("definition", () => getDefinition(program, uri, offset));
  await run("references", () => getReferences(program, uri, offset));
  await run("highlights", () => getHighlights(program, uri, offset));
  await run("signature help", () => getSignatureHelp(program, uri, offset));
  await run("semantic tokens", () => getSemanticTokens(program, uri));
  await run("folding", () => getFoldingRanges(program, uri));
  await run("selection ranges", () => getSelectionRanges(program, uri, [offset]));
  await run("inlay hints", () => getInlayHints(program, uri));
  await run("symbols", () => getDocumentSymbols(program, uri));
  await run("code actions", () => getCodeActions(program, uri, { start: offset, end: offset }));
  return failed;
}

describe("depth limits across the toolchain", () => {
  it.each(Object.entries(chains))("%s: no stage throws, at, under and over the limit", async (_, chain) => {
    for (const n of [50, chain.limit - 1, chain.limit, chain.limit + 1, 1500, 3000]) {
      expect([n, await failingStages(chain.program(n))]).toEqual([n, []]);
    }
  });

  it.each(Object.entries(chains))("%s: the formatter keeps a chain at the limit as it is", async (_, chain) => {
    const text = chain.program(chain.limit);
    const formatted = await formatDocument(text, { uri });
    expect(parse(formatted, uri).diagnostics.filter((d) => d.code.startsWith("FX1"))).toEqual([]);
  });

  it("leaves realistic chains alone: 50 links type-check, and hover and completion answer at their end", () => {
    // context.a.a…a through 50 record types, down to a string.
    const types = Array.from({ length: 50 }, (_, i) => `type T${i} = { a: T${i + 1}; b: integer }\n`).join("");
    const text = `${types}type T50 = string\ncontext { a: T0 }\nflow f {\n    say context${".a".repeat(51)}\n    say "{context${".a".repeat(50)}.}"\n}\n`;
    const program = createProgram([{ uri, text }]);
    expect(program.getDiagnostics().filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      expect.stringContaining("expected"),
    ]);
    const end = text.indexOf("\n    say \"");
    expect(getHover(program, uri, end - 1)?.contents).toContain("string");
    const completions = getCompletions(program, uri, text.indexOf(".}") + 1).items.map((item) => item.label);
    expect(completions).toEqual(expect.arrayContaining(["a", "b"]));
  });
});
