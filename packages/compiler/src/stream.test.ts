//! The lexer streams chunks of text to the parser (`TokenStream`,
//! `parseInChunks`); a chunk ends after a line break where the lexer is back
//! in its code mode. The result must not depend on where the chunks end:
//! with chunks as small as one line, and on texts made to put block strings,
//! block comments, interpolations, unclosed brackets and deep nesting across
//! line breaks, the tokens, comments, diagnostics and silenced ranges equal
//! those of lexing the whole text at once, and the parse equals the parse of
//! one chunk. Properties with a fixed seed, over the examples, the fixtures
//! and generated texts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixtureSources } from "../test/sources.js";
import { MAX_NESTING, TokenStream } from "./lexer.js";
import { parseInChunks } from "./parser.js";

const seed = 20261207;

const sources = fixtureSources;

/** A long flow: hundreds of chunks of one line, and tokens let go behind the parser. */
function longFlow(steps: number): string {
  const lines = ["context {", "  name: string", "}", "flow long {", "  trigger start", "  var n: integer = 0", "  goto s1"];
  for (let i = 1; i <= steps; i++) {
    lines.push(
      `  step s${i} {`,
      `    say "Step {n} of ${steps}, {context.name}: \\"quoted\\" and {"nested {n + 1}"}"`,
      `    set n = n +`,
      `      1`,
      `    say """`,
      `      block {n}`,
      `      """`,
      `    /* a comment`,
      `       over lines */ choose "Pick (${i})" {`,
      `      option "A", "a" => goto s${i < steps ? i + 1 : 1}`,
      `      option "B" => { say "b"; goto s${i < steps ? i + 1 : 1} }`,
      `    }`,
      `  }`,
    );
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** What a stream of the given chunk size yields, in comparable form, and how many chunks it took. */
function lexInChunks(text: string, chunkSize: number) {
  const stream = new TokenStream(text, "stream.flow", chunkSize);
  let chunks = 0;
  while (stream.next()) chunks++;
  const tokens = stream.tokens.slice(0, stream.count).map((t) => `${t.tokenType.name}@${t.startOffset}:${JSON.stringify(t.image)}`);
  return {
    chunks,
    result: {
      tokens,
      comments: stream.comments,
      diagnostics: stream.diagnostics,
      silenced: stream.silenced,
      semicolons: stream.semicolons,
    },
  };
}

function expectSameAtEveryChunkSize(text: string, sizes = [1, 2, 7, 40, 300]): void {
  const whole = lexInChunks(text, Infinity);
  expect(whole.chunks).toBe(1);
  const parsed = parseInChunks(text, "stream.flow", Infinity);
  for (const size of sizes) {
    expect(lexInChunks(text, size).result, `lexing in chunks of ${size}`).toEqual(whole.result);
    expect(parseInChunks(text, "stream.flow", size), `parsing in chunks of ${size}`).toEqual(parsed);
  }
}

const pieces = [
  "flow", "step", "say", "choose", "option", "goto", "if", "else", "set", "let", "context", "x", "name", "start", "trigger",
  "{", "}", "(", ")", "[", "]", ",", ";", ":", "=>", "+", "-", "==", ".", "?", "??",
  '"', '"""', "\\", "\\n", "\\q", "{6}", "//", "/*", "*/", "///", "42", "5s", "5x", "@", "é",
  "\n", "\n", "\n", "\r\n", "\r", "\n    ", "\n\n  ", " ", "  ", "\t",
];
const soup = fc.array(fc.constantFrom(...pieces), { maxLength: 120 }).map((p) => p.join(""));

describe("the token stream", () => {
  it("lexes and parses the examples and fixtures the same in chunks of any size", () => {
    expect(sources.length).toBeGreaterThan(20);
    for (const text of sources) expectSameAtEveryChunkSize(text);
  });

  it("lexes and parses a long flow the same in chunks, taking one chunk per line at size 1", () => {
    const text = longFlow(60);
    expectSameAtEveryChunkSize(text, [1, 64, 4096]);
    // Not vacuous: the stream really cut the text into many chunks.
    expect(lexInChunks(text, 1).chunks).toBeGreaterThan(300);
  });

  it("keeps block strings, block comments and deep nesting that span a chunk's end whole", () => {
    const deep = "flow f {\n  step s {\n    say " + "(".repeat(MAX_NESTING + 5) + "\n1" + ")".repeat(MAX_NESTING + 5) + "\n  }\n}\n";
    for (const text of [
      'flow f {\n  step s {\n    say """\n      one\n\n      two {\n  1 +\n  2\n  }\n      """\n  }\n}\n',
      "/* open\n\n  still open\n*/ flow f {\n}\n",
      "flow f {\n  step s {\n    say \"\"\"\n never closed\n\n",
      "/* never closed\n\n flow f {}\n",
      "flow f {\n  step s {\n    say f(1,\n    goto s\n  }\n}\n",
      'flow f {\n  step s {\n    say "a {b\n    goto s\n  }\n}\n',
      "// only a comment\n\n// and another\n\nflow f {\n}\n",
      deep,
    ]) {
      expectSameAtEveryChunkSize(text);
    }
  });

  it("lexes and parses generated texts the same in chunks (fast-check, fixed seed)", () => {
    fc.assert(
      fc.property(soup, fc.integer({ min: 1, max: 64 }), (text, size) => {
        expect(lexInChunks(text, size).result).toEqual(lexInChunks(text, Infinity).result);
        expect(parseInChunks(text, "stream.flow", size)).toEqual(parseInChunks(text, "stream.flow", Infinity));
      }),
      { seed, numRuns: 400 },
    );
  });
});
