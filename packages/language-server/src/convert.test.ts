import { createProgram } from "@fluxo/compiler";
import { semanticTokenTypes } from "@fluxo/language-service";
import { describe, expect, it } from "vitest";
import { encodeSemanticTokens, fromRange, toRange } from "./convert.js";

describe("conversions between offsets and LSP positions", () => {
  const uri = "file:///ws/a.flow";
  const text = 'flow a {\n    say "😀 {x}"\n    say """\n        one\n        """\n}\n';
  const program = createProgram([{ uri, text }]);

  it("counts UTF-16 code units, so a character after an emoji is two units further", () => {
    const x = text.indexOf("{x}") + 1;
    expect(toRange(program, uri, { start: x, end: x + 1 })).toEqual({ start: { line: 1, character: 13 }, end: { line: 1, character: 14 } });
    expect(fromRange(program, uri, { start: { line: 1, character: 13 }, end: { line: 1, character: 14 } })).toEqual({ start: x, end: x + 1 });
  });

  it("splits a token that spans lines into one token a line, in relative encoding", () => {
    const start = text.indexOf('"""');
    const end = text.lastIndexOf('"""') + 3;
    const data = encodeSemanticTokens(program, uri, [{ start, length: end - start, type: "string", modifiers: [] }]);
    const string = semanticTokenTypes.indexOf("string");
    expect(data).toEqual([2, 8, 3, string, 0, 1, 0, 11, string, 0, 1, 0, 11, string, 0]);
  });
});
