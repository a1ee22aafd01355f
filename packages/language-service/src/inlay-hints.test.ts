import { describe, expect, it } from "vitest";
import { getInlayHints } from "./inlay-hints.js";
import { fixture } from "./testing.js";

describe("inlay hints", () => {
  it("shows the inferred type of each let, not of var or ask", () => {
    const { program, uri } = fixture(`type Order = { id: string }\naction get() -> Order\nflow a {\n    let n = 1\n    let t = "x" + "y"\n    let o = get()\n    let f = toNumber("1")\n    var v: string = "a"\n    ask q: integer "Q?"\n    say "{n}{t}{o.id}{f ?? 0}{v}{q}"\n}\n`);
    const text = program.getText(uri)!;
    expect(getInlayHints(program, uri).map((h) => `${text.slice(h.offset - 1, h.offset)}${h.label}`)).toMatchInlineSnapshot(`
      [
        "n: integer",
        "t: string",
        "o: Order",
        "f: number?",
      ]
    `);
  });
});
