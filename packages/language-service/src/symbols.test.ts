import { describe, expect, it } from "vitest";
import { getDocumentSymbols, getWorkspaceSymbols, type SymbolNode } from "./symbols.js";
import { fixture } from "./testing.js";

const source = `// @file main.flow
context { name: string }
type Order = { id: string }
action getOrder(id: string) -> Order
flow track(id: string) -> integer {
    return 1
    step human { end }
    step menu { end }
}
test "tracks" { start track("1") }
// @file other.flow
flow human_help { end }
`;

function outline(symbols: SymbolNode[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${"  ".repeat(depth)}${s.kind} ${s.name}${s.detail ? ` ${s.detail}` : ""}`, ...outline(s.children, depth + 1)]);
}

describe("symbols", () => {
  it("outlines a file: flows › steps, types, actions, tests, the context", () => {
    const { program, uriOf } = fixture(source);
    expect(outline(getDocumentSymbols(program, uriOf("main.flow")))).toMatchInlineSnapshot(`
      [
        "context context",
        "  field name",
        "type Order",
        "action getOrder (id: string) -> Order",
        "flow track (id: string) -> integer",
        "  step human",
        "  step menu",
        "test tracks",
      ]
    `);
  });

  it("finds symbols of every file by name", () => {
    const { program } = fixture(source);
    expect(getWorkspaceSymbols(program, "hum").map((s) => `${s.kind} ${s.name} ${s.uri.split("/").pop()}${s.container ? ` in ${s.container}` : ""}`)).toMatchInlineSnapshot(`
      [
        "step human main.flow in track",
        "flow human_help other.flow",
      ]
    `);
  });
});
