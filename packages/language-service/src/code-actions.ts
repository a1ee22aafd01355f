//! Code actions (quick fixes) for the diagnostics in a range: declare an
//! unknown variable, create a missing step, add the missing `match` cases,
//! and import an unknown name from the file that declares it.

import { nodePathAt, stringValue, typeToString, type Diagnostic, type Node, type Program, type Type } from "@fluxo/compiler";
import { importEdit } from "./imports.js";
import type { Range, WorkspaceEdit } from "./service-types.js";
import { indentationAt, innermost, lineStartOf, typeMembers } from "./syntax.js";

export interface CodeAction {
  title: string;
  kind: "quickfix";
  /** The diagnostics the action fixes (as the compiler reported them). */
  diagnostics: Diagnostic[];
  edit: WorkspaceEdit;
  isPreferred?: boolean;
}

const overlaps = (a: Range, b: Range): boolean => a.start <= b.end && b.start <= a.end;

/** The name a diagnostic is about, from the source text it covers. */
function nameOf(program: Program, d: Diagnostic): string {
  return program.getText(d.uri)!.slice(d.range.start, d.range.end);
}

/** Quick fixes for the diagnostics of `uri` that touch `range`. */
export function getCodeActions(program: Program, uri: string, range: Range): CodeAction[] {
  const file = program.getSourceFile(uri);
  const text = program.getText(uri);
  if (!file || text === undefined) return [];
  const actions: CodeAction[] = [];
  const single = (title: string, d: Diagnostic, start: number, end: number, newText: string, isPreferred = false): void => {
    actions.push({ title, kind: "quickfix", diagnostics: [d], edit: { changes: { [uri]: [{ range: { start, end }, newText }] } }, ...(isPreferred ? { isPreferred } : {}) });
  };
  for (const d of program.getDiagnostics(uri)) {
    if (!overlaps(d.range, range)) continue;
    const path = nodePathAt(file, d.range.start);
    switch (d.code) {
      case "FX2001": {
        const name = nameOf(program, d);
        const statement = statementAt(path);
        if (!statement || !/^[A-Za-z_]\w*$/.test(name)) break;
        const at = lineStartOf(text, statement.start);
        const indent = indentationAt(text, statement.start);
        const valueType = statement.kind === "Set" && statement.value ? program.getCheckResult(uri)?.types.get(statement.value) : undefined;
        const type = valueType && valueType.kind !== "error" ? typeToString(widen(valueType)) : "string";
        single(`Declare variable '${name}'`, d, at, at, `${indent}var ${name}: ${type}\n`, true);
        break;
      }
      case "FX2002": {
        const flow = innermost(path, ["Flow"]);
        const name = nameOf(program, d);
        if (!flow || !text.slice(flow.start, flow.end).endsWith("}")) break;
        const close = flow.end - 1;
        const indent = indentationAt(text, flow.start);
        const inner = `${indent}    `;
        const at = lineStartOf(text, close);
        const onOwnLine = text.slice(at, close).trim() === "";
        const step = `\n${inner}step ${name} {\n${inner}    end\n${inner}}\n`;
        if (onOwnLine) single(`Create step '${name}'`, d, at, at, step, true);
        else single(`Create step '${name}'`, d, close, close, `${step}${indent}`, true);
        break;
      }
      case "FX3007": {
        const match = path.find((n): n is Extract<Node, { kind: "Match" }> => n.kind === "Match" && n.start === d.range.start);
        if (!match || !text.slice(match.start, match.end).endsWith("}")) break;
        const subject = match.subject ? program.getCheckResult(uri)?.types.get(match.subject) : undefined;
        const covered = new Set<string>();
        for (const arm of match.arms) {
          for (const p of arm.patterns) {
            if (p.kind === "String") covered.add(JSON.stringify(stringValue(p) ?? ""));
            else if (p.kind === "Number") covered.add(String(p.value));
            else if (p.kind === "Boolean") covered.add(String(p.value));
            else if (p.kind === "Null") covered.add("null");
          }
        }
        const missing: string[] = [];
        let infinite = false;
        for (const member of subject ? typeMembers(subject) : []) {
          if (member.kind === "literal") missing.push(typeof member.value === "string" ? JSON.stringify(member.value) : String(member.value));
          else if (member.kind === "null") missing.push("null");
          else if (member.kind === "primitive" && member.name === "boolean") missing.push("true", "false");
          else if (member.kind !== "never") infinite = true;
        }
        const cases = missing.filter((m) => !covered.has(m));
        const indent = indentationAt(text, match.start);
        const inner = match.arms[0] ? indentationAt(text, match.arms[0].start) : `${indent}    `;
        const lines = cases.map((c) => `${inner}${c} => {}\n`);
        if (infinite) lines.push(`${inner}else => {}\n`);
        if (lines.length === 0) break;
        const close = match.end - 1;
        const at = lineStartOf(text, close);
        const title = cases.length > 0 ? `Add missing case${cases.length > 1 ? "s" : ""} ${cases.join(", ")}${infinite ? " and else" : ""}` : "Add an 'else' arm";
        if (text.slice(at, close).trim() === "") single(title, d, at, at, lines.join(""), true);
        else single(title, d, close, close, `\n${lines.join("")}${indent}`, true);
        break;
      }
      case "FX2003":
      case "FX2004":
      case "FX2005": {
        const name = nameOf(program, d);
        const symbol = program.getIndex().declarations.get(name);
        if (!symbol || symbol.uri === uri) break;
        const wanted = d.code === "FX2003" ? "flow" : d.code === "FX2004" ? "action" : "type";
        if (symbol.kind !== wanted) break;
        const edit = importEdit(program, uri, name, symbol.uri);
        if (!edit) break;
        const from = symbol.uri.split("/").pop();
        actions.push({ title: `Import '${name}' from "${from}"`, kind: "quickfix", diagnostics: [d], edit: { changes: { [uri]: [edit] } }, isPreferred: true });
        break;
      }
      default:
        break;
    }
  }
  return actions;
}

/** The statement of a flow that holds the innermost node of a path. */
function statementAt(path: readonly Node[]): Node | undefined {
  for (let i = path.length - 1; i > 0; i--) {
    const parent = path[i - 1]!;
    if (parent.kind === "Flow" || parent.kind === "Step" || parent.kind === "Block") return path[i];
  }
  return undefined;
}

/** `let`-style widening of a literal type for a declaration (`"a"` → string, `1` → integer). */
function widen(type: Type): Type {
  if (type.kind !== "literal") return type;
  if (typeof type.value === "string") return { kind: "primitive", name: "string" };
  if (typeof type.value === "boolean") return { kind: "primitive", name: "boolean" };
  return { kind: "primitive", name: Number.isInteger(type.value) && type.integer !== false ? "integer" : "number" };
}
