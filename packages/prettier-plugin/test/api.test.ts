// The formatting API that `fluxo fmt` and the language server call. Ranges
// are written in the sources with markers (`<|…|>` for a range, `$0` for a
// cursor); the expected result is the document after the edit, inline.

import { describe, expect, test } from "vitest";
import { FluxoSyntaxError, formatDocument, formatRange, isFormatted, type TextEdit } from "../src/api.js";

/** The text without its markers, and the range they mark. */
function marked(source: string): { text: string; range: { start: number; end: number } } {
  const cursor = source.indexOf("$0");
  if (cursor >= 0) return { text: source.replace("$0", ""), range: { start: cursor, end: cursor } };
  const start = source.indexOf("<|");
  const end = source.indexOf("|>") - 2;
  return { text: source.replace("<|", "").replace("|>", ""), range: { start, end } };
}

function applied(text: string, edit: TextEdit): string {
  return text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end);
}

async function formatMarked(source: string): Promise<string> {
  const { text, range } = marked(source);
  return applied(text, await formatRange(text, range));
}

describe("formatDocument", () => {
  test("formats a whole document", async () => {
    expect(await formatDocument('flow a{say   "oi";end}')).toBe('flow a {\n    say "oi"\n    end\n}\n');
  });

  test("an empty document stays empty", async () => {
    expect(await formatDocument("")).toBe("");
    expect(await formatDocument("\n\n  \n")).toBe("");
  });

  test("a document with only comments keeps them, blank lines included", async () => {
    expect(await formatDocument("// one\n\n\n// two   \n/* three */")).toBe("// one\n\n// two\n/* three */\n");
  });

  test("refuses a document with syntax errors, with its diagnostics", async () => {
    const error = await formatDocument('flow a {\n    say "oi" "tchau"\n}\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FluxoSyntaxError);
    expect((error as FluxoSyntaxError).diagnostics.map((d) => d.code)).toEqual(["FX1001"]);
    expect((error as FluxoSyntaxError).message).toMatchInlineSnapshot(
      `"cannot format a file with syntax errors: FX1001 expected end of line or ';', found '"tchau"' (2:14)"`,
    );
  });

  test("takes a line width", async () => {
    const text = "flow a {\n    say f(first, second, third)\n}\n";
    expect(await formatDocument(text, { printWidth: 20 })).toBe("flow a {\n    say f(\n        first,\n        second,\n        third,\n    )\n}\n");
  });

  test("line ends: LF by default, CRLF on request", async () => {
    expect(await formatDocument("flow a {\r\nend\r\n}\r\n")).toBe("flow a {\n    end\n}\n");
    expect(await formatDocument("flow a {\nend\n}\n", { endOfLine: "crlf" })).toBe("flow a {\r\n    end\r\n}\r\n");
  });

  test("isFormatted", async () => {
    expect(await isFormatted("flow a {\n    end\n}\n")).toBe(true);
    expect(await isFormatted("flow a {\nend\n}\n")).toBe(false);
  });
});

describe("formatRange", () => {
  test("formats only the statement the range touches", async () => {
    expect(
      await formatMarked(`flow a {
  say   "one"
  say  <|"two"|>   +   x
      say "three"
}
`),
    ).toMatchInlineSnapshot(`
      "flow a {
        say   "one"
          say "two" + x
            say "three"
      }
      "
    `);
  });

  test("a range over two statements formats both, and only them", async () => {
    expect(
      await formatMarked(`type  A=string
flow a {
  say   <|"one"
  say  "two"|>
      say   "three"
}
`),
    ).toMatchInlineSnapshot(`
      "type  A=string
      flow a {
          say "one"
          say "two"
            say   "three"
      }
      "
    `);
  });

  test("a cursor inside a nested statement formats it at its canonical depth", async () => {
    expect(
      await formatMarked(`flow a {
 if x   {
  let v =   f(1,2)$0   else { end }
 }
}
`),
    ).toMatchInlineSnapshot(`
      "flow a {
       if x   {
              let v = f(1, 2) else {
                  end
              }
       }
      }
      "
    `);
  });

  test("a range over a declaration's header formats the whole declaration", async () => {
    expect(
      await formatMarked(`<|flow|>   a{
say "x"
}
type   B = string
`),
    ).toMatchInlineSnapshot(`
      "flow a {
          say "x"
      }
      type   B = string
      "
    `);
  });

  test("a statement sharing its line with another is edited from its own start", async () => {
    expect(await formatMarked(`flow a {\n    say "a";   say   <|"b"|>\n}\n`)).toMatchInlineSnapshot(`
      "flow a {
          say "a";   say "b"
      }
      "
    `);
  });

  test("a trailing comment on the last line is kept once", async () => {
    expect(await formatMarked(`flow a {\n  say   <|"a"|>   // note\n}\n`)).toMatchInlineSnapshot(`
      "flow a {
          say "a" // note
      }
      "
    `);
  });

  test("a range touching nothing changes nothing", async () => {
    const { text, range } = marked(`flow a {\n  say "a"\n\n$0\n  say "b"\n}\n`);
    expect(await formatRange(text, range)).toEqual({ range: { start: range.start, end: range.start }, newText: "" });
  });

  test("keeps the document's CRLF line ends", async () => {
    const { text, range } = marked(`flow a {\r\n  <|if x { say "a" }|>\r\n}\r\n`);
    const edit = await formatRange(text, range);
    expect(edit.newText).toBe('    if x {\r\n        say "a"\r\n    }');
    expect(applied(text, edit)).toBe(`flow a {\r\n    if x {\r\n        say "a"\r\n    }\r\n}\r\n`);
  });

  test("refuses a document with syntax errors", async () => {
    await expect(formatRange('flow a {\n    say "oi" "tchau"\n}\n', { start: 0, end: 5 })).rejects.toBeInstanceOf(FluxoSyntaxError);
  });
});
