import { describe, expect, it } from "vitest";
import { getCompletions, type Completions } from "./completion.js";
import { applyEdits, fixture } from "./testing.js";

/** `kind label` of each item, in sort order. */
function complete(source: string): string {
  const { program, uri, offset } = fixture(source);
  return render(getCompletions(program, uri, offset));
}

function render(result: Completions): string {
  const items = [...result.items].sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : 0));
  return items.map((item) => `${item.kind} ${item.label}`).join(", ");
}

const shop = `
/// An order.
type Order = {
    /// Where it is.
    status: "pending" | "shipped"
    eta: string?
}
action getOrder(id: string) -> Order
context { name: string; vip: boolean? }
`;

describe("completion", () => {
  it("offers the steps of the flow after goto", () => {
    expect(complete(`flow a {\n    goto $0\n    step human { end }\n    step menu { end }\n}\nflow b {\n    step other { end }\n}\n`)).toMatchInlineSnapshot(`"step human, step menu"`);
  });

  it("filters by the text before the cursor only, and replaces only that text", () => {
    const { program, uri, offset } = fixture(`flow a {\n    goto me$0xyz\n    step human { end }\n    step menu { end }\n}\n`);
    const result = getCompletions(program, uri, offset);
    expect(render(result)).toMatchInlineSnapshot(`"step menu"`);
    expect(program.getText(uri)!.slice(result.range.start, result.range.end)).toBe("me");
  });

  it("offers flows after run, with an import for flows of other files", () => {
    const { program, uri, offset } = fixture(`// @file main.flow\nimport { sub } from "./other.flow"\nflow a {\n    run $0\n}\n// @file other.flow\nflow sub { end }\nflow far(x: string) { end }\n`);
    const result = getCompletions(program, uri, offset);
    expect(render(result)).toMatchInlineSnapshot(`"flow a, flow sub, flow far"`);
    const far = result.items.find((i) => i.label === "far")!;
    expect(applyEdits(program.getText(uri)!, far.additionalEdits!)).toMatchInlineSnapshot(`
      "import { sub, far } from "./other.flow"
      flow a {
          run 
      }
      "
    `);
  });

  it("offers flows after run on the right of let", () => {
    expect(complete(`flow a {\n    let x = run $0\n}\nflow b -> integer { return 1 }\n`)).toMatchInlineSnapshot(`"flow a, flow b"`);
  });

  it("offers types after a colon", () => {
    expect(complete(`${shop}flow a {\n    ask x: $0\n}\n`)).toMatchInlineSnapshot(`"type Order, type boolean, type date, type email, type integer, type number, type phone, type string, type url"`);
    expect(complete(`${shop}flow a(p: Or$0) { end }\n`)).toMatchInlineSnapshot(`"type Order"`);
  });

  it("offers types after an action's arrow and a type alias's =, where the declaration so far ends before the cursor", () => {
    expect(complete(`${shop}action save(o: Order) -> $0\n`)).toMatchInlineSnapshot(`"type Order, type boolean, type date, type email, type integer, type number, type phone, type string, type url"`);
    expect(complete(`${shop}type Orders = $0\nflow a { end }\n`)).toMatchInlineSnapshot(`"type Order, type Orders, type boolean, type date, type email, type integer, type number, type phone, type string, type url"`);
  });

  it("offers the fields of a record after a dot, with their types", () => {
    const { program, uri, offset } = fixture(`${shop}flow a {\n    let o = getOrder("1")\n    say o.$0\n}\n`);
    const result = getCompletions(program, uri, offset);
    expect(result.items.map((i) => `${i.label}: ${i.detail}${i.documentation ? ` (${i.documentation})` : ""}`)).toMatchInlineSnapshot(`
      [
        "status: "pending" | "shipped" (Where it is.)",
        "eta: string?",
      ]
    `);
  });

  it("keeps the types of variables declared elsewhere in the flow, when only the cursor's step is parsed again", () => {
    expect(complete(`${shop}flow a {\n    let o = getOrder("1")\n    goto s\n    step s {\n        say o.$0\n    }\n}\n`)).toMatchInlineSnapshot(`"field eta, field status"`);
    expect(complete(`${shop}flow a {\n    let o = getOrder("1")\n    goto s\n    step s {\n        match o.status {\n            "shipped" => end\n            $0\n        }\n    }\n}\n`)).toMatchInlineSnapshot(`"case "pending", keyword else"`);
  });

  it("offers the context's fields after context., also inside an interpolation", () => {
    expect(complete(`${shop}flow a {\n    say "Oi, {context.$0}"\n}\n`)).toMatchInlineSnapshot(`"field name, field vip"`);
  });

  it("offers variables in scope, built-ins and values in expressions", () => {
    expect(complete(`flow a(p: string) {\n    ask nome: string "Nome?"\n    if n$0\n}\n`)).toMatchInlineSnapshot(`"variable nome, keyword not, keyword null"`);
    expect(complete(`flow a(p: string) {\n    ask nome: string "Nome?"\n    say "{$0}"\n}\n`)).toMatchInlineSnapshot(`"variable context, variable nome, parameter p, function ceil, function contains, function endsWith, function fixed, function floor, function len, function lower, function matches, function round, function startsWith, function toNumber, function today, function trim, function upper, function withinHours, keyword false, keyword not, keyword null, keyword true"`);
  });

  it("offers actions and run on the right of let", () => {
    expect(complete(`${shop}flow a {\n    let o = get$0\n}\n`)).toMatchInlineSnapshot(`"action getOrder"`);
  });

  it("offers the statement keywords, snippets and actions at the start of a statement", () => {
    expect(complete(`flow a {\n    $0\n}\n`)).toMatchInlineSnapshot(`"action addToList, action removeFromList, action setField, action tag, action untag, keyword ask, keyword choose, keyword end, keyword goto, keyword handoff, keyword if, keyword let, keyword match, keyword random, keyword return, keyword run, keyword say, keyword set, keyword step, keyword trigger, keyword var, keyword wait, snippet ask, snippet choose, snippet match"`);
    expect(complete(`flow a {\n    step s {\n        s$0\n    }\n}\n`)).toMatchInlineSnapshot(`"action setField, keyword say, keyword set"`);
  });

  it("offers declaration keywords at the top level", () => {
    expect(complete(`$0`)).toMatchInlineSnapshot(`"keyword action, keyword context, keyword flow, keyword import, keyword test, keyword type, snippet flow, snippet test"`);
  });

  it("offers clauses inside ask and options inside choose", () => {
    expect(complete(`flow a {\n    ask n: integer "N?" {\n        $0\n    }\n}\n`)).toMatchInlineSnapshot(`"keyword invalid, keyword timeout, keyword validate"`);
    expect(complete(`flow a {\n    choose "Q?" {\n        option "A" => end\n        $0\n    }\n}\n`)).toMatchInlineSnapshot(`"keyword invalid, keyword option, keyword timeout"`);
  });

  it("writes snippets indented relative to the cursor's line, for the client to adjust (LSP adjustIndentation)", () => {
    const { program, uri, offset } = fixture(`flow a {\n    step s {\n        if true {\n            ch$0\n        }\n    }\n}\n`);
    const result = getCompletions(program, uri, offset);
    expect(result.indentation).toBe("            ");
    const choose = result.items.find((i) => i.kind === "snippet" && i.label === "choose")!;
    expect(choose.insertText).toMatchInlineSnapshot(`
      "choose "\${1:question}" {
          option "\${2:Yes}" => \${3:end}
          option "\${4:No}" => \${0:end}
      }"
    `);
    // What a client that adjusts indentation (VS Code, Neovim, Helix) inserts, placeholders filled in.
    const adjusted = choose.insertText.replace(/\n/g, `\n${result.indentation}`).replace(/\$\{\d+:([^}]*)\}/g, "$1");
    expect(applyEdits(program.getText(uri)!, [{ range: result.range, newText: adjusted }])).toMatchInlineSnapshot(`
      "flow a {
          step s {
              if true {
                  choose "question" {
                      option "Yes" => end
                      option "No" => end
                  }
              }
          }
      }
      "
    `);
    for (const item of result.items) expect(item.insertText).not.toMatch(/\n {12}/);
  });

  it("offers the missing cases of a match", () => {
    const { program, uri, offset } = fixture(`${shop}flow a {\n    let o = getOrder("1")\n    match o.status {\n        "pending" => end\n        $0\n    }\n}\n`);
    const result = getCompletions(program, uri, offset);
    expect(result.items.map((i) => `${i.kind} ${i.label} → ${i.insertText}`)).toMatchInlineSnapshot(`
      [
        "case "shipped" → "shipped" => $0",
        "keyword else → else => $0",
      ]
    `);
  });

  it("offers test statements and expect forms in tests", () => {
    expect(complete(`flow a { end }\ntest "t" {\n    $0\n}\n`)).toMatchInlineSnapshot(`"keyword clock, keyword context, keyword event, keyword expect, keyword mock, keyword reply, keyword seed, keyword start, keyword timeout, keyword trigger"`);
    expect(complete(`flow a { end }\ntest "t" {\n    start a()\n    expect $0\n}\n`)).toMatchInlineSnapshot(`"variable context, function ceil, function contains, function endsWith, function fixed, function floor, function len, function lower, function matches, function round, function startsWith, function toNumber, function today, function trim, function upper, function withinHours, keyword action, keyword ask, keyword end, keyword error, keyword false, keyword handoff, keyword media, keyword not, keyword null, keyword say, keyword true, keyword wait"`);
  });

  it("offers the variables of the flow a test started inside expect, with their types", () => {
    const flows = `${shop}flow track(id: string) {\n    let order = getOrder(id) else { end }\n    ask rating: integer "Nota?"\n    end\n}\n`;
    const variablesAt = (source: string): string[] => {
      const { program, uri, offset } = fixture(source);
      return getCompletions(program, uri, offset).items.filter((i) => i.kind === "variable" || i.kind === "parameter").map((i) => `${i.kind} ${i.label}: ${i.detail}`);
    };
    expect(variablesAt(`${flows}test "t" {\n    start track("1")\n    reply "5"\n    expect $0\n}\n`)).toMatchInlineSnapshot(`
      [
        "parameter id: string",
        "variable order: Order",
        "variable rating: integer",
        "variable context: what the host knows about the contact",
      ]
    `);
    expect(variablesAt(`${flows}test "t" {\n    start track("1")\n    expect order.status == "shipped" and ra$0\n}\n`)).toMatchInlineSnapshot(`
      [
        "variable rating: integer",
      ]
    `);
    expect(complete(`${flows}test "t" {\n    start track("1")\n    expect order.$0\n}\n`)).toMatchInlineSnapshot(`"field eta, field status"`);
    // The flow whose keyword the trigger's text matches, declared in another file.
    const keywordFlow = `// @file main.flow\nflow survey {\n    trigger keyword "nota"\n    ask score: integer "Nota?"\n    end\n}\n// @file survey.test.flow\n`;
    expect(variablesAt(`${keywordFlow}test "t" {\n    trigger "quero dar nota"\n    reply "5"\n    expect s$0\n}\n`)).toMatchInlineSnapshot(`
      [
        "variable score: integer",
      ]
    `);
  });

  it("offers no flow variables in expect before the test starts a flow, nor in other test statements", () => {
    const flows = `flow a(p: string) {\n    ask nome: string "Nome?"\n    end\n}\n`;
    expect(complete(`${flows}test "t" {\n    expect n$0\n    start a("x")\n}\n`)).toMatchInlineSnapshot(`"keyword not, keyword null"`);
    expect(complete(`${flows}test "t" {\n    start a("x")\n    reply n$0\n}\n`)).toMatchInlineSnapshot(`"keyword not, keyword null"`);
  });

  it("offers else after the block of an if that has none, and contains after expect say", () => {
    expect(complete(`flow a {\n    if true {\n        end\n    } e$0\n}\n`)).toMatchInlineSnapshot(`"keyword else"`);
    expect(complete(`flow a {\n    if true {\n        end\n    } else if false {\n        end\n    } $0\n}\n`)).toMatchInlineSnapshot(`"keyword else"`);
    expect(complete(`flow a {\n    if true {\n        end\n    } else {\n        end\n    } $0\n}\n`)).toBe("");
    expect(complete(`flow a { end }\ntest "t" {\n    start a()\n    expect say c$0\n}\n`)).toMatchInlineSnapshot(`"variable context, function ceil, function contains, keyword contains"`);
  });

  it("offers trigger kinds after trigger", () => {
    expect(complete(`flow a {\n    trigger $0\n}\n`)).toMatchInlineSnapshot(`"keyword event, keyword keyword, keyword start"`);
  });

  it("offers nothing inside a string's text, a comment, or a new name", () => {
    expect(complete(`flow a {\n    say "ol$0á"\n}\n`)).toBe("");
    expect(complete(`flow a {\n    // go$0\n}\n`)).toBe("");
    expect(complete(`flow a {\n    let no$0\n}\n`)).toBe("");
  });

  it("offers the names of the imported file inside import braces", () => {
    expect(complete(`// @file main.flow\nimport { $0 } from "./other.flow"\n// @file other.flow\nflow sub { end }\naction act()\ntype T = string\n`)).toMatchInlineSnapshot(`"type T, action act, flow sub"`);
  });
});
