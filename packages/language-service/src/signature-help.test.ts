import { describe, expect, it } from "vitest";
import { getSignatureHelp } from "./signature-help.js";
import { fixture } from "./testing.js";

function help(source: string): string {
  const { program, uri, offset } = fixture(source);
  const result = getSignatureHelp(program, uri, offset);
  return result ? `${result.signature.label} ▸ ${result.signature.params[result.activeParameter]?.label ?? "(none)"}` : "(none)";
}

describe("signature help", () => {
  it("shows the parameter the cursor is at, in an unclosed call", () => {
    expect(help(`action criar(assunto: string, prioridade: "low" | "high") -> { id: string }\nflow a {\n    let t = criar("x", $0\n}\n`)).toMatchInlineSnapshot(`"criar(assunto: string, prioridade: "low" | "high") -> { id: string } ▸ prioridade: "low" | "high""`);
  });

  it("works for built-ins with nested calls, run and standard actions", () => {
    expect(help(`flow a {\n    say fixed(round(1.5), $0)\n}\n`)).toMatchInlineSnapshot(`"fixed(n: number, digits: integer) -> string ▸ digits: integer"`);
    expect(help(`flow sub(a: string, b: integer = 1) { end }\nflow a {\n    run sub($0)\n}\n`)).toMatchInlineSnapshot(`"sub(a: string, b?: integer) ▸ a: string"`);
    expect(help(`flow a {\n    setField("a", "b$0")\n}\n`)).toMatchInlineSnapshot(`"setField(name: string, value: string) ▸ value: string"`);
  });

  it("shows nothing outside calls", () => {
    expect(help(`flow a {\n    say "x"$0\n}\n`)).toBe("(none)");
  });
});
