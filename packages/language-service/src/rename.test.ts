import { builtins, createProgram, primitiveNames, standardActions } from "@fluxo/compiler";
import { describe, expect, it } from "vitest";
import { prepareRename, rename } from "./rename.js";
import { fixture, showWorkspaceEdit } from "./testing.js";

function renamed(source: string, newName: string): string {
  const { program, uri, offset } = fixture(source);
  const edit = rename(program, uri, offset, newName);
  return "error" in edit ? `error: ${edit.error}` : showWorkspaceEdit(program, edit);
}

const files = `// @file main.flow
import { Order, getOrder } from "./orders.flow"
flow a {
    let o = getOrder("1")
    say "{o.status}"
}
// @file orders.flow
type Order = { status: string }
action getOrder(id: string) -> Order
`;

describe("rename", () => {
  it("renames an action across files, in one edit set", () => {
    expect(renamed(files.replace('getOrder("1")', 'get$0Order("1")'), "fetchOrder")).toMatchInlineSnapshot(`
      "// @file main.flow
      import { Order, fetchOrder } from "./orders.flow"
      flow a {
          let o = fetchOrder("1")
          say "{o.status}"
      }
      // @file orders.flow
      type Order = { status: string }
      action fetchOrder(id: string) -> Order
      "
    `);
  });

  it("renames a type, a field and a variable (inside interpolations too)", () => {
    expect(renamed(files.replace("type Order", "type Or$0der"), "Pedido")).toMatchInlineSnapshot(`
      "// @file main.flow
      import { Pedido, getOrder } from "./orders.flow"
      flow a {
          let o = getOrder("1")
          say "{o.status}"
      }
      // @file orders.flow
      type Pedido = { status: string }
      action getOrder(id: string) -> Pedido
      "
    `);
    expect(renamed(files.replace("{o.status}", "{o.sta$0tus}"), "state")).toMatchInlineSnapshot(`
      "// @file main.flow
      import { Order, getOrder } from "./orders.flow"
      flow a {
          let o = getOrder("1")
          say "{o.state}"
      }
      // @file orders.flow
      type Order = { state: string }
      action getOrder(id: string) -> Order
      "
    `);
    expect(renamed(files.replace("{o.status}", "{$0o.status}"), "order")).toMatchInlineSnapshot(`
      "// @file main.flow
      import { Order, getOrder } from "./orders.flow"
      flow a {
          let order = getOrder("1")
          say "{order.status}"
      }
      "
    `);
  });

  it("renames a field in its type, member accesses and record literals, from any of them", () => {
    const source = `// @file main.flow
import { Order, getOrder } from "./orders.flow"
flow a(o: Order?) -> Order {
    var p: Order = { status: "new" }
    if o != null { say o.status }
    return { status: p.status }
}
test "t" {
    mock getOrder returns { status: "x" }
    start a({ status: "y" })
}
// @file orders.flow
type Order = { status: string }
action getOrder(id: string) -> Order
`;
    const expected = renamed(source.replace("type Order = { status", "type Order = { sta$0tus"), "state");
    expect(expected).toMatchInlineSnapshot(`
      "// @file main.flow
      import { Order, getOrder } from "./orders.flow"
      flow a(o: Order?) -> Order {
          var p: Order = { state: "new" }
          if o != null { say o.state }
          return { state: p.state }
      }
      test "t" {
          mock getOrder returns { state: "x" }
          start a({ state: "y" })
      }
      // @file orders.flow
      type Order = { state: string }
      action getOrder(id: string) -> Order
      "
    `);
    expect(renamed(source.replace('{ status: "new" }', '{ st$0atus: "new" }'), "state")).toBe(expected);
    expect(renamed(source.replace('returns { status', 'returns { st$0atus'), "state")).toBe(expected);
  });

  it("renames a flow parameter in the payloads of test events", () => {
    expect(renamed(`flow paid(amo$0unt: number) {\n    trigger event "paid"\n    say "{amount}"\n}\ntest "t" {\n    event "paid" { amount: 3 }\n}\n`, "total")).toMatchInlineSnapshot(`
      "// @file main.flow
      flow paid(total: number) {
          trigger event "paid"
          say "{total}"
      }
      test "t" {
          event "paid" { total: 3 }
      }
      "
    `);
  });

  it("renames a step and a flow", () => {
    expect(renamed(`flow a {\n    goto s$0\n    step s { run b() }\n}\nflow b { end }\n`, "menu")).toMatchInlineSnapshot(`
      "// @file main.flow
      flow a {
          goto menu
          step menu { run b() }
      }
      flow b { end }
      "
    `);
    expect(renamed(`flow a {\n    run b$0()\n}\nflow b { end }\ntest "t" { start b() }\n`, "sub")).toMatchInlineSnapshot(`
      "// @file main.flow
      flow a {
          run sub()
      }
      flow sub { end }
      test "t" { start sub() }
      "
    `);
  });

  it("refuses built-ins, reserved words and names already taken", () => {
    const { program, uri, offset } = fixture(`flow a {\n    say low$0er("A")\n}\n`);
    expect(prepareRename(program, uri, offset)).toMatchInlineSnapshot(`
      {
        "error": "'lower' is a built-in function and cannot be renamed.",
      }
    `);
    expect(renamed(`flow a$0 { end }\n`, "end")).toMatchInlineSnapshot(`"error: 'end' is not a valid name (letters, digits and _, not a reserved word)."`);
    expect(renamed(`flow a$0 { end }\nflow b { end }\n`, "b")).toMatchInlineSnapshot(`"error: 'b' is already declared as a flow."`);
    expect(renamed(`flow a {\n    let x$0 = 1\n    let y = 2\n    say "{x}{y}"\n}\n`, "y")).toMatchInlineSnapshot(`"error: The flow already has a variable 'y'."`);
  });
  it("refuses names the language or a sibling already has (the checker would reject them as taken, FX2006)", () => {
    const source = `context { cidade: string?; uf: string? }
type Cor = "azul" | "verde"
type P = { nome: string; idade: integer }
action saudar(nome: string, apelido: string)
flow a {
    var c: Cor = "azul"
    var p: P = { nome: "a", idade: 1 }
    saudar("x", "y")
    say "{context.cidade}"
}
`;
    const at = (marked: string, newName: string): string => renamed(source.replace(marked, marked.replace(/^(.)/, "$1$$0")), newName);
    expect(at("Cor =", "string")).toMatchInlineSnapshot(`"error: 'string' is a built-in type."`);
    expect(at("Cor =", "email")).toMatchInlineSnapshot(`"error: 'email' is a built-in type."`);
    expect(at("saudar(nome", "tag")).toMatchInlineSnapshot(`"error: 'tag' is a standard action."`);
    expect(at("saudar(nome", "setField")).toMatchInlineSnapshot(`"error: 'setField' is a standard action."`);
    expect(at("saudar(nome", "lower")).toMatchInlineSnapshot(`"error: 'lower' is a built-in function."`);
    expect(at("saudar(nome", "Cor")).toMatchInlineSnapshot(`"error: 'Cor' is already declared as a type."`);
    expect(at("a {", "saudar")).toMatchInlineSnapshot(`"error: 'saudar' is already declared as an action."`);
    expect(at("nome: string;", "idade")).toMatchInlineSnapshot(`"error: The record already has a field 'idade'."`);
    expect(at('nome: "a"', "idade")).toMatchInlineSnapshot(`"error: The record already has a field 'idade'."`);
    expect(at("cidade: string", "uf")).toMatchInlineSnapshot(`"error: The context already has a field 'uf'."`);
    expect(at("cidade}", "uf")).toMatchInlineSnapshot(`"error: The context already has a field 'uf'."`);
    expect(at("apelido: string", "nome")).toMatchInlineSnapshot(`"error: The action already has a parameter 'nome'."`);
    // A free name is still fine.
    expect(at("nome: string;", "sobrenome")).toContain("type P = { sobrenome: string; idade: integer }");
    expect(at("Cor =", "Tom")).toContain(`var c: Tom = "azul"`);
  });

  it("refuses a type or action name exactly when the checker reports its declaration as taken (FX2006)", () => {
    const names = [...primitiveNames, ...standardActions.keys(), ...builtins.keys(), "Tom", "avisar"];
    const disagreements: string[] = [];
    for (const [kind, source, declaration] of [
      ["type", `type Cor$0 = string\nflow a {\n    var c: Cor = "x"\n    say c\n}\n`, (n: string) => `type ${n} = string\n`],
      ["action", `action saudar$0(nome: string)\nflow a {\n    saudar("x")\n}\n`, (n: string) => `action ${n}(nome: string)\n`],
    ] as const) {
      for (const name of names) {
        const refused = renamed(source, name).startsWith("error:");
        const uri = "file:///ws/main.flow";
        const taken = createProgram([{ uri, text: declaration(name) }]).getDiagnostics(uri).some((d) => d.code === "FX2006");
        if (refused !== taken) disagreements.push(`${kind} ${name}: rename ${refused ? "refuses" : "allows"} it, the checker ${taken ? "reports" : "accepts"} it`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
