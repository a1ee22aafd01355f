import { describe, expect, it } from "vitest";
import { diffEdits, formatDocument, type Formatter } from "./formatting.js";
import { applyEdits } from "./testing.js";

describe("formatting", () => {
  it("answers with the smallest edit that gives the formatted text", () => {
    const text = "flow a {\n  say   \"x\"\n}\n";
    const formatted = 'flow a {\n    say "x"\n}\n';
    const edits = diffEdits(text, formatted);
    expect(edits).toMatchInlineSnapshot(`
      [
        {
          "newText": "  say",
          "range": {
            "end": 16,
            "start": 11,
          },
        },
      ]
    `);
    expect(applyEdits(text, edits)).toBe(formatted);
    expect(diffEdits(formatted, formatted)).toEqual([]);
  });

  it("delegates to the formatter it is given", async () => {
    const formatter: Formatter = { formatDocument: async (t) => t.replace(/ +$/gm, ""), formatRange: async () => ({ range: { start: 0, end: 0 }, newText: "" }) };
    expect(await formatDocument("flow a {   \n}\n", formatter)).toEqual([{ range: { start: 8, end: 11 }, newText: "" }]);
  });
});
