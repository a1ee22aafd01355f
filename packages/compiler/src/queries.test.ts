import { describe, expect, it } from "vitest";
import { createProgram } from "./program.js";
import { definitionAt, documentSymbols, referencesAt, typeAt, workspaceSymbols } from "./queries.js";

/** Files with one `$0` cursor marker; returns the program, the cursor's file and offset. */
function workspace(files: Record<string, string>): { program: ReturnType<typeof createProgram>; uri: string; offset: number } {
  let cursor: { uri: string; offset: number } | undefined;
  const inputs = Object.entries(files).map(([name, text]) => {
    const uri = `file:///ws/${name}`;
    const at = text.indexOf("$0");
    if (at >= 0) {
      cursor = { uri, offset: at };
      text = text.replace("$0", "");
    }
    return { uri, text };
  });
  if (!cursor) throw new Error("no $0 marker");
  return { program: createProgram(inputs), ...cursor };
}

function render(program: ReturnType<typeof createProgram>, location: { uri: string; range: { start: number; end: number } }): string {
  const text = program.getText(location.uri)!;
  const line = program.getLineIndex(location.uri)!.positionAt(location.range.start).line + 1;
  return `${location.uri.split("/").pop()}:${line} ${text.slice(location.range.start, location.range.end)}`;
}

describe("queries", () => {
  it("goes to the declaration of an imported action in the other file, not to the import", () => {
    const { program, uri, offset } = workspace({
      "main.flow": 'import { getOrder } from "./orders"\nflow a {\n    let o = get$0Order("1")\n    say o\n}\n',
      "orders.flow": "action getOrder(id: string) -> string\n",
    });
    expect(render(program, definitionAt(program, uri, offset)!)).toBe("orders.flow:1 getOrder");
  });

  it("finds the references of a variable, declaration included", () => {
    const { program, uri, offset } = workspace({
      "a.flow": 'flow a {\n    ask nome: string "Nome?"\n    say "Oi, {no$0me}"\n    if nome == "x" { end }\n}\n',
    });
    expect(referencesAt(program, uri, offset).map((l) => render(program, l))).toEqual([
      "a.flow:2 nome",
      "a.flow:3 nome",
      "a.flow:4 nome",
    ]);
  });

  it("finds references of a flow across files", () => {
    const { program, uri, offset } = workspace({
      "a.flow": 'import { sub } from "./b"\nflow a {\n    run sub()\n}\n',
      "b.flow": "flow s$0ub {\n    end\n}\n",
    });
    expect(referencesAt(program, uri, offset).map((l) => render(program, l))).toEqual([
      "a.flow:1 sub",
      "a.flow:3 sub",
      "b.flow:1 sub",
    ]);
  });

  it("gives the type of a variable and of a field access", () => {
    const { program, uri, offset } = workspace({
      "a.flow": 'type Order = { eta: string? }\naction get() -> Order\nflow a {\n    let o = get()\n    say o.et$0a ?? "x"\n}\n',
    });
    expect(typeAt(program, uri, offset)?.text).toBe("string?");
  });

  it("lists flows with their steps, types, actions, tests and context", () => {
    const { program, uri } = workspace({
      "a.flow": 'context { name: string }\ntype T = string\naction x()\nflow f {\n    goto s\n    step s { end }\n}\ntest "t" { start f() }\n$0',
    });
    const symbols = documentSymbols(program.getSourceFile(uri)!);
    expect(symbols.map((s) => `${s.kind} ${s.name}${s.children.length ? ` [${s.children.map((c) => c.name).join(", ")}]` : ""}`)).toEqual([
      "context context [name]",
      "type T",
      "action x",
      "flow f [s]",
      "test t",
    ]);
    expect(workspaceSymbols(program, "S").map((s) => `${s.kind} ${s.name}`)).toEqual(["step s"]);
  });
});
