import { describe, expect, it } from "vitest";
import { getHighlights, getReferences } from "./references.js";
import { fixture, showLocation } from "./testing.js";

describe("references", () => {
  it("finds every use of an action across files, the import included", () => {
    const { program, uri, offset } = fixture(`// @file main.flow
import { getOrder } from "./orders.flow"
flow a {
    let o = getOrder("1") else { end }
    say o
}
// @file orders.flow
action get$0Order(id: string) -> string
test "t" {
    mock getOrder returns "x"
    start a()
    expect action getOrder("1")
}
`);
    expect(getReferences(program, uri, offset).map((l) => showLocation(program, l))).toMatchInlineSnapshot(`
      [
        "main.flow:1:10 «getOrder»",
        "main.flow:3:13 «getOrder»",
        "orders.flow:1:8 «getOrder»",
        "orders.flow:3:10 «getOrder»",
        "orders.flow:5:19 «getOrder»",
      ]
    `);
    expect(getReferences(program, uri, offset, false)).toHaveLength(4);
  });

  it("highlights a variable with read and write kinds, inside interpolations too", () => {
    const { program, uri, offset } = fixture(`flow a {\n    var n: integer = 0\n    set n = n + 1\n    say "{n$0}"\n}\n`);
    expect(getHighlights(program, uri, offset).map((h) => `${showLocation(program, { uri, range: h.range })} ${h.kind}`)).toMatchInlineSnapshot(`
      [
        "main.flow:2:9 «n» write",
        "main.flow:3:9 «n» write",
        "main.flow:3:13 «n» read",
        "main.flow:4:11 «n» read",
      ]
    `);
  });
});
