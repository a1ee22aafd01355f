import { describe, expect, it } from "vitest";
import { buildFlowGraph, toDot, toMermaid } from "./graph.js";
import { parse } from "./parser.js";

const source = `flow triagem {
    trigger keyword "suporte"
    choose "Qual o problema?" {
        option "Conexão", "wifi" => goto conexao
        option "Outro" => handoff to "Suporte"
        invalid "Escolha pelo número." retries 1 => end
    }
    step conexao {
        ask ok: boolean "Reiniciou o roteador?"
        if ok { end } else { handoff to "Suporte" }
    }
}
`;

describe("flow graph", () => {
  const { file } = parse(source);
  const graph = buildFlowGraph(file, source);

  it("draws questions, options, steps, branches and ends", () => {
    expect(toMermaid(graph)).toMatchInlineSnapshot(`
      "flowchart TD
        n1(["triagem (#quot;suporte#quot;)"])
        n2["step conexao"]
        n3{{"choose: Qual o problema?"}}
        n4>"handoff to Suporte"]
        n5(("end"))
        n6{{"ask ok: boolean Reiniciou o roteador?"}}
        n7{"if ok"}
        n8(("end"))
        n9>"handoff to Suporte"]
        n1 --> n3
        n3 -->|"Conexão"| n2
        n3 -->|"Outro"| n4
        n3 -->|"invalid"| n5
        n2 --> n6
        n6 --> n7
        n7 -->|"yes"| n8
        n7 -->|"no"| n9
      "
    `);
  });

  it("renders Graphviz with escaped labels", () => {
    const dot = toDot(graph);
    expect(dot).toContain('n1 [label="triagem (\\"suporte\\")", shape=oval];');
    expect(dot).toContain('n3 -> n2 [label="Conexão"];');
  });
});
