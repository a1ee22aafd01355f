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
