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

  it("finds a field in member accesses and in record literals typed by a declaration, a parameter, a return or a mock", () => {
    const { program, uri, offset } = fixture(`// @file main.flow
import { Address, save } from "./types.flow"
flow a(home: Address?) -> Address {
    var x: Address = { street: "a", city: null }
    set x = { street: "b" }
    let saved = save({ street: "c" }) else { end }
    say home?.street ?? saved.street
    return { street: "{x.street}" }
}
test "t" {
    mock save returns { street: "d" }
    start a({ street: "e" })
    expect x.street == "b"
}
// @file types.flow
type Address = { str$0eet: string; city: string? }
action save(address: Address) -> Address
`);
    expect(getReferences(program, uri, offset).map((l) => showLocation(program, l))).toMatchInlineSnapshot(`
      [
        "main.flow:3:24 «street»",
        "main.flow:4:15 «street»",
        "main.flow:5:24 «street»",
        "main.flow:6:15 «street»",
        "main.flow:6:31 «street»",
        "main.flow:7:14 «street»",
        "main.flow:7:26 «street»",
        "main.flow:10:25 «street»",
        "main.flow:11:15 «street»",
        "main.flow:12:14 «street»",
        "types.flow:1:18 «street»",
      ]
    `);
  });

  it("does not mix up same-named fields of different record types", () => {
    const { program, uri, offset } = fixture(`type A = { name: string }
type B = { name: string; extra: integer }
action takeA(a: A)
action takeB(b: B)
flow f {
    takeA({ na$0me: "a" })
    takeB({ name: "b", extra: 1 })
}
`);
    expect(getReferences(program, uri, offset).map((l) => showLocation(program, l))).toMatchInlineSnapshot(`
      [
        "main.flow:1:12 «name»",
        "main.flow:6:13 «name»",
      ]
    `);
  });

  it("highlights a field written by a record literal", () => {
    const { program, uri, offset } = fixture(`type A = { n$0ame: string }\nflow f(a: A) -> A {\n    say a.name\n    return { name: "x" }\n}\n`);
    expect(getHighlights(program, uri, offset).map((h) => `${showLocation(program, { uri, range: h.range })} ${h.kind}`)).toMatchInlineSnapshot(`
      [
        "main.flow:1:12 «name» write",
        "main.flow:3:11 «name» read",
        "main.flow:4:14 «name» write",
      ]
    `);
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
