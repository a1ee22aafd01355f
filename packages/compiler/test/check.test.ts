//! Checker tests as data (STYLE.md, "Tests are data"). Every fixture under
//! `test/check/` is a project whose expected diagnostics are written under
//! the code (see `annotations.ts`, full form: severity, exact range, message
//! prefix, and the related information's messages):
//!
//! - `FXnnnn.flow`: one file whose diagnostics are all FXnnnn, in several
//!   constructs; `FXnnnn/` or `FXnnnn-what/`: a folder of files checked as
//!   one project (imports, duplicates across files, names not imported).
//! - `valid/`: a project using every feature of the language, with no
//!   diagnostic at all.
//!
//! A fixture may show a diagnostic of another code only inside a `// FIXME:`
//! comment's region (up to the next blank line or closing brace): that is a
//! known checker bug, asserted as it behaves today.
//!
//! The cross-cutting promises of LANGUAGE.md §8 (one error does not hide
//! another, syntax errors do not stop checking, no cascades) are tested below
//! on small annotated programs.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createProgram,
  diagnosticCodes,
  registry,
  type Diagnostic,
  type Node,
  type SourceFile,
  type SourceInput,
} from "@fluxo/compiler";
import { describe, expect, it } from "vitest";
import { compareAnnotations, formatMismatch, readAnnotations, type ExpectedDiagnostic } from "./annotations.js";

const fixturesDir = fileURLToPath(new URL("./check/", import.meta.url));
const options = { locale: "pt-BR", timeZone: "America/Sao_Paulo" } as const;

// ---------------------------------------------------------------- loading

interface Fixture {
  /** `FX2001.flow`, `FX2008`, `valid`, … */
  name: string;
  /** The code the fixture is about (undefined for `valid`). */
  code: string | undefined;
  inputs: SourceInput[];
}

function flowFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return (readdirSync(path, { recursive: true }) as string[])
    .filter((file) => file.endsWith(".flow"))
    .sort()
    .map((file) => join(path, file));
}

function loadFixture(name: string): Fixture {
  const inputs = flowFiles(join(fixturesDir, name)).map((file) => ({
    uri: pathToFileURL(file).href,
    text: readFileSync(file, "utf8"),
  }));
  return { name, code: /^(FX\d{4})/.exec(name)?.[1], inputs };
}

const fixtureNames = readdirSync(fixturesDir)
  .filter((name) => name.endsWith(".flow") || statSync(join(fixturesDir, name)).isDirectory())
  .sort();
const codeFixtures = fixtureNames.filter((name) => name !== "valid").map(loadFixture);

function fileName(uri: string): string {
  return relative(fixturesDir, fileURLToPath(uri));
}

/**
 * Lines (1-based) inside a `// FIXME:` comment's region: from the comment to
 * the next blank line or line starting with `}`.
 */
function fixmeLines(text: string): Set<number> {
  const out = new Set<number>();
  let inside = false;
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (/^\/\/\s*FIXME\b/.test(trimmed)) inside = true;
    else if (trimmed === "" || trimmed.startsWith("}")) inside = false;
    if (inside) out.add(index + 1);
  });
  return out;
}

/** Annotations with "no related lines" read as "no related information", so related information is checked exactly. */
function exactAnnotations(text: string): ExpectedDiagnostic[] {
  return readAnnotations(text).map((e) => ({ ...e, related: e.related ?? [] }));
}

/** Compares one file's diagnostics with its annotations; "" when they agree. */
function mismatch(text: string, diagnostics: readonly Diagnostic[]): string {
  return formatMismatch(text, compareAnnotations(text, diagnostics, exactAnnotations(text)));
}

/** Checks an inline annotated project (file name → text) and returns every file's mismatch report. */
function checkAnnotated(files: Record<string, string>): string {
  const inputs = Object.entries(files).map(([name, text]) => ({ uri: `file:///inline/${name}`, text }));
  const program = createProgram(inputs, options);
  return inputs
    .map(({ uri, text }) => {
      const report = mismatch(text, program.getDiagnostics(uri));
      return report && `${uri}\n${report}`;
    })
    .filter(Boolean)
    .join("\n");
}

// ---------------------------------------------------------------- fixtures

describe("checker fixtures", () => {
  it.each(codeFixtures.map((f) => [f.name, f] as const))("%s", (_, fixture) => {
    const program = createProgram(fixture.inputs, options);
    const reports: string[] = [];
    let ofItsCode = 0;
    for (const { uri, text } of fixture.inputs) {
      const expected = readAnnotations(text);
      // Full form only: severity, exact range (the reader sets the end), message.
      const loose = expected.filter((e) => e.severity === undefined || e.endLine === undefined || e.message === undefined);
      expect(loose.map((e) => `${fileName(uri)}:${e.line}:${e.column} ${e.code}`), "annotations in the full form").toEqual([]);
      // Only the fixture's code, except where a FIXME documents a known bug.
      const fixme = fixmeLines(text);
      const foreign = expected.filter((e) => e.code !== fixture.code && !fixme.has(e.line));
      expect(foreign.map((e) => `${fileName(uri)}:${e.line}:${e.column} ${e.code}`), `only ${fixture.code}`).toEqual([]);
      ofItsCode += expected.filter((e) => e.code === fixture.code && !fixme.has(e.line)).length;

      const report = mismatch(text, program.getDiagnostics(uri));
      if (report) reports.push(`${fileName(uri)}\n${report}`);
    }
    expect(reports.join("\n"), "diagnostics against annotations").toBe("");
    expect(ofItsCode, `cases of ${fixture.code}`).toBeGreaterThanOrEqual(fixture.name.endsWith(".flow") ? 3 : 1);

    // The whole-project list is the files' lists in project order, and names only project files.
    const uris = fixture.inputs.map((i) => i.uri).sort();
    expect(program.getDiagnostics()).toEqual(uris.flatMap((uri) => program.getDiagnostics(uri)));
    for (const d of program.getDiagnostics()) expect(uris).toContain(d.uri);
  });

  it("has one fixture for every semantic code (FX2xxx, FX3xxx, FX4xxx)", () => {
    const semantic = diagnosticCodes.filter((code) => /^FX[234]/.test(code));
    const missing = semantic.filter((code) => !fixtureNames.includes(`${code}.flow`) && !fixtureNames.includes(code));
    expect(missing).toEqual([]);
    expect(semantic.length).toBe(25);
  });

  // The registry's promise (diagnostics.ts): each code's example fires exactly
  // that code, through the whole pipeline (flow-analysis.test.ts checks the
  // FX4xxx examples on the analysis alone).
  it.each(diagnosticCodes)("the registry example of %s fires exactly it", (code) => {
    const uri = "file:///registry/example.flow";
    const program = createProgram([{ uri, text: registry[code].example }], options);
    expect(program.getDiagnostics().map((d) => `${d.code} ${d.message}`)).toEqual([
      expect.stringMatching(new RegExp(`^${code} `)),
    ]);
  });

  it("fixtures agree with the registry's severities", () => {
    for (const fixture of codeFixtures) {
      for (const { text } of fixture.inputs) {
        for (const e of readAnnotations(text)) {
          expect(e.severity, `${fixture.name} ${e.code}`).toBe(registry[e.code as keyof typeof registry].severity);
        }
      }
    }
  });
});

// ---------------------------------------------------------------- the valid program

/** Every syntactic feature a node shows: its kind, and its operator, style or variant. */
function features(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) features(item, out);
    return out;
  }
  if (!node || typeof node !== "object") return out;
  const n = node as Node & Record<string, unknown>;
  if (typeof n.kind === "string") {
    out.add(n.kind);
    switch (n.kind) {
      case "Binary":
      case "Unary":
        out.add(`${n.kind} ${n.operator}`);
        break;
      case "SayMedia":
        out.add(`say ${n.media}${n.caption ? " caption" : ""}`);
        break;
      case "Http":
        out.add(`http ${n.method}${n.body ? " body" : ""}${n.timeout ? " timeout" : ""}${n.headers.length > 0 ? " headers" : ""}`);
        break;
      case "Comment":
        out.add(`comment ${n.style}`);
        break;
      case "Member":
        out.add(n.optional ? "Member ?." : "Member .");
        break;
      case "String":
        if (n.block) out.add("String block");
        if (n.parts.some((p) => p.kind === "Interpolation")) out.add("String interpolated");
        break;
      case "Duration":
        out.add(`Duration ${/[a-z]+$/.exec(n.raw)?.[0]}`);
        break;
      case "Call":
        out.add(`call ${n.callee.text}`);
        break;
      case "TestMock":
        out.add(`mock${n.args ? " (args)" : ""} ${n.result?.kind ?? "bare"}`);
        break;
      case "ExpectSay":
        if (n.contains) out.add("expect say contains");
        break;
      case "ExpectAsk":
        out.add(`expect ask${n.prompt ? " prompt" : ""}${n.options ? " options" : ""}`);
        break;
      case "ExpectEnd":
        out.add(`expect end${n.reason ? " reason" : ""}`);
        break;
      case "ExpectHandoff":
      case "Handoff":
        out.add(`${n.kind}${n.department ? " to" : ""}`);
        break;
      case "Return":
        out.add(`return${n.value ? " value" : ""}`);
        break;
      case "Var":
        out.add(`var${n.value ? " =" : ""}`);
        break;
      case "Ask":
        out.add(n.from ? "ask from" : "ask type");
        break;
      case "Let":
      case "Set":
      case "CallStatement":
        if (n.else) out.add(`${n.kind} else`);
        if (n.kind !== "CallStatement" && n.value?.kind === "Run") out.add(`${n.kind} run`);
        break;
      case "If":
        if (n.else?.kind === "If") out.add("else if");
        else if (n.else) out.add("else");
        break;
      case "MatchArm":
        if (n.isElse) out.add("match else");
        if (n.patterns.length > 1) out.add("match several patterns");
        break;
      case "Invalid":
        out.add(`invalid${n.retries ? " retries" : ""}${n.then ? " =>" : ""}`);
        break;
      case "Timeout":
        if (n.then) out.add("timeout =>");
        break;
      case "Option":
        if (n.labels.length > 1) out.add("option aliases");
        if (n.then?.kind === "Block") out.add("option block");
        break;
      case "Param":
        if (n.default) out.add("param default");
        break;
      case "Flow":
        if (n.returnType) out.add("flow return type");
        break;
      case "Action":
        if (n.returnType) out.add("action return type");
        if (n.timeout) out.add("action timeout");
        break;
      case "TypeRef":
        out.add(`type ${n.name.text}`);
        break;
      case "LiteralType":
        out.add(`literal type ${n.literal.kind}`);
        break;
      default:
        break;
    }
  }
  for (const value of Object.values(n)) features(value, out);
  return out;
}

/** What the valid program must use: the language's statements, clauses, expressions, types, built-ins and tests. */
const everyFeature = [
  // Declarations and files.
  "Import", "Context", "TypeAlias", "Action", "Flow", "Test", "Step", "comment line", "comment doc", "comment block",
  "KeywordTrigger", "EventTrigger", "StartTrigger", "param default", "flow return type", "action return type", "action timeout",
  "http GET timeout headers", "http POST body", "http PUT body", "http PATCH", "http DELETE",
  // Types.
  "type string", "type number", "type integer", "type boolean", "type email", "type phone", "type date", "type url",
  "literal type String", "literal type Number", "literal type Boolean",
  "UnionType", "OptionalType", "ListType", "RecordType", "ParenType",
  // Statements and clauses.
  "Say", "say image caption", "say video", "say audio caption", "say file", "Wait",
  "ask type", "ask from", "Validate", "invalid", "invalid retries =>", "timeout =>", "Label",
  "Choose", "option aliases", "option block", "CallStatement", "CallStatement else", "Let", "Let else", "Let run",
  "var", "var =", "Set", "RunStatement", "return", "return value", "If", "else if", "else", "Match", "match else",
  "match several patterns", "Random", "Goto", "End", "Handoff", "Handoff to", "Block",
  // Expressions.
  "String block", "String interpolated", "Number", "Boolean", "Null", "List", "Record", "NameRef", "ContextRef",
  "Member .", "Member ?.", "Index", "Call", "Paren", "Unary -", "Unary not",
  ...["??", "or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/", "%"].map((op) => `Binary ${op}`),
  ...["ms", "s", "m", "h", "d"].map((unit) => `Duration ${unit}`),
  // Built-ins and standard actions.
  ...["lower", "upper", "trim", "len", "contains", "startsWith", "endsWith", "matches", "toNumber", "round", "floor", "ceil",
    "fixed", "today", "withinHours", "secret", "tag", "untag", "addToList", "removeFromList", "setField"].map((name) => `call ${name}`),
  // Tests.
  "TestContext", "TestClock", "TestSeed", "mock (args) MockReturns", "mock MockReturns", "mock (args) MockFails", "mock MockFails",
  "mock bare", "mock (args) bare", "TestStart", "TestTrigger", "TestEvent", "TestReply", "TestTimeout",
  "ExpectSay", "expect say contains", "ExpectMedia", "expect ask", "expect ask prompt", "expect ask prompt options",
  "ExpectAction", "ExpectWait", "ExpectHandoff", "ExpectHandoff to", "expect end", "expect end reason", "ExpectError", "ExpectCondition",
];

describe("a large valid program", () => {
  const fixture = loadFixture("valid");
  const program = createProgram(fixture.inputs, options);

  it("has no diagnostics", () => {
    const render = (d: Diagnostic): string => {
      const text = program.getText(d.uri)!;
      const line = text.slice(0, d.range.start).split("\n").length;
      return `${fileName(d.uri)}:${line} ${d.severity} ${d.code}: ${d.message}`;
    };
    expect(program.getDiagnostics().map(render)).toEqual([]);
    for (const { text } of fixture.inputs) expect(readAnnotations(text)).toEqual([]);
  });

  it("uses every feature of the language", () => {
    const used = new Set<string>();
    for (const { uri } of fixture.inputs) features(program.getSourceFile(uri) as SourceFile, used);
    expect(everyFeature.filter((feature) => !used.has(feature))).toEqual([]);
    expect(fixture.inputs.length).toBeGreaterThanOrEqual(3);
  });

  it("uses every escape and lexical form", () => {
    const text = fixture.inputs.map((i) => i.text).join("\n");
    for (const form of ['\\"', "\\\\", "\\n", "\\t", "\\{", "\\}", "\\u{", '"""', "{(", "{6}", ";", "/*", "///"]) {
      expect(text, form).toContain(form);
    }
  });
});

// ---------------------------------------------------------------- §8 promises

describe("errors are reported where they are, once", () => {
  it("errors in one flow do not hide errors in another", () => {
    const report = checkAnnotated({
      "main.flow": `
flow first {
    say "{missing}"
//        ^^^^^^^ error FX2001: unknown variable 'missing'
}

flow second {
    goto nowhere
//       ^^^^^^^ error FX2002: unknown step 'nowhere'
}

flow third(n: integer) {
    trigger event "third"
    var s: string = n
//                  ^ error FX3001: type mismatch: expected string, found integer
    say s
}
`,
    });
    expect(report).toBe("");
  });

  it("errors in one file do not hide errors in another", () => {
    const report = checkAnnotated({
      "a.flow": `
flow a {
    run nope()
//      ^^^^ error FX2003: unknown flow 'nope'
}
`,
      "b.flow": `
flow b {
    tag(1)
//      ^ error FX3001: type mismatch: expected string, found 1
}
`,
    });
    expect(report).toBe("");
  });

  it("a file with syntax errors still gets its semantic errors elsewhere", () => {
    const report = checkAnnotated({
      "main.flow": `
flow broken {
    say "oi" "tchau"
//           ^^^^^^^ error FX1001: expected end of line or ';'
    say "{unknownInBroken}"
//        ^^^^^^^^^^^^^^^ error FX2001: unknown variable 'unknownInBroken'
}

flow fine {
    say "{nome}"
//        ^^^^ error FX2001: unknown variable 'nome'
    let n: = 1
//       ^ error FX1001: expected '=', found ':'
    say "{n}"
    if 1 {
//     ^ error FX3003: condition must be boolean, found 1
        end
    }
}

type Broken = { a: string; b: }
//                            ^ error FX1001: expected a type
action notify(text: string)
flow after {
    notify(1)
//         ^ error FX3001: type mismatch: expected string, found 1
}
`,
    });
    expect(report).toBe("");
  });

  it("a declaration left open keeps the declarations before and after it", () => {
    // The syntax error is reported at the end of the \`action\` line, where a
    // comment would move it, so it is checked apart from the annotations.
    const text = `
flow complete {
    say "{unknownBefore}"
//        ^^^^^^^^^^^^^ error FX2001: unknown variable 'unknownBefore'
}

action notify(text: string
flow after {
    say "{unknownAfter}"
//        ^^^^^^^^^^^^ error FX2001: unknown variable 'unknownAfter'
}
`;
    const diagnostics = createProgram([{ uri: "file:///inline/main.flow", text }], options).getDiagnostics();
    const syntax = diagnostics.filter((d) => d.code === "FX1001");
    expect(syntax.map((d) => text.slice(0, d.range.start).split("\n").at(-1))).toEqual(["action notify(text: string"]);
    const semantic = diagnostics.filter((d) => d.code !== "FX1001");
    expect(formatMismatch(text, compareAnnotations(text, semantic, exactAnnotations(text)))).toBe("");
  });

  it("an unknown name is reported once, and nothing else about its expression", () => {
    const report = checkAnnotated({
      "main.flow": `
context { name: string }

action notify(text: string)

flow main {
    let total = (missing + 1) * 2
//               ^^^^^^^ error FX2001: unknown variable 'missing'
    if total > 3 and lower(missing2) == "x" or not ghost.field in [1, 2] {
//                         ^^^^^^^^ error FX2001: unknown variable 'missing2'
//                                                 ^^^^^ error FX2001: unknown variable 'ghost'
        say "{total + 1} {upper(total)} {total.x}"
    }
    notify(phantom ?? 1)
//         ^^^^^^^ error FX2001: unknown variable 'phantom'
    say "{context.nome.length + 1}"
//                ^^^^ error FX2007: unknown field 'nome' on context
    let order = fetchOrder("1") else { end }
//              ^^^^^^^^^^ error FX2004: unknown action or function 'fetchOrder'
    say "{order.items[0].price * 2}"
    sendAll(order) else { goto done }
//  ^^^^^^^ error FX2004: unknown action or function 'sendAll'
    var n: Numero = "x"
//         ^^^^^^ error FX2005: unknown type 'Numero'
    set n = n + 1
    match n {
        1 => say "um"
        "dois" => say "dois"
    }
    step done {
        end
    }
}
`,
    });
    expect(report).toBe("");
  });

  it("an unknown type is reported once, and makes no parameter required", () => {
    const report = checkAnnotated({
      "main.flow": `
action find(query: Consulta, page: integer) -> string
//                 ^^^^^^^^ error FX2005: unknown type 'Consulta'

flow lookup(query: Consulta, note: Nota?) {
//                 ^^^^^^^^ error FX2005: unknown type 'Consulta'
//                                 ^^^^ error FX2005: unknown type 'Nota'
    trigger keyword "buscar"
    say "{query} {note ?? "-"} {query.text} {len(query)}"
}

flow main {
    trigger keyword "inicio"
    run lookup()
    run lookup(1, "x", true)
//  ^^^^^^^^^^^^^^^^^^^^^^^^ error FX3002: 'lookup' takes 0 to 2 arguments, found 3
    let found = find() else { end }
//              ^^^^^^ error FX3002: 'find' takes 2 arguments, found 0
    say "{found}"
}
`,
    });
    expect(report).toBe("");
  });

  it("a type error inside a binary expression is reported once", () => {
    const report = checkAnnotated({
      "main.flow": `
flow main(n: integer, s: string) {
    trigger event "main"
    let a = (s * 2 + 1) * 3 > n
//           ^ error FX3001: type mismatch: expected number, found string
    let b = not (true + 1) and a
//               ^^^^ error FX3001: type mismatch: expected number, found true
    let c = "x" + n + "y" + s
//                ^ error FX3001: type mismatch: expected string, found integer
    let d = -(s) - -(s)
//           ^^^ error FX3001: type mismatch: expected number, found string
//                  ^^^ error FX3001: type mismatch: expected number, found string
    say "{a} {b} {c} {d} {fixed(a + b, 2)}"
//                              ^ error FX3001: type mismatch: expected number, found boolean
}
`,
    });
    expect(report).toBe("");
  });
});
