import { describe, expect, it } from "vitest";
import { getHover } from "./hover.js";
import { fixture } from "./testing.js";

function hover(source: string): string {
  const { program, uri, offset } = fixture(source);
  const result = getHover(program, uri, offset);
  if (!result) return "(none)";
  return `${program.getText(uri)!.slice(result.range.start, result.range.end)} ▸ ${result.contents}`;
}

const shop = `
/// An order.
type Order = {
    /// Where it is.
    status: "pending" | "shipped"
    eta: string?
}
/// Looks an order up.
action getOrder(id: string) -> Order timeout 5s
context { name: string }
`;

describe("hover", () => {
  it("shows the inferred type of a variable", () => {
    expect(hover(`flow a {\n    let n$0 = 1 + 2\n    say "{n}"\n}\n`)).toMatchInlineSnapshot(`
      "n ▸ \`\`\`fluxo
      (variable) n: integer
      \`\`\`"
    `);
  });

  it("shows an action's signature and doc comment", () => {
    expect(hover(`${shop}flow a {\n    let o = getOr$0der("1")\n    say o.status\n}\n`)).toMatchInlineSnapshot(`
      "getOrder ▸ \`\`\`fluxo
      action getOrder(id: string) -> Order
      \`\`\`

      Looks an order up."
    `);
  });

  it("shows a field's type and doc, inside a string interpolation too", () => {
    expect(hover(`${shop}flow a {\n    let o = getOrder("1")\n    say "Status: {o.sta$0tus}"\n}\n`)).toMatchInlineSnapshot(`
      "status ▸ \`\`\`fluxo
      (field) Order.status: "pending" | "shipped"
      \`\`\`

      Where it is."
    `);
  });

  it("shows a type alias expanded with its doc", () => {
    expect(hover(`${shop}flow a(o: Ord$0er) { end }\n`)).toMatchInlineSnapshot(`
      "Order ▸ \`\`\`fluxo
      type Order = { status: "pending" | "shipped"; eta: string? }
      \`\`\`

      An order."
    `);
  });

  it("shows built-in functions and standard actions with their signatures", () => {
    expect(hover(`flow a {\n    say fix$0ed(1.5, 2)\n}\n`)).toMatchInlineSnapshot(`
      "fixed ▸ \`\`\`fluxo
      (function) fixed(n: number, digits: integer) -> string
      \`\`\`

      \`n\` with exactly \`digits\` decimals, in the project's locale (pt-BR \`fixed(1234.5, 2)\` is \`1.234,50\`)."
    `);
    expect(hover(`flow a {\n    ta$0g("vip")\n}\n`)).toMatchInlineSnapshot(`
      "tag ▸ \`\`\`fluxo
      (standard action) tag(name: string)
      \`\`\`

      Adds a tag to the contact."
    `);
  });

  it("shows a flow's signature and a step", () => {
    expect(hover(`/// Says hi.\nflow sub(name: string, n: integer = 1) -> integer { return n }\nflow a {\n    let x = run s$0ub("a")\n    say "{x}"\n}\n`)).toMatchInlineSnapshot(`
      "sub ▸ \`\`\`fluxo
      flow sub(name: string, n?: integer) -> integer
      \`\`\`

      Says hi."
    `);
    expect(hover(`flow a {\n    goto hu$0man\n    /// Talk to a person.\n    step human { handoff }\n}\n`)).toMatchInlineSnapshot(`
      "human ▸ \`\`\`fluxo
      step human
      \`\`\`

      Talk to a person."
    `);
  });

  it("shows the type of an expression and of a context field", () => {
    expect(hover(`${shop}flow a {\n    say "{context.na$0me}"\n}\n`)).toMatchInlineSnapshot(`
      "name ▸ \`\`\`fluxo
      (context) context.name: string
      \`\`\`"
    `);
    expect(hover(`flow a {\n    say "{len("ab") $0+ 2}"\n}\n`)).toMatchInlineSnapshot(`
      "len("ab") + 2 ▸ \`\`\`fluxo
      integer
      \`\`\`"
    `);
  });

  it("says nothing in a string's text or on a keyword", () => {
    expect(hover(`flow a {\n    say "o$0i"\n}\n`)).toBe("(none)");
    expect(hover(`fl$0ow a {\n    end\n}\n`)).toBe("(none)");
  });
});
