import path from "node:path";
import type { Diagnostic } from "@fluxo/compiler";
import { describe, expect, test } from "vitest";
import { escapeData, escapeProperty, renderGithub } from "./render-github.js";
import { renderJson } from "./render-json.js";
import { codeFrame, renderPretty } from "./render-pretty.js";
import { buildReport, exitStatus, summaryLine, type CheckReport } from "./report.js";

const cwd = path.resolve("/work/project");
const fileA = path.join(cwd, "flows/a.flow");
const fileB = path.join(cwd, "flows/b.flow");
const texts = new Map<string, string>();

/** A diagnostic over the first occurrence of `marked` in `file`'s text. */
function at(file: string, marked: string, rest: Partial<Diagnostic> = {}): { diagnostic: Diagnostic; file: string } {
  const text = texts.get(file)!;
  const start = text.indexOf(marked);
  if (start < 0) throw new Error(`no ${marked} in ${file}`);
  return {
    file,
    diagnostic: {
      code: "FX1001",
      severity: "error",
      message: "expected end of line or ';', found a string",
      uri: `file://${file}`,
      range: { start, end: start + marked.length },
      ...rest,
    },
  };
}

function report(entries: { diagnostic: Diagnostic; file: string }[], fileCount = 2): CheckReport {
  return buildReport(entries, fileCount, cwd, (file) => texts.get(file), (uri) => uri.slice("file://".length));
}

texts.set(fileA, 'flow a {\n    say "oi" "tchau"\n    say """\n        block\n}\n');
texts.set(fileB, 'flow b {\r\n\tsay "x"\r\n}\r\n');

describe("buildReport", () => {
  test("lines and columns from 1, end column exclusive, paths relative to the folder", () => {
    const { diagnostics } = report([at(fileA, '"tchau"')]);
    expect(diagnostics[0]).toMatchObject({ file: "flows/a.flow", line: 2, column: 14, endLine: 2, endColumn: 21 });
  });

  test("CRLF line ends and related locations in another file", () => {
    const entry = at(fileB, '"x"', {
      code: "FX2006",
      related: [{ uri: `file://${fileA}`, range: { start: 5, end: 6 }, message: "first declared here" }],
    });
    const { diagnostics } = report([entry]);
    expect(diagnostics[0]).toMatchObject({ line: 2, column: 6, endColumn: 9 });
    expect(diagnostics[0]!.related).toEqual([
      { file: "flows/a.flow", line: 1, column: 6, endLine: 1, endColumn: 7, message: "first declared here" },
    ]);
  });
});

describe("summaryLine", () => {
  const warning = { severity: "warning" as const, code: "FX4005" as const };
  test.each([
    [[], "No errors found in 2 files."],
    [[at(fileA, '"tchau"')], "Found 1 error in 1 file."],
    [[at(fileA, '"tchau"'), at(fileA, "say"), at(fileB, '"x"', warning)], "Found 2 errors and 1 warning in 2 files."],
    [[at(fileB, '"x"', warning), at(fileB, "say", warning)], "Found 2 warnings in 1 file."],
    [[at(fileA, "flow"), at(fileB, "say", warning), at(fileB, '"x"', { severity: "info" })], "Found 1 error, 1 warning and 1 info message in 2 files."],
  ])("%#", (entries, line) => {
    expect(summaryLine(report(entries))).toBe(line);
  });

  test("one file checked", () => {
    expect(summaryLine(report([], 1))).toBe("No errors found in 1 file.");
  });
});

test("warnings alone do not fail a check", () => {
  expect(exitStatus(report([at(fileB, '"x"', { severity: "warning", code: "FX4005" })]))).toBe(0);
  expect(exitStatus(report([at(fileB, '"x"'), at(fileB, "say", { severity: "warning", code: "FX4005" })]))).toBe(1);
  expect(exitStatus(report([]))).toBe(0);
});

describe("pretty", () => {
  test("header, frame with the range underlined, related locations, summary", () => {
    const entry = at(fileA, '"tchau"', {
      related: [{ uri: `file://${fileB}`, range: { start: 5, end: 6 }, message: "see also" }],
    });
    expect(renderPretty(report([entry]), false)).toBe(
      [
        "flows/a.flow:2:14 - error FX1001: expected end of line or ';', found a string",
        "",
        "  1 | flow a {",
        '> 2 |     say "oi" "tchau"',
        "    |              ^^^^^^^",
        '  3 |     say """',
        "  4 |         block",
        "",
        "  flows/b.flow:1:6 - see also",
        "",
        "Found 1 error in 1 file.",
        "",
      ].join("\n"),
    );
  });

  test("a range over several lines is underlined to the end of its first line", () => {
    const text = texts.get(fileA)!;
    const start = text.indexOf('"""');
    const entry = at(fileA, '"""', { code: "FX1002", range: { start, end: text.length } });
    const frame = codeFrame(report([entry]).diagnostics[0]!, false);
    expect(frame).toBe(
      ['  1 | flow a {', '  2 |     say "oi" "tchau"', '> 3 |     say """', "    |         ^^^", "  4 |         block", "  5 | }"].join("\n"),
    );
  });

  test("an empty range gets one caret; tabs are kept so the caret lines up", () => {
    const text = texts.get(fileB)!;
    const start = text.indexOf('"x"');
    const frame = codeFrame(report([at(fileB, '"x"', { range: { start, end: start } })]).diagnostics[0]!, false);
    expect(frame).toBe(["  1 | flow b {", '> 2 | \tsay "x"', "    | \t    ^", "  3 | }"].join("\n"));
  });

  test("colours only when asked", () => {
    const entries = [at(fileA, '"tchau"')];
    expect(renderPretty(report(entries), false)).not.toMatch(/\u001b\[/);
    expect(renderPretty(report(entries), true)).toMatch(/\u001b\[/);
  });
});

describe("json", () => {
  test("one array, the contract's fields in order", () => {
    const output = renderJson(report([at(fileA, '"tchau"')]));
    expect(output.endsWith("]\n")).toBe(true);
    expect(output.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(output)).toEqual([
      {
        file: "flows/a.flow",
        line: 2,
        column: 14,
        endLine: 2,
        endColumn: 21,
        severity: "error",
        code: "FX1001",
        message: "expected end of line or ';', found a string",
      },
    ]);
  });
});

describe("github", () => {
  test("escaping of data and properties", () => {
    expect(escapeData("100% sure\r\nnext")).toBe("100%25 sure%0D%0Anext");
    expect(escapeProperty("a,b: c%")).toBe("a%2Cb%3A c%25");
  });

  test("annotations by severity, related locations on further lines, summary", () => {
    const entries = [
      at(fileA, '"tchau"', { message: "50% of 'x', then: y" }),
      at(fileB, '"x"', {
        severity: "warning",
        code: "FX4005",
        message: "variable 'x' is never used",
        related: [{ uri: `file://${fileA}`, range: { start: 0, end: 4 }, message: "here" }],
      }),
      at(fileB, "say", { severity: "info", code: "FX4002", message: "note" }),
    ];
    expect(renderGithub(report(entries)).split("\n")).toEqual([
      "::error file=flows/a.flow,line=2,col=14,endLine=2,endColumn=21,title=FX1001::50%25 of 'x', then: y",
      "::warning file=flows/b.flow,line=2,col=6,endLine=2,endColumn=9,title=FX4005::variable 'x' is never used%0Aflows/a.flow:1:1 - here",
      "::notice file=flows/b.flow,line=2,col=2,endLine=2,endColumn=5,title=FX4002::note",
      "Found 1 error, 1 warning and 1 info message in 2 files.",
      "",
    ]);
  });
});
