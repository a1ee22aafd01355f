import { describe, expect, it } from "vitest";
import { getCodeActions } from "./code-actions.js";
import { applyEdits, fixture, showWorkspaceEdit } from "./testing.js";

function fixes(source: string): string[] {
  const { program, uri, ranges } = fixture(source);
  const range = ranges.get(uri)![0]!;
  return getCodeActions(program, uri, range).map((a) => `${a.title}\n${showWorkspaceEdit(program, a.edit)}`);
}

describe("code actions", () => {
  it("declares an unknown variable", () => {
    expect(fixes(`flow a {\n    set <|total|> = 1\n    say "{total}"\n}\n`)).toMatchInlineSnapshot(`
      [
        "Declare variable 'total'
      // @file main.flow
      flow a {
          var total: integer
          set total = 1
          say "{total}"
      }
      ",
      ]
    `);
  });

  it("declares an unknown variable with the type its use expects (string when nothing is known)", () => {
    const declaration = (body: string): string => {
      const { program, uri, ranges } = fixture(`action ac(n: integer)\nflow sub(id: email) { end }\nflow a {\n${body}\n}\n`);
      const action = getCodeActions(program, uri, ranges.get(uri)![0]!).find((a) => a.title.startsWith("Declare variable"));
      return action ? action.edit.changes[uri]![0]!.newText.trim() : "none";
    };
    expect(
      [
        `    if <|ativo|> { end }`,
        `    if not (<|ok|>) { end }`,
        `    if <|a|> and true { end }`,
        `    ac(<|quantidade|>)`,
        `    run sub(<|contato|>)`,
        `    say "{round(<|valor|>)}"`,
        `    say "{lower(<|nome|>)}"`,
        `    ask idade: integer "Idade?" {\n        validate idade > <|minimo|>\n    }`,
        `    var total: integer = 0\n    set total = total + <|extra|>`,
        `    var preco: number = 1.5\n    set preco = <|outro|>`,
        `    var cor: string = "azul"\n    if <|nova|> == cor { end }`,
        `    if 1 in <|lista|> { end }`,
        `    set <|visto|> = true`,
        `    say "{<|texto|>}"`,
      ].map((body) => `${body.split("\n").find((line) => line.includes("<|"))!.trim().replace(/<\||\|>/g, "")} → ${declaration(body)}`),
    ).toMatchInlineSnapshot(`
      [
        "if ativo { end } → var ativo: boolean",
        "if not (ok) { end } → var ok: boolean",
        "if a and true { end } → var a: boolean",
        "ac(quantidade) → var quantidade: integer",
        "run sub(contato) → var contato: email",
        "say "{round(valor)}" → var valor: number",
        "say "{lower(nome)}" → var nome: string",
        "validate idade > minimo → var minimo: integer",
        "set total = total + extra → var extra: integer",
        "set preco = outro → var outro: number",
        "if nova == cor { end } → var nova: string",
        "if 1 in lista { end } → var lista: integer[]",
        "set visto = true → var visto: boolean",
        "say "{texto}" → var texto: string",
      ]
    `);
  });

  it("declares an unknown variable with the type of the declaration the file means, not the project's first of that name", () => {
    const declaration = (source: string): string => {
      const { program, ranges, uriOf } = fixture(source);
      const uri = uriOf("b.flow");
      const action = getCodeActions(program, uri, ranges.get(uri)![0]!).find((a) => a.title.startsWith("Declare variable"));
      return action ? action.edit.changes[uri]![0]!.newText.trim() : "none";
    };
    // b.flow repeats a.flow's names (FX2006 on b.flow's); its own uses still mean its own declarations.
    expect(
      [
        `// @file a.flow\naction ac(n: string)\n// @file b.flow\naction ac(n: integer)\nflow f {\n    ac(<|quantidade|>)\n}\n`,
        `// @file a.flow\nflow sub(id: string) { end }\n// @file b.flow\nflow sub(id: email) { end }\nflow f {\n    run sub(<|contato|>)\n}\n`,
        `// @file a.flow\nflow f -> string {\n    return "a"\n}\n// @file b.flow\nflow f -> integer {\n    return <|total|>\n}\n`,
        // Not imported: the declaration the "Import" fix brings in.
        `// @file a.flow\naction ac(n: integer)\n// @file b.flow\nflow f {\n    ac(<|quantidade|>)\n}\n`,
      ].map(declaration),
    ).toEqual(["var quantidade: integer", "var contato: email", "var total: integer", "var quantidade: integer"]);
  });

  it("creates a missing step", () => {
    expect(fixes(`flow a {\n    goto <|human|>\n}\n`)).toMatchInlineSnapshot(`
      [
        "Create step 'human'
      // @file main.flow
      flow a {
          goto human

          step human {
              end
          }
      }
      ",
      ]
    `);
  });

  it("adds the missing match cases", () => {
    expect(fixes(`type S = "a" | "b" | "c"\nflow a {\n    ask s: S "S?"\n    <|match s|> {\n        "a" => end\n    }\n}\n`)).toMatchInlineSnapshot(`
      [
        "Add missing cases "b", "c"
      // @file main.flow
      type S = "a" | "b" | "c"
      flow a {
          ask s: S "S?"
          match s {
              "a" => end
              "b" => {}
              "c" => {}
          }
      }
      ",
      ]
    `);
  });

  it("imports an unknown name from the file that declares it", () => {
    expect(fixes(`// @file main.flow\n// Header.\n\nflow a {\n    <|notify|>("x")\n}\n// @file notify.flow\naction notify(text: string)\n`)).toMatchInlineSnapshot(`
      [
        "Import 'notify' from "notify.flow"
      // @file main.flow
      // Header.

      import { notify } from "./notify.flow"

      flow a {
          notify("x")
      }
      ",
      ]
    `);
    expect(fixes(`// @file main.flow\nimport { T } from "./lib.flow"\nflow a {\n    run <|sub|>()\n}\n// @file lib.flow\ntype T = string\nflow sub { end }\n`)).toMatchInlineSnapshot(`
      [
        "Import 'sub' from "lib.flow"
      // @file main.flow
      import { T, sub } from "./lib.flow"
      flow a {
          run sub()
      }
      ",
      ]
    `);
  });

  it("a fixed program has no diagnostic left", () => {
    const { program, uri, ranges } = fixture(`type S = "a" | "b"\nflow a {\n    ask s: S "S?"\n    <|match s|> {\n        "a" => say \"x\"\n    }\n    goto human\n}\n`);
    const action = getCodeActions(program, uri, ranges.get(uri)![0]!)[0]!;
    program.setFile({ uri, text: applyEdits(program.getText(uri)!, action.edit.changes[uri]!) });
    expect(program.getDiagnostics(uri).map((d) => d.code)).toEqual(["FX2002"]);
  });
});
