import { describe, expect, it } from "vitest";
import { emitJson } from "./emit-json.js";
import { lowerProgram } from "./lower-ir.js";
import { createProgram } from "./program.js";

function bundleOf(text: string) {
  const program = createProgram([{ uri: "file:///p/main.flow", text }], { locale: "pt-BR", timeZone: "America/Sao_Paulo" });
  expect(program.getDiagnostics().filter((d) => d.severity === "error")).toEqual([]);
  return lowerProgram(program, { sourceName: (uri) => uri.replace("file:///p/", "") });
}

/** One instruction a line: `pc op …` with jumps shown as targets. */
function listing(code: readonly object[]): string {
  return code.map((instruction, pc) => `${pc} ${JSON.stringify(instruction)}`).join("\n");
}

describe("lowering to the bundle IR", () => {
  it("lays out questions, arms, calls with else, branches and gotos with patched jumps", () => {
    const bundle = bundleOf(`
action getOrder(id: string) -> string
flow f {
    trigger keyword "Pedido!"
    ask n: integer "Número?" {
        invalid "De novo" retries 1 => goto human
    }
    let s = getOrder("{n}") else {
        goto human
    }
    if s == "ok" {
        say "ok"
    } else {
        say "não"
    }
    end
    step human {
        handoff to "Suporte"
    }
}
`);
    const flow = bundle.flows["f"]!;
    expect(flow.triggers).toEqual([{ keyword: ["pedido"] }]);
    expect(flow.steps).toEqual({ "": 0, human: 13 });
    expect(flow.vars).toEqual({ n: "integer", s: "string" });
    expect(listing(flow.code)).toMatchInlineSnapshot(`
      "0 {"op":"ask","var":"n","prompt":["lit","Número?"],"input":{"type":"integer"},"validate":null,"invalid":{"message":["lit","De novo"],"retries":1,"then":2},"timeout":null}
      1 {"op":"jump","to":4}
      2 {"op":"jump","to":13}
      3 {"op":"jump","to":4}
      4 {"op":"call","action":"getOrder","args":[["str",["var","n"]]],"var":"s","else":6}
      5 {"op":"jump","to":7}
      6 {"op":"jump","to":13}
      7 {"op":"branch","cond":["==",["var","s"],["lit","ok"]],"else":10}
      8 {"op":"say","text":["lit","ok"]}
      9 {"op":"jump","to":11}
      10 {"op":"say","text":["lit","não"]}
      11 {"op":"end"}
      12 {"op":"return","value":null}
      13 {"op":"handoff","department":["lit","Suporte"]}
      14 {"op":"return","value":null}"
    `);
    expect(flow.map[0]).toEqual([0, 5, 5]);
  });

  it("is deterministic and versioned by content", () => {
    const source = 'flow a {\n    say "oi"\n}\n';
    const first = emitJson(bundleOf(source));
    expect(emitJson(bundleOf(source))).toBe(first);
    const other = emitJson(bundleOf(source.replace("oi", "olá")));
    expect(JSON.parse(other).version).not.toBe(JSON.parse(first).version);
    expect(JSON.parse(first).format).toBe("fluxo.bundle/1");
  });

  it("keeps standard actions, declared actions with HTTP templates, and types", () => {
    const bundle = bundleOf(`
type Order = { status: "a" | "b"; eta: string? }
action getOrder(id: string) -> Order = http GET "https://api.example/orders/{id}" {
    header "Authorization" = "Bearer {secret("TOKEN")}"
}
flow f {
    let o = getOrder("1") else { end }
    say o.status
}
`);
    expect(bundle.types["Order"]).toEqual({ record: { status: { union: [{ literal: "a" }, { literal: "b" }] }, eta: { union: ["string", "null"] } } });
    expect(bundle.actions["getOrder"]!.http).toMatchObject({ method: "GET", origin: "https://api.example" });
    expect(bundle.actions["tag"]).toMatchObject({ standard: true, result: null });
  });
});
