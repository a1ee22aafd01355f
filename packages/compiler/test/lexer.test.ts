//! The lexer (LANGUAGE §2): how newlines are shaped into statement separators,
//! how numbers and durations are typed, which words are keywords, and the
//! lexical diagnostics. Expectations are compact renderings of the token
//! stream (`⏎` for a Newline token), written as tables.

import { tokenize } from "@fluxo/compiler";
import type { IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// Token types are compared by name: the test sees the compiler through its
// public entry point, which does not export the token objects.

/** LANGUAGE §2, reserved words. */
const reservedWords = (
  "flow step context type action import from test trigger keyword event say ask choose option match if else goto " +
  "run return end handoff to wait random let set var validate invalid retries timeout true false null and or not " +
  "in mock returns fails reply expect"
).split(" ");

/** LANGUAGE §2, contextual words. */
const contextualWords = (
  "start label header body http GET POST PUT PATCH DELETE image video audio file caption media options contains " +
  "clock seed error"
).split(" ");

/** The name of a token's type and of every category it belongs to. */
function typeNames(token: IToken | undefined): string[] {
  if (!token) return [];
  const categories = (token.tokenType as { CATEGORIES?: { name: string }[] }).CATEGORIES ?? [];
  return [token.tokenType.name, ...categories.map((c) => c.name)];
}

/** Token images separated by spaces; a Newline token is `⏎`. */
function shape(text: string): string {
  return tokenize(text).tokens.map(image).join(" ");
}

function image(token: IToken): string {
  return token.tokenType.name === "Newline" ? "⏎" : token.image;
}

/** `image:TokenType` for each token. */
function typed(text: string): string {
  return tokenize(text)
    .tokens.map((t) => `${image(t)}:${t.tokenType.name}`)
    .join(" ");
}

/** `CODE@offset` for each lexical diagnostic. */
function lexicalDiagnostics(text: string): string[] {
  return tokenize(text).diagnostics.map((d) => `${d.code}@${d.range.start}-${d.range.end}`);
}

describe("newline shaping", () => {
  it.each([
    // Newlines end statements…
    ["a\nb", "a ⏎ b"],
    ["a\r\nb", "a ⏎ b"],
    ["a\rb", "a ⏎ b"],
    // …and a run of them is one separator; none at the start of the file.
    ["a\n\n\r\n\nb", "a ⏎ b"],
    ["\n\n a", "a"],
    ["a // comment\n\nb", "a ⏎ b"],
    ["a\n// comment\nb", "a ⏎ b"],
    // A newline before an operator ends the statement: only one after it continues.
    ["a\n+ b", "a ⏎ + b"],
    // Kept after words and punctuation that are not binary operators.
    ["x =>\ny", "x => ⏎ y"],
    ["let x =\n1", "let x = ⏎ 1"],
    ["not\nx", "not ⏎ x"],
    ["a.\nb", "a . ⏎ b"],
    ["f: T ->\nU", "f : T -> ⏎ U"],
    ["say x\n}", "say x ⏎ }"],
    // Kept inside braces: blocks and record literals separate their items with them.
    ["{\na\n}", "{ ⏎ a ⏎ }"],
    ["f({\na: 1\n})", "f ( { ⏎ a : 1 ⏎ } )"],
  ])("%j → %s", (text, expected) => {
    expect(shape(text)).toBe(expected);
  });

  it.each([
    ["f(a,\nb)", "f ( a , b )"],
    ["f(\na\n)", "f ( a )"],
    ["[1\n, 2\n]", "[ 1 , 2 ]"],
    ["(a\nand b)", "( a and b )"],
    ["[\n[\n1\n]\n]", "[ [ 1 ] ]"],
    ["f(a) ?? g(\nb\n)\nnext", "f ( a ) ?? g ( b ) ⏎ next"],
  ])("drops newlines inside ( ) and [ ]: %j", (text, expected) => {
    expect(shape(text)).toBe(expected);
  });

  it.each(["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "??", "and", "or", "in", "|", ","])(
    "drops a newline after %s",
    (operator) => {
      expect(shape(`a ${operator}\n  b`)).toBe(`a ${operator} b`);
      expect(shape(`a ${operator}\n\n\n  b`)).toBe(`a ${operator} b`);
      expect(shape(`a ${operator} // comment\n  b`)).toBe(`a ${operator} b`);
    },
  );

  it("drops newlines inside an interpolation of a block string", () => {
    expect(shape('"""\n{a +\nb}\n"""')).toBe('""" \n { a + b } \n """');
    expect(shape('"""{f(\na)}"""')).toBe('""" { f ( a ) } """');
  });

  it("keeps the newline before a statement word after an unclosed ( or [", () => {
    // A word that only starts a statement (or a declaration) after a newline
    // means the bracket was never closed: the newline ends the statement.
    expect(shape("f(a\nsay x")).toBe("f ( a ⏎ say x");
    expect(shape("[1\nend")).toBe("[ 1 ⏎ end");
    expect(shape("[1\nlet x")).toBe("[ 1 ⏎ let x");
    expect(shape("f(a\nif x")).toBe("f ( a ⏎ if x");
    expect(shape("f(a\nstep s")).toBe("f ( a ⏎ step s");
    expect(shape("f(a\nflow b")).toBe("f ( a ⏎ flow b");
    // A word that can continue an expression never ends the bracket, nor does
    // a contextual word (it may be a name).
    expect(shape("f(a\nx)")).toBe("f ( a x )");
    expect(shape("f(a\nnot x)")).toBe("f ( a not x )");
    expect(shape("f(a\ntrue)")).toBe("f ( a true )");
    expect(shape("f(a\nlabel)")).toBe("f ( a label )");
  });
});

describe("numbers and durations", () => {
  it.each([
    ["42", "42:PlainNumber"],
    ["0", "0:PlainNumber"],
    ["3.14", "3.14:PlainNumber"],
    ["500ms", "500ms:Duration"],
    ["5s", "5s:Duration"],
    ["10m", "10m:Duration"],
    ["2h", "2h:Duration"],
    ["1d", "1d:Duration"],
    ["1.5s", "1.5s:Duration"],
    ["0ms", "0ms:Duration"],
    // Only digits with an optional fraction make a number: `.` and `-` are their own tokens.
    ["1.", "1:PlainNumber .:Dot"],
    [".5", ".:Dot 5:PlainNumber"],
    ["1.5.2", "1.5:PlainNumber .:Dot 2:PlainNumber"],
    ["-1", "-:Minus 1:PlainNumber"],
    ["1..2", "1:PlainNumber .:Dot .:Dot 2:PlainNumber"],
    // Letters, digits or `_` glued to a number make one token.
    ["a1 _2", "a1:Identifier _2:Identifier"],
  ])("%s → %s", (text, expected) => {
    expect(typed(text)).toBe(expected);
    expect(lexicalDiagnostics(text)).toEqual([]);
  });

  it.each(["5x", "10_000", "1e3", "0x1F", "2sec", "5mss", "5S", "1.5kg", "3mins", "1_0", "7days"])(
    "%s is one invalid number, reported once (FX1004)",
    (text) => {
      expect(typed(text)).toBe(`${text}:InvalidNumber`);
      expect(lexicalDiagnostics(`wait ${text} + 1`)).toEqual([`FX1004@5-${5 + text.length}`]);
    },
  );

  it.each([
    // Integers above 2^53 - 1 would change value in the bundle; a number that overflows to Infinity has no JSON form.
    ["9007199254740992", "integer is at most 9007199254740991"],
    ["123456789012345678901234567890", "integer is at most 9007199254740991"],
    [`1${"0".repeat(400)}.5`, "number is at most about 1.8e308"],
    ["104249992d", "duration is at most 9007199254740991 ms"],
    ["9007199254740992ms", "duration is at most 9007199254740991 ms"],
  ])("%s is out of range: one invalid number (FX1004)", (text, limit) => {
    expect(typed(text)).toBe(`${text}:InvalidNumber`);
    const { diagnostics } = tokenize(`wait ${text}`);
    expect(diagnostics.map((d) => `${d.code}@${d.range.start}-${d.range.end}`)).toEqual([`FX1004@5-${5 + text.length}`]);
    expect(diagnostics[0]!.message).toContain(`too large (a${limit.startsWith("integer") ? "n" : ""} ${limit})`);
  });

  it.each(["9007199254740991", "000000000000000000042", `${"9".repeat(300)}.5`, "104249991d", "9007199254740991ms"])(
    "%s is in range",
    (text) => {
      expect(typed(text)).toMatch(/:(PlainNumber|Duration)$/);
      expect(lexicalDiagnostics(text)).toEqual([]);
    },
  );

  it("types an invalid number as both a number and a duration, so no other error follows", () => {
    const [token] = tokenize("5x").tokens;
    expect(typeNames(token)).toEqual(expect.arrayContaining(["InvalidNumber", "NumberLiteral", "DurationLiteral"]));
  });

  it("says whether an invalid token looks like a duration or a number", () => {
    const message = (text: string): string => tokenize(text).diagnostics[0]?.message ?? "";
    expect(message("5x")).toMatch(/^invalid duration '5x'/);
    expect(message("3mins")).toMatch(/^invalid duration '3mins'/);
    expect(message("10_000")).toMatch(/^invalid number '10_000'/);
  });
});

describe("words", () => {
  const keywordType = (word: string): string => `Kw${word[0]!.toUpperCase()}${word.slice(1)}`;

  it("knows every reserved word as a keyword that is not a name", () => {
    const kinds = reservedWords.map((word) => {
      const tokens = tokenize(word).tokens;
      return `${word}: ${tokens.length === 1 ? typeNames(tokens[0]).filter((n) => n === keywordType(word) || n === "Identifier").join(" ") : "several tokens"}`;
    });
    expect(kinds).toEqual(reservedWords.map((word) => `${word}: ${keywordType(word)}`));
  });

  it("knows every contextual word as a keyword that is also a name", () => {
    const kinds = contextualWords.map((word) => {
      const tokens = tokenize(word).tokens;
      return `${word}: ${tokens.length === 1 ? typeNames(tokens[0]).filter((n) => n === keywordType(word) || n === "Identifier").join(" ") : "several tokens"}`;
    });
    expect(kinds).toEqual(contextualWords.map((word) => `${word}: ${keywordType(word)} Identifier`));
  });

  it.each([
    "input", "endsWith", "invalidX", "flows", "steps", "iff", "toNumber", "Flow", "END", "True", "trueish", "null_",
    "mockery", "returnsX", "_start", "startx", "contains2", "Get", "get", "tests", "x", "_",
  ])("%s is an identifier", (word) => {
    expect(typed(word)).toBe(`${word}:Identifier`);
  });

  it("splits words at characters that cannot be in an identifier", () => {
    expect(typed("end-user")).toBe("end:KwEnd -:Minus user:Identifier");
    expect(typed("é")).toBe("é:Unknown");
    // A run of characters no token matches is one Unknown token.
    expect(typed("ação")).toBe("a:Identifier çã:Unknown o:Identifier");
  });
});

describe("strings", () => {
  it("accepts the escapes of §2 and reports any other once (FX1003)", () => {
    expect(lexicalDiagnostics(String.raw`"\" \\ \n \t \{ \} \u{1F600} \u{0} \u{10FFFF}"`)).toEqual([]);
    expect(lexicalDiagnostics(String.raw`"\q"`)).toEqual(["FX1003@1-3"]);
    expect(lexicalDiagnostics(String.raw`"\u{110000}"`)).toEqual(["FX1003@1-11"]);
    expect(lexicalDiagnostics(String.raw`"\u{}" "\u{12345678}" "\u1F600"`)).toEqual([
      "FX1003@1-5",
      "FX1003@8-20",
      "FX1003@23-25",
    ]);
  });

  it("reports an unterminated string at its opening quote and resumes on the next line", () => {
    expect(lexicalDiagnostics('say "abc\nsay "d"')).toEqual(["FX1002@4-5"]);
    // The string is closed by a zero-width token at the end of the line.
    expect(shape('say "abc\nsay "d"')).toBe('say " abc  ⏎ say "d"');
    // `a ` is the text, then `{ x`, and zero-width closers for the interpolation and the string.
    expect(shape('say "a {x\nend')).toBe('say " a  { x   ⏎ end');
  });

  it("runs an unterminated block string or block comment to the end of the file", () => {
    expect(lexicalDiagnostics('say """\nabc\nend')).toEqual(["FX1002@4-7"]);
    expect(lexicalDiagnostics("a /* b\nc")).toEqual(["FX1002@2-4"]);
    expect(shape("a /* b\nc")).toBe("a");
  });

  it("tokenises strings nested in an interpolation instead of counting braces", () => {
    expect(shape('"{a ?? "x}"}"')).toBe('" { a ?? "x}" } "');
    expect(lexicalDiagnostics('"{a ?? "x}"}"')).toEqual([]);
  });

  it("keeps `{` followed by a digit, and its `}`, as literal text", () => {
    expect(typed('"^[0-9]{6}$"')).toBe('"^[0-9]{6}$":SimpleString');
    expect(typed('"a {1,3} b"')).toBe('"a {1,3} b":SimpleString');
    expect(typed('"}"')).toBe('"}":SimpleString');
    // Anywhere in the text (§2): at its start, right after an escape or an
    // interpolation, and in a block string.
    expect(typed('"{6}"')).toBe('"{6}":SimpleString');
    expect(typed('"{12}"')).toBe('"{12}":SimpleString');
    expect(typed('"\\n{3}"')).toBe('"\\n{3}":SimpleString');
    expect(shape('"{a}{2}"')).toBe('" { a } {2} "');
    expect(shape('"x {a} {5,}"')).toBe('" x  { a }  {5,} "');
    expect(shape('"""{3}"""')).toBe('""" {3} """');
    // What follows the digit does not matter: it is all text, with no FX1003.
    expect(typed('"{1 +}"')).toBe('"{1 +}":SimpleString');
    expect(lexicalDiagnostics('"{6}" "{a}{2}" "\\n{3}" """{3}""" "{1 +}"')).toEqual([]);
  });

  /**
   * Where a string that starts at offset 0 of `text` ends, if it is one
   * `SimpleString` token: closed on its line, no interpolation, every escape
   * valid (§2). Written as a scan, independently of the lexer's pattern.
   */
  function simpleStringEnd(text: string): number | undefined {
    if (text[0] !== '"' || text.startsWith('"""')) return undefined;
    for (let i = 1; i < text.length; ) {
      const c = text[i]!;
      if (c === '"') return i + 1;
      if (c === "\r" || c === "\n") return undefined;
      if (c === "{") {
        if (!/[0-9]/.test(text[i + 1] ?? "")) return undefined;
        i++;
      } else if (c === "\\") {
        const next = text[i + 1] ?? "";
        if ('"\\nt{}'.includes(next) && next !== "") i += 2;
        else if (next === "u") {
          const close = text.indexOf("}", i);
          const digits = close < 0 ? "" : text.slice(i + 3, close);
          if (text[i + 2] !== "{" || !/^[0-9A-Fa-f]{1,6}$/.test(digits) || parseInt(digits, 16) > 0x10ffff) return undefined;
          i = close + 1;
        } else return undefined;
      } else i++;
    }
    return undefined;
  }

  it("makes a string one SimpleString token exactly when it is closed on its line, without interpolation, with valid escapes", () => {
    const pieces = ["a", " ", "0", "7", "{", "}", '"', "\\", "n", "t", "u", "{1", "{10FFFF}", "{110000}", "{00041}", "{000041}", "\\u{000041}", "\\u{10ffff}", "\\u{110000}", "{41", "\n", "x"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const text = '"' + parts.join("");
        const end = simpleStringEnd(text);
        const first = tokenize(text).tokens[0];
        const isSimple = first?.tokenType.name === "SimpleString";
        expect(isSimple ? first.image.length : undefined, JSON.stringify(text)).toBe(end);
      }),
      { seed: 20261207, numRuns: 3000 },
    );
  });
});

describe("comments", () => {
  it("collects line, doc and block comments, and leaves them out of the tokens", () => {
    const text = "// line\n/// doc\n//// four\n/* block\n */ a /**/";
    const { comments, tokens } = tokenize(text);
    expect(comments.map((c) => `${c.style} ${JSON.stringify(c.text)}`)).toEqual([
      'line "// line"',
      'doc "/// doc"',
      'doc "//// four"',
      'block "/* block\\n */"',
      'block "/**/"',
    ]);
    expect(tokens.map(image)).toEqual(["a"]);
  });

  it("reads a block comment as nothing, even across a line break", () => {
    // LANGUAGE §2 is silent here; JavaScript would end the statement (a
    // multi-line comment counts as a line terminator there).
    expect(shape('say "a" /* one\ntwo */ say "b"')).toBe('say "a" say "b"');
  });
});
