import { describe, expect, it } from "vitest";
import { getSelectionRanges, type SelectionRange } from "./selection-ranges.js";
import { fixture } from "./testing.js";

describe("selection ranges", () => {
  it("grows from the name at the cursor out to the file", () => {
    const { program, uri, offset } = fixture(`flow a {\n    say "x {lower(con$0text.name)}"\n}\n`);
    const text = program.getText(uri)!;
    const chain: string[] = [];
    for (let r: SelectionRange | undefined = getSelectionRanges(program, uri, [offset])[0]; r; r = r.parent) chain.push(text.slice(r.range.start, r.range.end).replace(/\n/g, "⏎"));
    expect(chain).toMatchInlineSnapshot(`
      [
        "context",
        "context.name",
        "lower(context.name)",
        "{lower(context.name)}",
        ""x {lower(context.name)}"",
        "say "x {lower(context.name)}"",
        "flow a {⏎    say "x {lower(context.name)}"⏎}",
        "flow a {⏎    say "x {lower(context.name)}"⏎}⏎",
      ]
    `);
  });
});
