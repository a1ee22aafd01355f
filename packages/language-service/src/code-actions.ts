//! Code actions (quick fixes) for the diagnostics in a range: declare an
//! unknown variable, create a missing step, add the missing `match` cases,
//! and import an unknown name from the file that declares it.

import {
  builtinParamType,
  builtins,
  nodePathAt,
  standardActions,
  stringValue,
  typeToString,
  type FileCheckResult,
  type Diagnostic,
  type Node,
  type Program,
  type Type,
} from "@fluxo/compiler";
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
        const type = expectedType(program, uri, program.getCheckResult(uri), path, d.range.start);
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

const boolean: Type = { kind: "primitive", name: "boolean" };
const number: Type = { kind: "primitive", name: "number" };

/**
 * The type to declare an unknown variable with, written as source: what its
 * use site expects, so the declaration adds no type error of its own (a
 * condition wants a boolean, an argument its parameter's type, an operand
 * the other operand's type, `set x = v` the type of `v` and `set y = x`
 * that of `y`). `string` when the use says nothing.
 */
function expectedType(program: Program, uri: string, check: FileCheckResult | undefined, path: readonly Node[], start: number): string {
  const type = expected(program, uri, check, path, start);
  return type && type.kind !== "error" && type.kind !== "never" && type.kind !== "null" && type.kind !== "void" ? typeToString(widen(type)) : "string";
}

function expected(program: Program, uri: string, check: FileCheckResult | undefined, path: readonly Node[], start: number): Type | undefined {
  const typeOf = (node: Node | undefined): Type | undefined => {
    const type = node ? check?.types.get(node) : undefined;
    return type && type.kind !== "error" ? type : undefined;
  };
  const declared = (name: Node | undefined): Type | undefined => (name ? check?.resolutions.get(name as Extract<Node, { kind: "Name" }>)?.type : undefined);
  let i = path.length - 1;
  while (i >= 0 && !(path[i]!.kind === "Name" && path[i]!.start === start)) i--;
  if (i < 1) return undefined;
  const name = path[i]!;
  const owner = path[i - 1]!;
  // `set x = value` declares `x` with the value's type.
  if (owner.kind === "Set" && owner.name === name) return typeOf(owner.value);
  if (owner.kind !== "NameRef") return undefined;
  // The expression the name stands for, out of any parentheses.
  let node: Node = owner;
  let j = i - 2;
  while (j >= 0 && path[j]!.kind === "Paren") node = path[j--]!;
  const parent = path[j];
  if (!parent) return undefined;
  switch (parent.kind) {
    case "If":
    case "Validate":
      return parent.condition === node ? boolean : undefined;
    case "Unary":
      return parent.operator === "not" ? boolean : number;
    case "Binary": {
      const other = parent.left === node ? parent.right : parent.left;
      switch (parent.operator) {
        case "and":
        case "or":
          return boolean;
        case "in": {
          const otherType = typeOf(other);
          if (parent.left === node) return otherType?.kind === "list" ? otherType.element : undefined;
          return otherType ? { kind: "list", element: widen(otherType) } : undefined;
        }
        case "-":
        case "*":
        case "/":
        case "%":
          return typeOf(other) ?? number;
        default:
          return typeOf(other);
      }
    }
    case "Call":
    case "Run": {
      const index = parent.args.indexOf(node as (typeof parent.args)[number]);
      const callee = parent.kind === "Call" ? parent.callee : parent.flow;
      if (index < 0 || !callee) return undefined;
      const builtin = parent.kind === "Call" ? builtins.get(callee.text) : undefined;
      if (builtin) {
        if (builtin.custom) return undefined;
        const param = builtin.params[index];
        return param === undefined ? undefined : builtinParamType(param);
      }
      const standard = parent.kind === "Call" ? standardActions.get(callee.text) : undefined;
      // The callee as the checker resolves it (the file's own declaration,
      // else an import; tests see every name), else the declaration the
      // "Import" fix would bring in (the project's first of that name).
      const types = program.getProjectTypes();
      const symbol = types.visible(uri, callee.text, path.some((n) => n.kind === "Test")) ?? program.getIndex().declarations.get(callee.text);
      const signature = standard ?? (symbol?.kind === (parent.kind === "Call" ? "action" : "flow") ? types.signature(symbol) : undefined);
      return signature?.params[index]?.type;
    }
    case "Set":
      return parent.value === node ? declared(parent.name) : undefined;
    case "Var":
      return parent.value === node ? declared(parent.name) : undefined;
    case "Return": {
      const flow = path.find((n) => n.kind === "Flow");
      const symbol = flow?.kind === "Flow" && flow.name ? program.getProjectTypes().declaredIn(uri).get(flow.name.text) : undefined;
      const result = symbol?.kind === "flow" && symbol.node === flow ? program.getProjectTypes().signature(symbol).result : undefined;
      return result?.kind === "void" ? undefined : result;
    }
    default:
      return undefined;
  }
}

/** `let`-style widening of a literal type for a declaration (`"a"` → string, `1` → integer). */
function widen(type: Type): Type {
  if (type.kind !== "literal") return type;
  if (typeof type.value === "string") return { kind: "primitive", name: "string" };
  if (typeof type.value === "boolean") return { kind: "primitive", name: "boolean" };
  return { kind: "primitive", name: Number.isInteger(type.value) && type.integer !== false ? "integer" : "number" };
}
