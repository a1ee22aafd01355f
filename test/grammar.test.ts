//! Tests of the TextMate grammar (`grammar/fluxo.tmLanguage.json`, TOOLING
//! §3), tokenised with vscode-textmate and vscode-oniguruma as VS Code does:
//!
//! - the JSON is the one generated from `grammar/src/fluxo.grammar.mjs`, and
//!   every regular expression in it compiles with Oniguruma;
//! - its word lists match the compiler's reserved and contextual words;
//! - focused samples, with inline expectations (`token ▸ innermost scope`);
//! - golden files: `grammar/test/fixtures/*.flow` rendered as
//!   `token ▸ scopes` beside them (`*.flow.tokens`, accepted with `pnpm test -u`);
//! - the seed examples agree with the compiler's own lexer: keywords,
//!   strings, numbers and comments get the scopes their tokens call for,
//!   nothing is marked invalid, and every region closes.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { contextualWords, reservedWords } from "../packages/compiler/src/tokens.js";
import { tokenize as lex } from "../packages/compiler/src/lexer.js";
import { grammar, primitiveTypes, reservedWordScopes } from "../grammar/src/fluxo.grammar.mjs";
import { grammarJson, grammarPath } from "../grammar/scripts/generate.mjs";
import { compileRegExp, innermostScopes, loadGrammar, renderTokens, tokenize, tokenizeDocument, type Token } from "../grammar/test/textmate.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const fixtures = path.join(repoRoot, "grammar/test/fixtures");
const examples = path.join(repoRoot, "examples");

/** Scopes of the tokens of a one-line sample whose text is `text` (the first such token). */
async function scopesOf(sample: string, text: string): Promise<string[]> {
  const token = (await tokenize(sample)).flat().find((t) => t.text === text);
  if (!token) throw new Error(`no token '${text}' in ${JSON.stringify(sample)}`);
  return token.scopes;
}

describe("grammar file", () => {
  it("is generated from its source (run `node grammar/scripts/generate.mjs` after editing it)", () => {
    expect(readFileSync(grammarPath, "utf8")).toBe(grammarJson());
  });

  it("names the scope source.fluxo and the .flow file type", () => {
    const json = JSON.parse(readFileSync(grammarPath, "utf8"));
    expect(json.scopeName).toBe("source.fluxo");
    expect(json.fileTypes).toEqual(["flow"]);
  });

  it("has only regular expressions that Oniguruma compiles", async () => {
    await loadGrammar(); // loads the WASM engine
    const sources: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) {
          if ((key === "match" || key === "begin" || key === "end") && typeof inner === "string") sources.push(inner);
          else walk(inner);
        }
      }
    };
    walk(grammar);
    expect(sources.length).toBeGreaterThan(50);
    for (const source of sources) {
      expect(() => compileRegExp(source), source).not.toThrow();
    }
  });

  it("lists exactly the compiler's reserved words", () => {
    const listed = Object.values(reservedWordScopes).flat();
    expect([...listed].sort()).toEqual([...reservedWords].sort());
  });

  it("covers every include with a repository entry", () => {
    const json = JSON.parse(readFileSync(grammarPath, "utf8"));
    const includes = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) {
          if (key === "include" && typeof inner === "string") includes.add(inner);
          else walk(inner);
        }
      }
    };
    walk(json);
    for (const include of includes) {
      expect(include.startsWith("#") ? Object.keys(json.repository) : ["$self", "source.fluxo"]).toContain(include.replace(/^#/, ""));
    }
  });
});

describe("words", () => {
  it("scopes every reserved word as a keyword, a storage type or a constant", async () => {
    for (const word of reservedWords) {
      const [scope] = (await scopesOf(`${word}`, word)).slice(-1);
      expect(scope, word).toMatch(/^(keyword\.(control|other|operator)|storage\.type|constant\.language)\./);
    }
  });

  it("scopes contextual words as plain names in expressions", async () => {
    for (const word of contextualWords) {
      expect(await scopesOf(`let v = ${word} + 1`, word), word).toEqual(["variable.other.readwrite.fluxo"]);
    }
  });

  it("scopes reserved words used as field names as properties", async () => {
    expect(await scopesOf("let t = order.type", "type")).toEqual(["variable.other.property.fluxo"]);
    expect(await scopesOf("let t = order?.end", "end")).toEqual(["variable.other.property.fluxo"]);
    expect(await scopesOf("let t = { end: 1 }", "end")).toContain("variable.other.property.fluxo");
  });

  it("scopes the primitive types as support.type and aliases as entity.name.type", async () => {
    for (const type of primitiveTypes) {
      expect(await scopesOf(`var x: ${type}`, type), type).toContain("support.type.primitive.fluxo");
    }
    expect(await scopesOf("var x: Order", "Order")).toContain("entity.name.type.fluxo");
  });
});

describe("focused samples", () => {
  it("interpolation embeds expressions, nested strings included", async () => {
    expect(await renderTokens(`say "Oi {a ?? "x"}!"`)).toMatchInlineSnapshot(`
      "say "Oi {a ?? "x"}!"
          say ▸ keyword.control.conversation
          " ▸ string.quoted.double punctuation.definition.string.begin
          Oi ▸ string.quoted.double
          { ▸ string.quoted.double punctuation.section.interpolation.begin
          a ▸ string.quoted.double meta.embedded.line variable.other.readwrite
          ?? ▸ string.quoted.double meta.embedded.line keyword.operator.nullish-coalescing
          " ▸ string.quoted.double meta.embedded.line string.quoted.double punctuation.definition.string.begin
          x ▸ string.quoted.double meta.embedded.line string.quoted.double
          " ▸ string.quoted.double meta.embedded.line string.quoted.double punctuation.definition.string.end
          } ▸ string.quoted.double punctuation.section.interpolation.end
          ! ▸ string.quoted.double
          " ▸ string.quoted.double punctuation.definition.string.end
      "
    `);
  });

  it("keeps `{` followed by a digit, and a lone `}`, as text", async () => {
    expect(await innermostScopes(`"^[0-9]{6}$ } {(2 * n)}"`)).toMatchInlineSnapshot(`
      [
        "" ▸ punctuation.definition.string.begin",
        "^[0-9]{6}$ } ▸ string.quoted.double",
        "{ ▸ punctuation.section.interpolation.begin",
        "( ▸ punctuation.section.parens.begin",
        "2 ▸ constant.numeric.decimal",
        "* ▸ keyword.operator.arithmetic",
        "n ▸ variable.other.readwrite",
        ") ▸ punctuation.section.parens.end",
        "} ▸ punctuation.section.interpolation.end",
        "" ▸ punctuation.definition.string.end",
      ]
    `);
  });

  it("marks valid and invalid escapes", async () => {
    expect(await innermostScopes(String.raw`"\" \\ \n \t \{ \} \u{1F600} \q \u{110000}"`)).toMatchInlineSnapshot(`
      [
        "" ▸ punctuation.definition.string.begin",
        "\\" ▸ constant.character.escape",
        "\\\\ ▸ constant.character.escape",
        "\\n ▸ constant.character.escape",
        "\\t ▸ constant.character.escape",
        "\\{ ▸ constant.character.escape",
        "\\} ▸ constant.character.escape",
        "\\u{1F600} ▸ constant.character.escape",
        "\\q ▸ invalid.illegal.escape",
        "\\u{110000} ▸ invalid.illegal.escape",
        "" ▸ punctuation.definition.string.end",
      ]
    `);
  });

  it("ends a one-line string, and an interpolation in it, with the line", async () => {
    const lines = await tokenize(`say "open {name\nsay x`);
    expect(lines[1]!.map((t) => `${t.text} ▸ ${t.scopes.at(-1) ?? "∅"}`)).toMatchInlineSnapshot(`
      [
        "say ▸ keyword.control.conversation.fluxo",
        "  ▸ ∅",
        "x ▸ variable.other.readwrite.fluxo",
      ]
    `);
  });

  it("runs a block string over lines, with interpolations", async () => {
    expect(await innermostScopes(`say """\n  a "b" {c}\n  """\nend`)).toMatchInlineSnapshot(`
      [
        "say ▸ keyword.control.conversation",
        """" ▸ punctuation.definition.string.begin",
        "a "b" ▸ string.quoted.triple",
        "{ ▸ punctuation.section.interpolation.begin",
        "c ▸ variable.other.readwrite",
        "} ▸ punctuation.section.interpolation.end",
        """" ▸ punctuation.definition.string.end",
        "end ▸ keyword.control.flow",
      ]
    `);
  });

  it("scopes durations, numbers and invalid numbers", async () => {
    expect(await innermostScopes("wait 500ms; wait 1.5h; let x = 3.14 + 42 + 5min")).toMatchInlineSnapshot(`
      [
        "wait ▸ keyword.control.conversation",
        "500 ▸ constant.numeric.duration",
        "ms ▸ keyword.other.unit",
        "; ▸ punctuation.terminator.statement",
        "wait ▸ keyword.control.conversation",
        "1.5 ▸ constant.numeric.duration",
        "h ▸ keyword.other.unit",
        "; ▸ punctuation.terminator.statement",
        "let ▸ storage.type.let",
        "x ▸ variable.other.readwrite",
        "= ▸ keyword.operator.assignment",
        "3.14 ▸ constant.numeric.decimal",
        "+ ▸ keyword.operator.arithmetic",
        "42 ▸ constant.numeric.decimal",
        "+ ▸ keyword.operator.arithmetic",
        "5min ▸ invalid.illegal.numeric",
      ]
    `);
  });

  it("scopes the three kinds of comment", async () => {
    expect(await innermostScopes("/// doc\n// line\n/* block\n still */ end")).toMatchInlineSnapshot(`
      [
        "/// ▸ punctuation.definition.comment",
        "doc ▸ comment.line.documentation",
        "// ▸ punctuation.definition.comment",
        "line ▸ comment.line.double-slash",
        "/* ▸ punctuation.definition.comment.begin",
        "block ▸ comment.block",
        "still ▸ comment.block",
        "*/ ▸ punctuation.definition.comment.end",
        "end ▸ keyword.control.flow",
      ]
    `);
  });

  it("gives an option's label its own scope, not its aliases", async () => {
    expect(await innermostScopes(`option "Sim", "s" => goto a`)).toMatchInlineSnapshot(`
      [
        "option ▸ keyword.control.conversation",
        "" ▸ punctuation.definition.string.begin",
        "Sim ▸ string.quoted.double.option-label",
        "" ▸ punctuation.definition.string.end",
        ", ▸ punctuation.separator.comma",
        "" ▸ punctuation.definition.string.begin",
        "s ▸ string.quoted.double",
        "" ▸ punctuation.definition.string.end",
        "=> ▸ keyword.operator.arrow",
        "goto ▸ keyword.control.flow",
        "a ▸ entity.name.function.step",
      ]
    `);
  });

  it("scopes declarations' names and types after : and ->", async () => {
    expect(await innermostScopes(`action get(id: string, n: Size?) -> Order[] timeout 5s`)).toMatchInlineSnapshot(`
      [
        "action ▸ storage.type.action",
        "get ▸ entity.name.function.action",
        "( ▸ punctuation.definition.parameters.begin",
        "id ▸ variable.parameter",
        ": ▸ punctuation.separator.type-annotation",
        "string ▸ support.type.primitive",
        ", ▸ punctuation.separator.comma",
        "n ▸ variable.parameter",
        ": ▸ punctuation.separator.type-annotation",
        "Size ▸ entity.name.type",
        "? ▸ keyword.operator.type.optional",
        ") ▸ punctuation.definition.parameters.end",
        "-> ▸ punctuation.separator.return-type",
        "Order ▸ entity.name.type",
        "[] ▸ keyword.operator.type.list",
        "timeout ▸ keyword.other.timeout",
        "5 ▸ constant.numeric.duration",
        "s ▸ keyword.other.unit",
      ]
    `);
    expect(await innermostScopes(`flow f(p: integer = 1) -> { id: string } {`)).toMatchInlineSnapshot(`
      [
        "flow ▸ storage.type.flow",
        "f ▸ entity.name.function.flow",
        "( ▸ punctuation.definition.parameters.begin",
        "p ▸ variable.parameter",
        ": ▸ punctuation.separator.type-annotation",
        "integer ▸ support.type.primitive",
        "= ▸ keyword.operator.assignment",
        "1 ▸ constant.numeric.decimal",
        ") ▸ punctuation.definition.parameters.end",
        "-> ▸ punctuation.separator.return-type",
        "{ ▸ punctuation.definition.block.begin",
        "id ▸ variable.other.property",
        ": ▸ punctuation.separator.type-annotation",
        "string ▸ support.type.primitive",
        "} ▸ punctuation.definition.block.end",
        "{ ▸ punctuation.definition.block.begin",
      ]
    `);
    expect(await innermostScopes(`ask x: "a" | "b" "Prompt?"`)).toMatchInlineSnapshot(`
      [
        "ask ▸ keyword.control.conversation",
        "x ▸ variable.other.readwrite",
        ": ▸ punctuation.separator.type-annotation",
        "" ▸ punctuation.definition.string.begin",
        "a ▸ string.quoted.double",
        "" ▸ punctuation.definition.string.end",
        "| ▸ keyword.operator.type.union",
        "" ▸ punctuation.definition.string.begin",
        "b ▸ string.quoted.double",
        "" ▸ punctuation.definition.string.end",
        "" ▸ punctuation.definition.string.begin",
        "Prompt? ▸ string.quoted.double",
        "" ▸ punctuation.definition.string.end",
      ]
    `);
  });

  it("scopes step names where declared and where jumped to", async () => {
    expect(await innermostScopes(`step human { goto human }`)).toMatchInlineSnapshot(`
      [
        "step ▸ storage.type.step",
        "human ▸ entity.name.function.step",
        "{ ▸ punctuation.definition.block.begin",
        "goto ▸ keyword.control.flow",
        "human ▸ entity.name.function.step",
        "} ▸ punctuation.definition.block.end",
      ]
    `);
  });
});

describe("golden files", () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".flow"));
  it.each(files)("%s", async (file) => {
    const text = readFileSync(path.join(fixtures, file), "utf8");
    await expect(await renderTokens(text)).toMatchFileSnapshot(path.join(fixtures, `${file}.tokens`));
  });
});

/** The token of `lines` that covers `offset` of `text`. */
function tokenAt(text: string, lines: Token[][], offset: number): Token {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  const column = offset - (before.lastIndexOf("\n") + 1);
  let start = 0;
  for (const token of lines[line]!) {
    if (column < start + token.text.length) return token;
    start += token.text.length;
  }
  throw new Error(`no token at ${line + 1}:${column + 1}`);
}

describe("seed examples", () => {
  const files = readdirSync(examples).filter((f) => f.endsWith(".flow"));

  it("has examples to check", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)("%s agrees with the compiler's lexer", async (file) => {
    const text = readFileSync(path.join(examples, file), "utf8").replace(/\r\n?/g, "\n");
    const { lines, endDepth } = await tokenizeDocument(text);
    // Every region closes, and nothing valid is marked invalid or left unscoped.
    expect(endDepth).toBe(1);
    for (const [i, line] of lines.entries()) {
      for (const token of line) {
        if (token.text.trim() === "") continue;
        expect(token.scopes.length, `${file}:${i + 1} '${token.text}'`).toBeGreaterThan(0);
        expect(token.scopes.join(" "), `${file}:${i + 1} '${token.text}'`).not.toMatch(/invalid\.illegal/);
      }
    }

    const lexed = lex(text, file);
    for (const comment of lexed.comments) {
      const scopes = tokenAt(text, lines, comment.start + 1).scopes.join(" ");
      expect(scopes, comment.text).toContain(comment.style === "doc" ? "comment.line.documentation" : comment.style === "block" ? "comment.block" : "comment.line.double-slash");
    }
    for (const token of lexed.tokens) {
      if (!token || token.image.trim() === "") continue; // newlines and zero-width recovery tokens
      const name = token.tokenType.name;
      const where = `${file} offset ${token.startOffset} '${token.image}' (${name})`;
      const scopes = tokenAt(text, lines, token.startOffset + token.image.length - token.image.trimStart().length).scopes;
      const innermost = scopes.filter((s) => !s.startsWith("meta.") || s.startsWith("meta.embedded")).at(-1) ?? "";
      const fieldName = /[.?]\s*$/.test(text.slice(0, token.startOffset)) || /^\s*:/.test(text.slice(token.endOffset + 1));
      if ((reservedWords as readonly string[]).includes(token.image) && !fieldName) {
        expect(innermost, where).toMatch(/^(keyword|storage\.type|constant\.language|variable\.language)\./);
      } else if (name === "Identifier" && !fieldName) {
        expect(innermost, where).toMatch(/^(variable|entity\.name|support\.(function|type))\./);
      } else if (name === "PlainNumber") {
        expect(innermost, where).toBe("constant.numeric.decimal.fluxo");
      } else if (name === "Duration") {
        expect(scopes, where).toContain("constant.numeric.duration.fluxo");
      } else if (name === "SimpleString" || name === "StringText" || name === "BlockStringText") {
        expect(scopes.join(" "), where).toMatch(/string\.quoted\.(double|triple)/);
      }
    }
  });

  it("tokenises a large file quickly (no runaway backtracking)", async () => {
    const text = files.map((f) => readFileSync(path.join(examples, f), "utf8")).join("\n").repeat(10);
    const started = performance.now();
    const { endDepth } = await tokenizeDocument(text);
    expect(endDepth).toBe(1);
    expect(text.split("\n").length).toBeGreaterThan(5000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
