//! Lowering of `test` blocks (LANGUAGE §7) to plain data a test runner
//! executes against a bundle. Tests are not part of the bundle; keeping them
//! as separate data lets the same suite run against a bundle built from
//! source in memory or against a `flows.json` written by `fluxo build`.

import type { Expr } from "@fluxo/runtime/bundle";
import type * as A from "./ast.js";
import { stringValue } from "./ast.js";
import { lowerExpression } from "./lower-ir.js";
import type { Program } from "./program.js";

/** A source position: the file's URI and 1-based line and column. */
export interface TestLocation {
  uri: string;
  line: number;
  column: number;
}

/** What one test statement does. */
export type TestAction =
  | { kind: "context"; value: Expr }
  | { kind: "clock"; value: Expr }
  | { kind: "seed"; value: number }
  | { kind: "mock"; action: string; args: Expr[] | null; result: { returns: Expr } | { fails: true } | null }
  | { kind: "start"; flow: string; args: Expr[] }
  | { kind: "trigger"; text: Expr }
  | { kind: "event"; name: string; payload: Expr | null }
  | { kind: "reply"; text: Expr }
  | { kind: "timeout" }
  | { kind: "expectSay"; text: Expr; contains: boolean }
  | { kind: "expectMedia"; url: Expr }
  | { kind: "expectAsk"; prompt: Expr | null; options: Expr[] | null }
  | { kind: "expectAction"; action: string; args: Expr[] | null }
  | { kind: "expectWait"; ms: number }
  | { kind: "expectHandoff"; department: Expr | null }
  | { kind: "expectEnd"; reason: Expr | null }
  | { kind: "expectError" }
  | { kind: "expectCondition"; condition: Expr };

/** One statement of a test, with its source location and text (for failure reports). */
export type TestStep = TestAction & { at: TestLocation; source: string };

export interface TestCase {
  name: string;
  at: TestLocation;
  /** The test's closing `}` (where a failure at the end of the test points). */
  end: TestLocation;
  steps: TestStep[];
}

function lowerStep(statement: A.TestStatement): TestAction | undefined {
  switch (statement.kind) {
    case "TestContext":
      return { kind: "context", value: lowerExpression(statement.value) };
    case "TestClock":
      return { kind: "clock", value: lowerExpression(statement.value) };
    case "TestSeed":
      return { kind: "seed", value: statement.value?.value ?? 0 };
    case "TestMock":
      return {
        kind: "mock",
        action: statement.action?.text ?? "",
        args: statement.args ? statement.args.map(lowerExpression) : null,
        result:
          statement.result?.kind === "MockReturns"
            ? { returns: lowerExpression(statement.result.value) }
            : statement.result?.kind === "MockFails"
              ? { fails: true }
              : null,
      };
    case "TestStart":
      return { kind: "start", flow: statement.flow?.text ?? "", args: statement.args.map(lowerExpression) };
    case "TestTrigger":
      return { kind: "trigger", text: lowerExpression(statement.text) };
    case "TestEvent":
      return { kind: "event", name: stringValue(statement.event) ?? "", payload: statement.payload ? lowerExpression(statement.payload) : null };
    case "TestReply":
      return { kind: "reply", text: lowerExpression(statement.text) };
    case "TestTimeout":
      return { kind: "timeout" };
    case "ExpectSay":
      return { kind: "expectSay", text: lowerExpression(statement.text), contains: statement.contains };
    case "ExpectMedia":
      return { kind: "expectMedia", url: lowerExpression(statement.url) };
    case "ExpectAsk":
      return {
        kind: "expectAsk",
        prompt: statement.prompt ? lowerExpression(statement.prompt) : null,
        options: statement.options ? statement.options.map(lowerExpression) : null,
      };
    case "ExpectAction":
      return { kind: "expectAction", action: statement.action?.text ?? "", args: statement.args ? statement.args.map(lowerExpression) : null };
    case "ExpectWait":
      return { kind: "expectWait", ms: statement.duration?.ms ?? 0 };
    case "ExpectHandoff":
      return { kind: "expectHandoff", department: statement.department ? lowerExpression(statement.department) : null };
    case "ExpectEnd":
      return { kind: "expectEnd", reason: statement.reason ? lowerExpression(statement.reason) : null };
    case "ExpectError":
      return { kind: "expectError" };
    case "ExpectCondition":
      return { kind: "expectCondition", condition: lowerExpression(statement.condition) };
    default: {
      const never: never = statement;
      void never;
      return undefined;
    }
  }
}

/** The tests of a program, in project order. `filter` keeps the files whose URI it accepts. */
export function lowerTests(program: Program, filter: (uri: string) => boolean = () => true): TestCase[] {
  const cases: TestCase[] = [];
  for (const uri of program.uris) {
    if (!filter(uri)) continue;
    const file = program.getSourceFile(uri)!;
    const text = program.getText(uri)!;
    const lines = program.getLineIndex(uri)!;
    const location = (node: A.Node, offset = node.start): TestLocation => {
      const position = lines.positionAt(offset);
      return { uri, line: position.line + 1, column: position.character + 1 };
    };
    for (const declaration of file.declarations) {
      if (declaration.kind !== "Test") continue;
      const steps: TestStep[] = [];
      for (const statement of declaration.body) {
        const step = lowerStep(statement);
        if (step) steps.push({ ...step, at: location(statement), source: text.slice(statement.start, statement.end) });
      }
      cases.push({
        name: declaration.name?.parts.map((p) => (p.kind === "StringText" ? p.value : "{…}")).join("") ?? "(unnamed test)",
        at: location(declaration),
        // The last character of the test is its `}` (or, when a syntax error left it open, where it stops).
        end: location(declaration, Math.max(declaration.start, declaration.end - 1)),
        steps,
      });
    }
  }
  return cases;
}
