import { describe, expect, it } from "vitest";
import { getDefinition } from "./definition.js";
import { fixture, showLocation } from "./testing.js";

function definition(source: string): string[] {
  const { program, uri, offset } = fixture(source);
  return getDefinition(program, uri, offset).map((l) => showLocation(program, l));
}

const files = `// @file main.flow
import { getOrder, Order } from "./orders.flow"
flow a {
    let o = getOrder("1")
    goto end_
    step end_ { say "{o.status}" }
}
// @file orders.flow
type Order = { status: string }
action getOrder(id: string) -> Order
`;

describe("definition", () => {
  it("lands on the declaration in the other file for an imported name (at a use and in the import)", () => {
    expect(definition(files.replace('getOrder("1")', 'getOr$0der("1")'))).toMatchInlineSnapshot(`
      [
        "orders.flow:2:8 «getOrder»",
      ]
    `);
    expect(definition(files.replace("import { getOrder, Order }", "import { getOrder, Or$0der }"))).toMatchInlineSnapshot(`
      [
        "orders.flow:1:6 «Order»",
      ]
    `);
  });

  it("goes to a step, a variable's declaration and a field, also inside an interpolation", () => {
    expect(definition(files.replace("goto end_", "goto en$0d_"))).toMatchInlineSnapshot(`
      [
        "main.flow:5:10 «end_»",
      ]
    `);
    expect(definition(files.replace("{o.status}", "{$0o.status}"))).toMatchInlineSnapshot(`
      [
        "main.flow:3:9 «o»",
      ]
    `);
    expect(definition(files.replace("{o.status}", "{o.sta$0tus}"))).toMatchInlineSnapshot(`
      [
        "orders.flow:1:16 «status»",
      ]
    `);
  });

  it("goes from a record literal's field to the field of its expected type", () => {
    const records = `// @file main.flow
import { Address, save } from "./types.flow"
flow a(home: Address?) -> Address {
    var x: Address = { street: "a" }
    var y: Address? = { street: "b" }
    set x = { street: "c" }
    let saved = save({ street: "d" }) else { end }
    return { street: saved.street }
}
test "t" {
    mock save returns { street: "e" }
    start a({ street: "f" })
}
// @file types.flow
type Address = { street: string; city: string? }
action save(address: Address) -> Address
`;
    const at = (needle: string): string[] => definition(records.replace(needle, needle.replace("street", "str$0eet")));
    const all = ['{ street: "a" }', '{ street: "b" }', '{ street: "c" }', '{ street: "d" }', "{ street: saved", '{ street: "e" }', '{ street: "f" }', "saved.street"].map(at);
    expect(new Set(all.flat())).toMatchInlineSnapshot(`
      Set {
        "types.flow:1:18 «street»",
      }
    `);
    expect(all.every((found) => found.length === 1)).toBe(true);
  });

  it("goes from a test's context and event payload fields to the context field and the flow's parameter", () => {
    const source = `context { zip: string? }
flow onPaid(amount: number) {
    trigger event "paid"
    end
}
test "t" {
    context { zip: "1" }
    event "paid" { amount: 3 }
}
`;
    expect(definition(source.replace('{ zip: "1" }', '{ z$0ip: "1" }'))).toMatchInlineSnapshot(`
      [
        "main.flow:1:11 «zip»",
      ]
    `);
    expect(definition(source.replace("{ amount: 3 }", "{ am$0ount: 3 }"))).toMatchInlineSnapshot(`
      [
        "main.flow:2:13 «amount»",
      ]
    `);
  });

  it("goes to the imported file from the import path", () => {
    expect(definition(files.replace('"./orders.flow"', '"./ord$0ers.flow"'))).toMatchInlineSnapshot(`
      [
        "orders.flow:1:1 «»",
      ]
    `);
  });

  it("finds nothing for built-ins", () => {
    expect(definition(`flow a {\n    say lo$0wer("A")\n}\n`)).toEqual([]);
  });
});
