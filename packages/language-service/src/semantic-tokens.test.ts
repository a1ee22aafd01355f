import { describe, expect, it } from "vitest";
import { getSemanticTokens } from "./semantic-tokens.js";
import { fixture } from "./testing.js";

describe("semantic tokens", () => {
  it("classifies keywords, names by what they resolve to, strings, numbers and comments", () => {
    const { program, uri } = fixture(`/// Doc.\nflow a(p: string) {\n    let file = 2s\n    tag("x")\n    say "{p} {lower(context.name)}"\n    goto s\n    step s { end }\n}\ncontext { name: string }\n`);
    const text = program.getText(uri)!;
    expect(
      getSemanticTokens(program, uri).map((t) => `${text.slice(t.start, t.start + t.length)}:${t.type}${t.modifiers.length ? `.${t.modifiers.join(".")}` : ""}`),
    ).toMatchInlineSnapshot(`
      [
        "/// Doc.:comment.documentation",
        "flow:keyword",
        "a:function.declaration",
        "p:parameter.declaration",
        "string:type.defaultLibrary",
        "let:keyword",
        "file:variable.declaration",
        "=:operator",
        "2s:number",
        "tag:method.defaultLibrary",
        ""x":string",
        "say:keyword",
        "":string",
        "p:parameter",
        " :string",
        "lower:function.defaultLibrary",
        "context:keyword",
        "name:property.readonly",
        "":string",
        "goto:keyword",
        "s:enumMember",
        "step:keyword",
        "s:enumMember.declaration",
        "end:keyword",
        "context:keyword",
        "name:property.declaration.readonly",
        "string:type.defaultLibrary",
      ]
    `);
  });
});
