//! Error recovery (LANGUAGE §2 and §8): every syntax error is reported with
//! its code where it is, at most one FX1001 per statement, and the parts of
//! the file after an error are still parsed.
//!
//! Expected diagnostics are annotations under the code (see
//! `annotations.ts`); the tree is checked through `outline`, a one-line
//! summary per declaration that lists statements, steps and test statements
//! by kind, in source order.

import { parse, type Declaration, type SourceFile, type Statement } from "@fluxo/compiler";
import { describe, expect, it } from "vitest";
import { diagnosticPositions, expectedPositions, messageMismatches, readAnnotations } from "./annotations.js";

// ---------------------------------------------------------------- helpers

function statementOutline(statement: Statement | undefined): string {
  if (!statement) return "<missing>";
  switch (statement.kind) {
    case "Block":
      return `{ ${statement.statements.map(statementOutline).join(" ")} }`;
    case "If":
      return `If ${statementOutline(statement.then)}${statement.else ? ` else ${statementOutline(statement.else)}` : ""}`;
    case "Choose":
      return `Choose[${statement.options.length} options]`;
    case "Let":
    case "Var":
    case "Set":
      return `${statement.kind} ${statement.name?.text ?? "?"}`;
    default:
      return statement.kind;
  }
}

function declarationOutline(declaration: Declaration): string {
  switch (declaration.kind) {
    case "Flow": {
      const items = [
        ...declaration.triggers.map((t) => ({ at: t?.start ?? 0, text: t?.kind ?? "<missing>" })),
        ...declaration.body.map((s) => ({ at: s?.start ?? 0, text: statementOutline(s) })),
        ...declaration.steps.map((s) => ({
          at: s.start,
          text: `step ${s.name?.text ?? "?"} { ${s.body.map(statementOutline).join(" ")} }`,
        })),
      ].sort((a, b) => a.at - b.at);
      return `Flow ${declaration.name?.text ?? "?"}: ${items.map((i) => i.text).join(" ")}`.trimEnd();
    }
    case "Test":
      return `Test: ${declaration.body.map((s) => s?.kind ?? "<missing>").join(" ")}`.trimEnd();
    case "Context":
      return `Context: ${declaration.fields.map((f) => f.name?.text ?? "?").join(" ")}`.trimEnd();
    case "TypeAlias":
      return `TypeAlias ${declaration.name?.text ?? "?"}`;
    case "Action":
      return `Action ${declaration.name?.text ?? "?"}`;
    case "Import":
      return `Import ${declaration.names.map((n) => n.text).join(" ")}`;
  }
}

function outline(file: SourceFile): string[] {
  return file.declarations.map(declarationOutline);
}

/** Parses `text` and checks its diagnostics against the annotations in it. */
function parseAnnotated(text: string): SourceFile {
  const { file, diagnostics } = parse(text, "recovery.flow");
  const expected = readAnnotations(text);
  expect(diagnosticPositions(text, diagnostics)).toEqual(expectedPositions(expected));
  expect(messageMismatches(text, diagnostics, expected)).toEqual([]);
  return file;
}

function codes(text: string): string[] {
  return diagnosticPositions(text, parse(text, "recovery.flow").diagnostics);
}

// ---------------------------------------------------------------- tests

describe("recovery", () => {
  it("reports each error in several flows and a test block once, and parses what follows", () => {
    const file = parseAnnotated(String.raw`
context {
    name string
//  ^ FX1001: expected a field (name: type), found 'name'
    phone: phone
}

flow first {
    trigger keyword "oi"
    say "oi" "tchau"
//           ^ FX1001: expected end of line or ';', found '"tchau"'
    ask nome "Nome?"
//           ^ FX1001
    choose "Menu" {
        option "A" => goto
//                        ^ FX1001: found end of line
        option "B" => end
        bogus words
//      ^ FX1001: found 'bogus'
    }
    ) junk + more
//  ^ FX1001: expected a statement, 'trigger' or 'step', found ')'
    step s {
        let = 1
//          ^ FX1001: expected a name, found '='
        say "in step s"
    }
    say "after step"
}

flow second {
    say "a"
    say "b"

flow third {
// <- FX1001: expected '}', found 'flow'
    say "unterminated
//      ^ FX1002
    say "escape \q and {}"
//              ^ FX1003: invalid escape '\q'
//                     ^ FX1003: empty interpolation
    wait 5x
//       ^ FX1004: invalid duration '5x'
    let n = 10_000 + 1
//          ^ FX1004: invalid number '10_000'
    end
}

test "broken" {
    reply
//       ^ FX1001
    mock getOrder("1") returns {
        status: "a"
        eta: x y
//             ^ FX1001
    }
    expect say "x"
    junk here
//  ^ FX1001: expected a test statement
    expect end
}

test "fine" {
    start third()
    expect end
}
`);
    expect(outline(file)).toEqual([
      "Context: phone",
      "Flow first: KeywordTrigger Say Ask Choose[2 options] step s { Let ? Say } Say",
      "Flow second: Say Say",
      "Flow third: Say Say Wait Let n End",
      "Test: TestReply TestMock ExpectSay ExpectEnd",
      "Test: TestStart ExpectEnd",
    ]);
  });

  it("ends an unclosed block at the next declaration with one FX1001", () => {
    const file = parseAnnotated(String.raw`
flow a {
    say "a"
    say "b"

flow b {
// <- FX1001: expected '}', found 'flow'
    say "c"
}

test "t" {
    reply "x"

type T = string
// <- FX1001: expected '}', found 'type'
action act()
flow c { end }
`);
    expect(outline(file)).toEqual(["Flow a: Say Say", "Flow b: Say", "Test: TestReply", "TypeAlias T", "Action act", "Flow c: End"]);
  });

  it("keeps the unclosed if and step that a missing } leaves open", () => {
    // One FX1001 for the missing braces (of the block and of its declaration);
    // the partial statement and step are kept with what they hold.
    const file = parseAnnotated(String.raw`
flow a {
    say "a"
    if x {
        say "b"

flow b {
// <- FX1001: expected '}', found 'flow'
    step s {
        say "b"

flow c {
// <- FX1001: expected '}', found 'flow'
    end
}
`);
    expect(outline(file)).toEqual(["Flow a: Say If { Say }", "Flow b: step s { Say }", "Flow c: End"]);
  });

  it("ends an unclosed nested block at `step`, keeping the partial statement and the step", () => {
    const file = parseAnnotated(String.raw`
flow a {
    if x {
        say "in if"
    step s { end }
//  ^ FX1001: expected '}', found 'step'
}
flow b { end }
`);
    expect(outline(file)).toEqual(["Flow a: If { Say } step s { End }", "Flow b: End"]);
  });

  it("keeps the declarations before an unclosed declaration at the end of the file", () => {
    const text = 'flow complete {\n    end\n}\n\nflow unfinished {\n    say "typing"\n';
    const { file, diagnostics } = parse(text, "eof.flow");
    expect(diagnosticPositions(text, diagnostics)).toEqual(["FX1001 7:1"]);
    expect(diagnostics[0]?.message).toBe("expected '}', found end of file");
    expect(outline(file)).toEqual(["Flow complete: End", "Flow unfinished: Say"]);
    // The unclosed flow ends at the end of the file.
    const unfinished = file.declarations[1];
    expect({ start: unfinished?.start, end: unfinished?.end }).toEqual({ start: text.indexOf("flow unfinished"), end: text.length });

    const step = 'flow a {\n    step s {\n        say "typing"\n';
    expect(codes(step)).toEqual(["FX1001 4:1"]);
    expect(outline(parse(step, "eof.flow").file)).toEqual(["Flow a: step s { Say }"]);
  });

  it("keeps a declaration whose last statement fails at the end of the file, ending with the file", () => {
    // The declaration is kept with one FX1001.
    const text = 'flow a {\n    say "x"\n    v';
    expect(codes(text)).toEqual(["FX1001 3:6"]);
    expect(outline(parse(text, "eof.flow").file)).toEqual(["Flow a: Say"]);
    // When a declaration's error recovery runs into the end of the file (an
    // error on the last line, or one whose skip reaches the end), the
    // declaration ends with the file, around its name and statements.
    const rangeOf = (source: string) => {
      const declaration = parse(source, "eof.flow").file.declarations[0];
      return { start: declaration?.start, end: declaration?.end };
    };
    for (const source of [text, "flow a", 'test "', "flow a -x> string {\n", "action f() -> "]) {
      expect(rangeOf(source)).toEqual({ start: 0, end: source.length });
    }
  });

  it("swallows a junk line with one FX1001 wherever it is", () => {
    const file = parseAnnotated(String.raw`
42 junk at the top level
// <- FX1001: expected a declaration
}
// <- FX1001
flow a {
    = junk in a flow
//  ^ FX1001: expected a statement, 'trigger' or 'step', found '='
    say "a"
    if x {
        ?? junk in a block
//      ^ FX1001: expected a statement, found '??'
        say "b"
    }
    choose "m" {
        say "junk in a choose"
//      ^ FX1001: expected 'option', 'invalid' or 'timeout', found 'say'
        option "o" => end
    }
    ask q: string "?" {
        option "junk in an ask"
//      ^ FX1001: expected 'validate', 'invalid', 'timeout' or 'label', found 'option'
        timeout 1m
    }
    match x {
        say "junk in a match"
//      ^ FX1001: expected a match arm (literal => statement), found 'say'
        "a" => end
    }
    random {
        x => "junk in a random"
//      ^ FX1001: expected a weighted arm (number => statement), found 'x'
        1 => end
    }
    step s {
        @ # ! junk
//      ^ FX1001: found unexpected character '@'
        end
    }
}
test "t" {
    say "junk in a test"
//  ^ FX1001: expected a test statement, found 'say'
    expect end
}
`);
    expect(outline(file)).toEqual([
      "Flow a: Say If { Say } Choose[1 options] Ask Match Random step s { End }",
      "Test: ExpectEnd",
    ]);
  });

  it("reports an unterminated string once, at the opening quote, and lexes the next line", () => {
    const file = parseAnnotated(String.raw`
flow a {
    say "unterminated
//      ^ FX1002: unterminated string
    say "with an open interpolation {name
//      ^ FX1002
    say "with a nested string {a ?? "b}
//      ^ FX1002
//                                  ^ FX1002
    let empty = "
//              ^ FX1002
    say "next line" ; end
}
test "t" {
    reply "abc
//        ^ FX1002
    expect say "d
//             ^ FX1002
    expect end
}
`);
    expect(outline(file)).toEqual(["Flow a: Say Say Say Let empty Say End", "Test: TestReply ExpectSay ExpectEnd"]);
    const flow = file.declarations[0];
    expect(flow?.kind === "Flow" && flow.body[0]?.kind === "Say" && flow.body[0].text).toMatchObject({
      kind: "String",
      parts: [{ kind: "StringText", value: "unterminated" }],
    });
  });

  it("reports only FX1002 for an unterminated string inside parentheses", () => {
    // The `(` the string leaves open ends at the end of its line: no FX1001,
    // the failed call is a CallStatement, and the next line parses.
    const call = 'flow a {\n    tag("vip\n    end\n}\nflow b { end }\n';
    expect(codes(call)).toEqual(["FX1002 2:9"]);
    expect(outline(parse(call, "call.flow").file)).toEqual(["Flow a: CallStatement End", "Flow b: End"]);
  });

  it("reports only FX1002 for an unterminated string inside a record literal", () => {
    const record = 'flow a {\n    let r = { a: "x }\n    end\n}\nflow b { end }\n';
    // LANGUAGE §2: no FX1001 follows an unterminated string. The record's `}`
    // is inside the string, so the record ends with the string's line.
    expect(codes(record)).toEqual(["FX1002 2:18"]);
    expect(outline(parse(record, "record.flow").file)).toEqual(["Flow a: Let r End", "Flow b: End"]);
  });

  it("runs an unterminated block string to the end of the file", () => {
    const text = String.raw`flow a {
    say "before"
}

flow b {
    say """
        never closed
    }

flow c {
    end
}
`;
    const { file, diagnostics } = parse(text, "block.flow");
    // Only the FX1002: the rest of the file is the string's text (no FX1003 for
    // the braces in it, no FX1001 for the flow it leaves open), and the tree
    // keeps flow a and flow b up to the string.
    expect(diagnosticPositions(text, diagnostics)).toEqual(["FX1002 6:9"]);
    expect(diagnostics[0]?.message).toContain("unterminated block string");
    expect(outline(file)).toEqual(["Flow a: Say", "Flow b: Say"]);
    expect(file.declarations[1]?.end).toBe(text.length);
  });

  it("runs an unterminated block comment to the end of the file", () => {
    const text = "flow a {\n    say \"before\"\n}\n/* never closed\nflow b {\n    end\n}\n";
    const { file, diagnostics } = parse(text, "comment.flow");
    expect(diagnosticPositions(text, diagnostics)).toEqual(["FX1002 4:1"]);
    expect(diagnostics[0]?.message).toContain("unterminated block comment");
    expect(outline(file)).toEqual(["Flow a: Say"]);
    expect(file.comments.map((c) => [c.style, c.end])).toEqual([["block", text.length]]);
  });

  it("reports invalid escapes and malformed interpolations as FX1003 only", () => {
    const file = parseAnnotated(String.raw`
flow a {
    say "\q"
//       ^ FX1003: invalid escape '\q'
    say "\u{110000} \u{} \x"
//       ^ FX1003
//                  ^ FX1003
//                       ^ FX1003
    say "empty {}"
//             ^ FX1003: empty interpolation
    say "blank { }"
//             ^ FX1003
    say "two names {a b}"
//                    ^ FX1003: malformed interpolation
    say "dangling {x +}"
//                    ^ FX1003: malformed interpolation
    say """
        block {}
//            ^ FX1003: empty interpolation
        """
    say "after"
}
`);
    expect(outline(file)).toEqual(["Flow a: Say Say Say Say Say Say Say Say"]);
  });

  it("reports a malformed number or duration once, with no error after it", () => {
    const file = parseAnnotated(String.raw`
action slow() timeout 5x
//                    ^ FX1004: invalid duration '5x'
flow a {
    wait 5x
//       ^ FX1004: invalid duration '5x'
    wait 10_000
//       ^ FX1004: invalid number '10_000'
    let n = 10_000 * 2
//          ^ FX1004
    ask q: integer "?" { invalid "x" retries 2x; timeout 1y => end }
//                                           ^ FX1004: invalid duration '2x'
//                                                       ^ FX1004: invalid duration '1y'
    random { 5kg => end }
//           ^ FX1004
    match n { 1_0 => end }
//            ^ FX1004
    say "after"
}
test "t" {
    seed 1_000
//       ^ FX1004
    expect wait 3mins
//              ^ FX1004
}
`);
    expect(outline(file)).toEqual([
      "Action slow",
      "Flow a: Wait Wait Let n Ask Random Match Say",
      "Test: TestSeed ExpectWait",
    ]);
  });

  it("ends an unclosed ( or [ at a word that starts a statement", () => {
    const text = String.raw`
flow a {
    tag("x"
    say "after paren"
    let l = [1, 2
    say "after bracket"
}
flow b {
    end
}
`;
    const { file, diagnostics } = parse(text, "paren.flow");
    // The newline before `say` ends the unclosed `(` and `[` (LANGUAGE §2):
    // one FX1001 each, for the missing ')' and ']' at the end of their lines;
    // the failed call is a CallStatement and each `say` parses.
    expect(diagnosticPositions(text, diagnostics)).toEqual(["FX1001 3:12", "FX1001 5:18"]);
    expect(diagnostics.map((d) => d.message)).toEqual(["expected ')', found end of line", "expected ']', found end of line"]);
    expect(outline(file)).toEqual(["Flow a: CallStatement Say Let l Say", "Flow b: End"]);
  });

  it("does not let an unclosed ( in a junk line swallow the statements after it", () => {
    const text = String.raw`
flow a {
    ) junk ( more
    step s { end }
    say "after"
}
flow b { end }
`;
    const { file, diagnostics } = parse(text, "junk-paren.flow");
    // The junk line ends at its newline: one FX1001, and the step, the say and
    // the flow's own `}` are not skipped.
    expect(diagnosticPositions(text, diagnostics)).toEqual(["FX1001 3:5"]);
    expect(outline(file)).toEqual(["Flow a: step s { End } Say", "Flow b: End"]);
  });

  it("swallows a junk line that starts with a string", () => {
    // A plain string is one token: the junk line is skipped whole.
    const file = parseAnnotated(String.raw`
flow a {
    "forgot the say"
//  ^ FX1001: expected a statement, 'trigger' or 'step'
    choose "m" {
        "Sim" => end
//      ^ FX1001: expected 'option', 'invalid' or 'timeout'
    }
    say "after"
}
flow b { end }
`);
    expect(outline(file)).toEqual(["Flow a: Choose[0 options] Say", "Flow b: End"]);
  });

  it("swallows a junk line that starts with an interpolated or block string", () => {
    const text = String.raw`
flow a {
    "forgot the say, {name}"
    say "after"
}
flow b {
    """
    forgot the say
    """
    say "after"
}
flow c { end }
`;
    const { file, diagnostics } = parse(text, "string-junk.flow");
    // The whole string (its interpolation, its lines) is part of the junk
    // line: one FX1001 at its start, and the rest of the flow parses.
    expect(diagnosticPositions(text, diagnostics)).toEqual(["FX1001 3:5", "FX1001 7:5"]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "expected a statement, 'trigger' or 'step', found a string",
      "expected a statement, 'trigger' or 'step', found a string",
    ]);
    expect(outline(file)).toEqual(["Flow a: Say", "Flow b: Say", "Flow c: End"]);
  });

  it("reports at most one FX1001 per statement", () => {
    // One FX1001 where the error is, none more on the closing bracket or the
    // rest of the line (LANGUAGE §8); parameters recover at `,`, and a failed
    // call statement is still a CallStatement.
    const file = parseAnnotated(String.raw`
action bad(x string, y: number) -> string
//           ^ FX1001: expected ':', found 'string'
flow a {
    tag(1 2)
//        ^ FX1001: expected ')', found '2'
    let l = [1 2]
//             ^ FX1001: expected ']', found '2'
    let i = a[]
//            ^ FX1001: expected an expression, found ']'
    say "after"
}
test "t" {
    mock f(1) returns { eta: ] }
//                           ^ FX1001: expected an expression, found ']'
    expect end
}
`);
    expect(outline(file)).toEqual(["Action bad", "Flow a: CallStatement Let l Let i Say", "Test: TestMock ExpectEnd"]);
    const action = file.declarations[0];
    expect(action?.kind === "Action" && [action.params.map((p) => p.name?.text), action.returnType?.kind]).toEqual([
      ["x", "y"],
      "TypeRef",
    ]);
  });

  it("reports one FX1001 for a statement whose record literal spans lines", () => {
    // Newlines inside a record literal do not end the statement (LANGUAGE §2),
    // so by §8 this `let` gets only the first FX1001.
    const file = parseAnnotated(String.raw`
flow a {
    let r = { a:
//              ^ FX1001: expected an expression, found end of line
        1 }
    say "after"
}
`);
    expect(outline(file)).toEqual(["Flow a: Let r Say"]);
  });

  it("reports an FX1001 for each statement of a line with `;`", () => {
    const text = 'flow a {\n    say "a" "b"; say "c" "d"\n    let = 1; let = 2\n}\n';
    // §8: one FX1001 per statement, and `;` ends a statement.
    expect(codes(text)).toEqual(["FX1001 2:13", "FX1001 2:26", "FX1001 3:9", "FX1001 3:18"]);
    expect(outline(parse(text, "semicolons.flow").file)).toEqual(["Flow a: Say Say Let ? Let ?"]);
  });
});
