//! Invariants every parse result must keep, whatever the text (SourceFile
//! always returned, ranges inside the text, diagnostics sorted, node lists
//! without holes, each node where the AST type says it may be). Used by the
//! property tests; returns the violations as readable strings, so a failing
//! run says what broke, not only that something did.

import type { Diagnostic, ParseResult, Range } from "@fluxo/compiler";

type AnyNode = { kind: string; start?: number; end?: number; [key: string]: unknown };

function isNode(value: unknown): value is AnyNode {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

const statementKinds = new Set([
  "Say", "SayMedia", "Wait", "Ask", "Choose", "CallStatement", "Let", "Var", "Set", "RunStatement", "Return", "If",
  "Match", "Random", "Goto", "End", "Handoff", "Block",
]);
const testStatementKinds = new Set([
  "TestContext", "TestClock", "TestSeed", "TestMock", "TestStart", "TestTrigger", "TestEvent", "TestReply",
  "TestTimeout", "ExpectSay", "ExpectMedia", "ExpectAsk", "ExpectAction", "ExpectWait", "ExpectHandoff", "ExpectEnd",
  "ExpectError", "ExpectCondition",
]);
const declarationKinds = new Set(["Import", "Context", "TypeAlias", "Action", "Flow", "Test"]);
const triggerKinds = new Set(["KeywordTrigger", "EventTrigger", "StartTrigger"]);
const clauseKinds = new Set(["Validate", "Invalid", "Timeout", "Label"]);

/** Where a node of each container field may be: `Kind.field` → allowed kinds, with a name for messages. */
const allowed: Record<string, [string, ReadonlySet<string>]> = {
  "SourceFile.declarations": ["declaration", declarationKinds],
  "Flow.body": ["statement", statementKinds],
  "Flow.triggers": ["trigger", triggerKinds],
  "Flow.steps": ["step", new Set(["Step"])],
  "Step.body": ["statement", statementKinds],
  "Block.statements": ["statement", statementKinds],
  "Option.then": ["statement", statementKinds],
  "Invalid.then": ["statement", statementKinds],
  "Timeout.then": ["statement", statementKinds],
  "MatchArm.body": ["statement", statementKinds],
  "RandomArm.body": ["statement", statementKinds],
  "If.then": ["block", new Set(["Block"])],
  "If.else": ["else branch", new Set(["Block", "If"])],
  "Test.body": ["test statement", testStatementKinds],
  "Ask.clauses": ["clause", clauseKinds],
  "Choose.clauses": ["clause", clauseKinds],
  "Choose.options": ["option", new Set(["Option"])],
  "Match.arms": ["match arm", new Set(["MatchArm"])],
  "Random.arms": ["random arm", new Set(["RandomArm"])],
};

function rangeProblem(range: Partial<Range> | undefined, length: number): string | undefined {
  if (!range || typeof range.start !== "number" || typeof range.end !== "number") return "no range";
  if (!Number.isInteger(range.start) || !Number.isInteger(range.end)) return `non-integer range ${range.start}-${range.end}`;
  if (range.start < 0 || range.end > length) return `range ${range.start}-${range.end} outside the text (length ${length})`;
  if (range.start > range.end) return `range ${range.start}-${range.end} ends before it starts`;
  return undefined;
}

/**
 * The violations of a parse result, as `category: detail` strings. The
 * category (before the first `:`) is stable, so tests can tell known bugs
 * apart from new ones.
 */
export function invariantViolations(text: string, result: ParseResult): string[] {
  const out: string[] = [];
  const { file, diagnostics } = result;
  if (!isNode(file) || file.kind !== "SourceFile") return ["no SourceFile: parse returned no file"];
  if (file.start !== 0 || file.end !== text.length) out.push(`file range: ${file.start}-${file.end}`);

  diagnostics.forEach((d: Diagnostic, i) => {
    const problem = rangeProblem(d.range, text.length);
    if (problem) out.push(`diagnostic range: ${d.code} ${problem}`);
    if (i > 0 && d.range.start < diagnostics[i - 1]!.range.start) out.push(`diagnostics unsorted: ${d.code} at ${d.range.start}`);
    if (d.message.includes("internal parser error")) out.push(`internal parser error: ${d.message}`);
    if (!/^FX1\d{3}$/.test(d.code)) out.push(`non-syntax code: ${d.code}`);
  });

  const seen = new Set<object>();
  const visit = (node: AnyNode, path: string): void => {
    if (seen.has(node)) {
      out.push(`shared node: ${node.kind} at ${path}`);
      return;
    }
    seen.add(node);
    if ("range" in node) out.push(`range object: ${node.kind} has a 'range' field (offsets are the node's own start and end) at ${path}`);
    const problem = rangeProblem(node as Partial<Range>, text.length);
    if (problem) out.push(`node range: ${node.kind} ${problem} at ${path}`);
    for (const [key, value] of Object.entries(node)) {
      const rule = allowed[`${node.kind}.${key}`];
      if (!Array.isArray(value) && !isNode(value)) continue;
      const items: unknown[] = Array.isArray(value) ? value : [value];
      items.forEach((item, index) => {
        const where = Array.isArray(value) ? `${path}.${key}[${index}]` : `${path}.${key}`;
        if (!isNode(item)) {
          out.push(`hole: ${node.kind}.${key} at ${where}`);
          return;
        }
        if (node.kind !== "SourceFile" && (item.start! < node.start! || item.end! > node.end!)) {
          out.push(`child outside parent: ${item.kind} in ${node.kind}.${key} at ${where}`);
        }
        if (rule && !rule[1].has(item.kind)) out.push(`misplaced: ${item.kind} as a ${rule[0]} in ${node.kind}.${key} at ${where}`);
        visit(item, where);
      });
    }
  };
  visit(file as unknown as AnyNode, "file");
  return out;
}

/** The stable part of a violation: its category, and for holes and misplaced nodes what and where. */
export function violationCategory(violation: string): string {
  const [category, rest = ""] = violation.split(": ", 2);
  if (category === "hole") return `hole: ${rest.split(" at ")[0]}`;
  if (category === "misplaced") return `misplaced: ${rest.split(" in ")[0]}`;
  if (category === "child outside parent") return `${category}: ${rest.split(" at ")[0]}`;
  return category!;
}
