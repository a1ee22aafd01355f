//! Completion. The cursor's position class is found the way rust-analyzer
//! and TypeScript do it: a marker identifier is inserted at the cursor, the
//! file is parsed and checked again with the project's types (the program
//! itself is not touched), and the node holding the marker says what fits
//! there: a field after `.`, a step after `goto`, a flow after `run`, a type
//! after `:`, an expression, or a statement (keywords by block, snippets,
//! actions). The tokens before the word add what the tree cannot show (the
//! statement start, `expect …`, `trigger …`). Items are filtered only by the
//! identifier text before the cursor, and replace only that text.

import {
  checkFile,

  nodePathAt,
  parse,
  primitiveNames,
  stringValue,
  typeToString,
  type FileCheckResult,
  type AskStatement,
  type FlowDecl,
  type LetStatement,
  type VarStatement,
  type Name,
  type Node,
  type PrimitiveName,
  type Program,
  type SourceFile,
  type Type,
} from "@fluxo/compiler";
import { importEdit, resolveImportUri } from "./imports.js";
import type { Range, TextEdit } from "./service-types.js";
import { builtinSignature, declarationSignature, flowBuiltinNames, standardActionSignature } from "./signatures.js";
import { inComment, indentationAt, innermost, tokenContext, typeMembers, walk, wordStartBefore } from "./syntax.js";

export type CompletionKind = "keyword" | "snippet" | "variable" | "parameter" | "step" | "flow" | "action" | "function" | "type" | "field" | "case";

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** A type or signature. */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /**
   * The text inserted over the completion's range; a snippet (`$1`, `${1:x}`, `$0`) when `snippet`.
   * Its lines after the first are indented relative to the cursor's line (see `Completions.indentation`).
   */
  insertText: string;
  snippet?: boolean;
  /** What the typed prefix is matched against, when not the label. */
  filterText?: string;
  sortText: string;
  /** Edits elsewhere in the file (an `import` for a name of another file). */
  additionalEdits?: TextEdit[];
}

export interface Completions {
  /** What an item replaces: the identifier text before the cursor (never text after it). */
  range: Range;
  items: CompletionItem[];
  /**
   * The leading whitespace of the cursor's line. Multi-line items are
   * indented relative to it: an LSP front end marks them
   * `InsertTextMode.adjustIndentation` for clients that support it, and adds
   * this to each line after the first itself for a client that inserts text
   * as it is.
   */
  indentation: string;
}

const MARKER = "fluxoCompletionMarker";

/** A line on each built-in type of LANGUAGE §3.2 (@fluxo/compiler `primitiveNames`: a Record, so none is missed). */
const primitiveDocs: Record<PrimitiveName, string> = {
  string: "any text",
  number: "a number",
  integer: "a whole number (a subtype of number)",
  boolean: "true or false",
  email: "an e-mail address (a subtype of string)",
  phone: "an E.164 phone number (a subtype of string)",
  date: "a YYYY-MM-DD date (a subtype of string)",
  url: "an absolute http(s) URL (a subtype of string)",
};

const declarationKeywords = ["import", "context", "type", "action", "flow", "test"];
const statementKeywords = ["say", "ask", "choose", "match", "if", "let", "var", "set", "goto", "run", "return", "end", "handoff", "wait", "random"];
const testKeywords = ["context", "clock", "seed", "mock", "start", "trigger", "event", "reply", "timeout", "expect"];
const expectKeywords = ["say", "media", "ask", "action", "wait", "handoff", "end", "error"];
const valueKeywords = ["true", "false", "null", "not"];

/** Is `prefix` a (case-insensitive) subsequence of `label` starting at its first character? */
function matchesPrefix(label: string, prefix: string): boolean {
  if (prefix === "") return true;
  const l = label.toLowerCase();
  const p = prefix.toLowerCase();
  if (l[0] !== p[0]) return false;
  let i = 0;
  for (const c of l) if (c === p[i]) i++;
  return i === p.length;
}

interface Scope {
  program: Program;
  uri: string;
  text: string;
  offset: number;
  path: Node[];
  /** The check of the text with the marker (the cursor's neighbourhood). */
  check: FileCheckResult | undefined;
  /** The flow holding the cursor in the program's own tree, and the program's check of the file. */
  flow: FlowDecl | undefined;
  programCheck: FileCheckResult | undefined;
  inTest: boolean;
  items: CompletionItem[];
}

function add(scope: Scope, item: Omit<CompletionItem, "sortText"> & { sortText?: string }, group: number): void {
  scope.items.push({ ...item, sortText: item.sortText ?? `${group}_${item.label}` });
}

function keywords(scope: Scope, words: readonly string[]): void {
  for (const word of words) add(scope, { label: word, kind: "keyword", insertText: word }, 3);
}

/**
 * Statement and declaration snippets. Their lines after the first carry only
 * the indentation they add (one level, four spaces as the formatter writes),
 * never the cursor line's: the client adds that line's indentation, as LSP
 * clients do by default (`InsertTextMode.adjustIndentation`: VS Code,
 * Neovim's `vim.snippet`, Helix). Text with the cursor's indentation written
 * in would be indented twice by them.
 */
const snippetBodies: Record<string, string> = {
  ask: 'ask ${1:name}: ${2:string} "${3:question}"',
  choose: 'choose "${1:question}" {\n    option "${2:Yes}" => ${3:end}\n    option "${4:No}" => ${0:end}\n}',
  match: 'match ${1:value} {\n    ${2:"case"} => ${3:end}\n    else => ${0:end}\n}',
  flow: "flow ${1:name} {\n    ${0}\n}",
  test: 'test "${1:name}" {\n    start ${2:flow}()\n    ${0}\n}',
};

function snippets(scope: Scope, names: readonly string[]): void {
  for (const name of names) {
    add(scope, { label: name, kind: "snippet", detail: `${name} … (snippet)`, insertText: snippetBodies[name]!, snippet: true, sortText: `4_${name}` }, 4);
  }
}

/** Declarations of the project of a kind, visible from the file or not (these get an import edit). */
function declarations(scope: Scope, kind: "flow" | "action" | "type", each: (name: string, detail: string | undefined, doc: string | undefined, edit: TextEdit | undefined) => void): void {
  const { program, uri } = scope;
  const index = program.getIndex();
  const imported = index.imports.get(uri);
  for (const symbol of index.declarations.values()) {
    if (symbol.kind !== kind) continue;
    const visible = scope.inTest || symbol.uri === uri || imported?.has(symbol.name);
    const edit = visible ? undefined : importEdit(program, uri, symbol.name, symbol.uri);
    if (!visible && !edit) continue;
    const signature = declarationSignature(program, symbol);
    each(symbol.name, signature?.label, symbol.node.doc, edit);
  }
}

function callables(scope: Scope, kind: "flow" | "action", withStandard: boolean): void {
  declarations(scope, kind, (name, detail, doc, edit) => {
    add(scope, {
      label: name,
      kind,
      ...(detail ? { detail } : {}),
      ...(doc ? { documentation: doc } : {}),
      insertText: `${name}($0)`,
      snippet: true,
      ...(edit ? { additionalEdits: [edit], detail: `${detail ?? name} (import)` } : {}),
    }, edit ? 5 : 2);
  });
  if (withStandard && kind === "action") {
    for (const name of ["tag", "untag", "addToList", "removeFromList", "setField"]) {
      const signature = standardActionSignature(name)!;
      add(scope, { label: name, kind: "action", detail: signature.label, documentation: signature.doc ?? "", insertText: `${name}($0)`, snippet: true }, 2);
    }
  }
}

function types(scope: Scope): void {
  for (const name of primitiveNames) add(scope, { label: name, kind: "type", detail: primitiveDocs[name], insertText: name }, 1);
  declarations(scope, "type", (name, _detail, doc, edit) => {
    add(scope, { label: name, kind: "type", ...(doc ? { documentation: doc } : {}), insertText: name, ...(edit ? { additionalEdits: [edit], detail: "(import)" } : {}) }, edit ? 5 : 1);
  });
}

function isMarker(name: Name | undefined): boolean {
  return name !== undefined && name.text.includes(MARKER);
}

/**
 * The flow whose variables an expression at the cursor sees, with the
 * program's check of its file (for their types): the cursor's flow, or in a
 * test's `expect expr` the flow the test started before it (LANGUAGE §7).
 */
function variableSource(scope: Scope): { flow: FlowDecl; check: FileCheckResult | undefined } | undefined {
  if (!scope.inTest) return scope.flow ? { flow: scope.flow, check: scope.programCheck } : undefined;
  const test = innermost(scope.path, ["Test"]);
  if (!test || !innermost(scope.path, ["ExpectCondition"])) return undefined;
  const started = scope.check?.testStarts.get(test);
  if (!started || started.statement.end > scope.offset) return undefined;
  return { flow: started.flow, check: scope.program.getCheckResult(started.uri) };
}

/** Variables and parameters of the flow an expression sees, with their types where the checker knows them. */
function variables(scope: Scope): void {
  const source = variableSource(scope);
  if (!source) return;
  const { flow, check } = source;
  const seen = new Set<string>();
  const offer = (name: Name | undefined, kind: "variable" | "parameter"): void => {
    if (!name || isMarker(name) || seen.has(name.text)) return;
    seen.add(name.text);
    const type = check?.resolutions.get(name)?.type;
    add(scope, { label: name.text, kind, ...(type && type.kind !== "error" ? { detail: typeToString(type) } : {}), insertText: name.text }, 1);
  };
  for (const param of flow.params) offer(param.name, "parameter");
  for (const node of variableDeclarations(flow)) offer(node.name, "variable");
}

function fields(scope: Scope, objectType: Type | undefined): void {
  if (!objectType) return;
  const index = scope.program.getIndex();
  for (const member of typeMembers(objectType)) {
    if (member.kind !== "record") continue;
    const alias = member.alias;
    const docs = new Map<string, string>();
    if (alias === "context") {
      for (const field of index.contextFields) if (field.field.doc && !docs.has(field.name)) docs.set(field.name, field.field.doc);
    } else if (alias) {
      const node = index.declarations.get(alias)?.node;
      if (node?.kind === "TypeAlias" && node.type?.kind === "RecordType") {
        for (const field of node.type.fields) if (field.name && field.doc) docs.set(field.name.text, field.doc);
      }
    }
    for (const [name, type] of member.fields) {
      const doc = docs.get(name);
      add(scope, { label: name, kind: "field", detail: typeToString(type), ...(doc ? { documentation: doc } : {}), insertText: name }, 1);
    }
  }
}

function expression(scope: Scope, valuePosition: boolean): void {
  const action = innermost(scope.path, ["Action"]);
  if (action) {
    for (const param of action.params) if (param.name) add(scope, { label: param.name.text, kind: "parameter", insertText: param.name.text }, 1);
    const secret = builtinSignature("secret")!;
    add(scope, { label: "secret", kind: "function", detail: secret.label, documentation: secret.doc ?? "", insertText: "secret($0)", snippet: true }, 2);
    return;
  }
  variables(scope);
  add(scope, { label: "context", kind: "variable", detail: "what the host knows about the contact", insertText: "context" }, 1);
  for (const name of flowBuiltinNames()) {
    const signature = builtinSignature(name)!;
    add(scope, { label: name, kind: "function", detail: signature.label, documentation: signature.doc ?? "", insertText: `${name}($0)`, snippet: true }, 2);
  }
  keywords(scope, valueKeywords);
  if (valuePosition && !scope.inTest) {
    callables(scope, "action", false);
    keywords(scope, ["run"]);
  }
}

/** The literal cases a `match` does not cover yet (and `else`). */
function matchCases(scope: Scope, match: Extract<Node, { kind: "Match" }>, atArmStart: boolean, quoted: boolean): void {
  const subject = match.subject ? scope.check?.types.get(match.subject) : undefined;
  const covered = new Set<string>();
  let hasElse = false;
  for (const arm of match.arms) {
    if (arm.isElse) hasElse = true;
    for (const pattern of arm.patterns) {
      if (pattern.kind === "String") covered.add(JSON.stringify(stringValue(pattern) ?? ""));
      else if (pattern.kind === "Number") covered.add(pattern.raw);
      else if (pattern.kind === "Boolean") covered.add(String(pattern.value));
      else if (pattern.kind === "Null") covered.add("null");
    }
  }
  const cases: string[] = [];
  for (const member of subject ? typeMembers(subject) : []) {
    if (member.kind === "literal") cases.push(typeof member.value === "string" ? JSON.stringify(member.value) : String(member.value));
    else if (member.kind === "null") cases.push("null");
    else if (member.kind === "primitive" && member.name === "boolean") cases.push("true", "false");
  }
  const arrow = atArmStart ? " => $0" : "";
  for (const literal of cases) {
    if (covered.has(literal)) continue;
    const filter = quoted || !literal.startsWith('"') ? literal : literal.slice(1, -1);
    add(scope, { label: literal, kind: "case", detail: "missing case", filterText: filter, insertText: literal.replace(/\$/g, "\\$") + arrow, snippet: true }, 0);
  }
  if (atArmStart && !hasElse) add(scope, { label: "else", kind: "keyword", insertText: "else => $0", snippet: true }, 3);
}

function statements(scope: Scope, container: Node | undefined, before: string): void {
  switch (container?.kind) {
    case undefined:
      keywords(scope, declarationKeywords);
      snippets(scope, ["flow", "test"]);
      return;
    case "Test":
      keywords(scope, testKeywords);
      return;
    case "Ask":
      keywords(scope, container.from ? ["validate", "invalid", "timeout", "label"] : ["validate", "invalid", "timeout"]);
      return;
    case "Choose":
      keywords(scope, ["option", "invalid", "timeout"]);
      return;
    case "Random":
    case "Context":
    case "RecordType":
    case "Record":
    case "Action":
    case "Http":
    case "TypeAlias":
      return;
    default:
      keywords(scope, statementKeywords);
      if (container?.kind === "Flow" && before !== "FatArrow") keywords(scope, ["step", "trigger"]);
      snippets(scope, ["ask", "choose", "match"]);
      callables(scope, "action", true);
  }
}

/**
 * The text that is parsed again with the marker: the file's text with
 * everything but the cursor's declaration blanked out (offsets stay the
 * same), and, in a flow, only the flow's header and the statement or step
 * holding the cursor (or, between two, the one before it), so that completion on a large file costs the size of
 * one step, not of the file. The variables the rest of the flow declares
 * are declared again in the blanked space (`var x: T`), so expressions keep
 * their types. Falls back to the whole declaration when that does not fit.
 */
function neighbourhood(text: string, file: SourceFile, offset: number, flow: FlowDecl | undefined, programCheck: FileCheckResult | undefined): string {
  const declarations = file.declarations;
  const index = declarations.findIndex((d) => d.start <= offset && offset <= d.end);
  const blank = (length: number): string => " ".repeat(Math.max(0, length));
  if (index < 0) {
    // Between declarations: what lies between the neighbours, and the one before when the cursor is on
    // its last line, since the cursor may continue it (`action a() -> |` ends at the arrow).
    const previous = [...declarations].reverse().find((d) => d.end <= offset);
    const next = declarations.find((d) => d.start > offset);
    const continues = previous !== undefined && !text.slice(previous.end, offset).includes("\n");
    const from = continues ? previous.start : (previous?.end ?? 0);
    return blank(from) + text.slice(from, next?.start ?? text.length);
  }
  const declaration = declarations[index]!;
  const whole = blank(declaration.start) + text.slice(declaration.start, declaration.end);
  if (declaration !== flow || !flow) return whole;
  const elements: Node[] = [...flow.triggers, ...flow.body, ...flow.steps].sort((a, b) => a.start - b.start);
  if (elements.length < 2) return whole;
  const headerEnd = elements[0]!.start;
  const holding = elements.find((e) => e.start <= offset && offset <= e.end);
  // Between elements, the one before is kept too: the cursor may continue it (`goto |` parses as a `goto` without a target).
  const from = holding ? holding.start : ([...elements].reverse().find((e) => e.end <= offset)?.start ?? headerEnd);
  const to = holding ? holding.end : (elements.find((e) => e.start > offset)?.start ?? from);
  if (from <= headerEnd) return whole;
  const declared: string[] = [];
  const seen = new Set(flow.params.map((p) => p.name?.text));
  for (const node of variableDeclarations(flow)) {
    if (seen.has(node.name!.text)) continue;
    if (node.start >= from && node.end <= to) continue;
    seen.add(node.name!.text);
    const type = programCheck?.resolutions.get(node.name!)?.type;
    if (type && type.kind !== "error" && type.kind !== "void" && type.kind !== "never") declared.push(`var ${node.name!.text}: ${typeToString(type)}\n`);
  }
  const prelude = declared.join("");
  if (prelude.length > from - headerEnd) return whole;
  const end = Math.max(to, offset);
  return blank(flow.start) + text.slice(flow.start, headerEnd) + prelude + blank(from - headerEnd - prelude.length) + text.slice(from, end) + "\n}\n";
}

/** The `let`, `var` and `ask` statements that name a variable, by flow (a flow's tree is a value: an edit makes a new flow object). */
const declarationsByFlow = new WeakMap<FlowDecl, Node[]>();

/** The statements of a flow that declare a variable, in source order (walked once per version of the flow). */
function variableDeclarations(flow: FlowDecl): (LetStatement | VarStatement | AskStatement)[] {
  let list = declarationsByFlow.get(flow);
  if (!list) {
    const found: Node[] = [];
    walk(flow, (node) => {
      if ((node.kind === "Let" || node.kind === "Var" || node.kind === "Ask") && node.name) found.push(node);
    });
    declarationsByFlow.set(flow, (list = found));
  }
  return list as (LetStatement | VarStatement | AskStatement)[];
}

/** Is the `}` ending at `end` the end of an `if`'s block that has no `else` yet (so `else` may follow)? */
function openIfEndingAt(file: SourceFile, end: number): boolean {
  const path = nodePathAt(file, end - 1);
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i]!;
    if (node.kind === "If" && !node.else && node.then?.end === end) return true;
  }
  return false;
}

const containerKinds = [
  "Flow", "Step", "Block", "Test", "Ask", "Choose", "Match", "Random", "Option", "MatchArm", "Invalid", "Timeout", "RandomArm", "Context",
  "RecordType", "Record", "Action", "Http", "TypeAlias",
] as const;
const boundaries = new Set(["start", "Newline", "LBrace", "Semicolon", "FatArrow"]);

/** Completions at `offset` of `uri`. */
export function getCompletions(program: Program, uri: string, offset: number): Completions {
  const text = program.getText(uri);
  const file = program.getSourceFile(uri);
  const start = text === undefined ? offset : wordStartBefore(text, offset);
  const indentation = text === undefined ? "" : indentationAt(text, offset);
  const none: Completions = { range: { start, end: offset }, items: [], indentation };
  if (text === undefined || !file) return none;
  const prefix = text.slice(start, offset);
  if (/^[0-9]/.test(prefix) || inComment(file, offset)) return none;
  // Only the cursor's neighbourhood is parsed and checked again (see `neighbourhood`).
  const programPath = nodePathAt(file, offset);
  const programCheck = program.getCheckResult(uri);
  const flow = innermost(programPath, ["Flow"]);
  const local = neighbourhood(text, file, offset, flow, programCheck);
  const tokens = tokenContext(local, start);
  let before = tokens.before;
  if (tokens.containing) {
    if (tokens.containing.type === "Newline") before = tokens.containing;
    else return none; // inside a string's text, a number, …
  }
  if (/^(StringOpen|BlockStringOpen|StringText|BlockStringText|Escape)$/.test(before.type)) return none;

  const patched = local.slice(0, offset) + MARKER + local.slice(offset);
  const parsed = parse(patched, uri);
  let check: FileCheckResult | undefined;
  try {
    check = checkFile(uri, parsed.file, program.getProjectTypes());
  } catch {
    check = undefined;
  }
  const path = nodePathAt(parsed.file, offset + 1);
  const scope: Scope = { program, uri, text, offset, path, check, flow, programCheck, inTest: programPath[0]?.kind === "Test", items: [] };
  const nameIndex = path.findIndex((n) => n.kind === "Name" && isMarker(n));
  const name = nameIndex >= 0 ? (path[nameIndex] as Name) : undefined;
  const parent = nameIndex > 0 ? path[nameIndex - 1] : undefined;
  const grandparent = nameIndex > 1 ? path[nameIndex - 2] : undefined;
  let range: Range = { start, end: offset };

  if (name && parent?.kind === "Member") {
    fields(scope, check?.types.get(parent.object));
  } else if (parent?.kind === "Goto") {
    for (const step of scope.flow?.steps ?? []) {
      if (step.name && !isMarker(step.name)) add(scope, { label: step.name.text, kind: "step", ...(step.doc ? { documentation: step.doc } : {}), insertText: step.name.text }, 1);
    }
  } else if (parent?.kind === "Run" || parent?.kind === "TestStart" || (!name && before.image === "run")) {
    callables(scope, "flow", false);
  } else if (parent?.kind === "TypeRef") {
    types(scope);
  } else if (parent?.kind === "TestMock" || parent?.kind === "ExpectAction") {
    callables(scope, "action", true);
  } else if (parent?.kind === "Import") {
    const target = parent.path ? resolveImportUri(program, uri, stringValue(parent.path) ?? "") : undefined;
    for (const symbol of program.getIndex().declarations.values()) {
      if (symbol.uri === target && !parent.names.some((n) => n.text === symbol.name)) {
        add(scope, { label: symbol.name, kind: symbol.kind === "type" ? "type" : symbol.kind, insertText: symbol.name }, 1);
      }
    }
  } else if (parent?.kind === "Set" && parent.name === name) {
    variables(scope);
  } else if (parent && "name" in parent && (parent as { name?: unknown }).name === name && parent.kind !== "NameRef") {
    // Declaring a new name (let x, ask x, flow x, step x, a field, …): nothing to offer.
  } else if (parent?.kind === "MatchArm" && grandparent?.kind === "Match") {
    const quoted = text[start - 1] === '"';
    if (quoted) range = { start: start - 1, end: offset };
    matchCases(scope, grandparent, boundaries.has(before.type) && before.type !== "FatArrow", quoted);
  } else if (before.image === "expect" && innermost(path, ["Test"])) {
    keywords(scope, expectKeywords);
    expression(scope, false);
  } else if (before.image === "trigger" && innermost(path, ["Flow"])) {
    keywords(scope, ["keyword", "event", "start"]);
  } else if (before.image === "handoff") {
    keywords(scope, ["to"]);
  } else if (before.type === "RBrace" && openIfEndingAt(file, before.end)) {
    keywords(scope, ["else"]);
  } else if (boundaries.has(before.type)) {
    const container = innermost(path, containerKinds);
    if (container?.kind === "Match" && before.type !== "FatArrow") matchCases(scope, container, true, false);
    else if (container?.kind === "MatchArm" && before.type !== "FatArrow") matchCases(scope, innermost(path, ["Match"])!, true, false);
    else statements(scope, container, before.type);
  } else if (name && (parent?.kind === "NameRef" || (parent?.kind === "Call" && parent.callee === name))) {
    // The whole right side of let/var/set may also call an action or run a flow.
    const holder = grandparent as { kind: string; value?: unknown } | undefined;
    const valuePosition = holder !== undefined && (holder.kind === "Let" || holder.kind === "Var" || holder.kind === "Set") && holder.value === parent;
    if (before.image === "say") keywords(scope, scope.inTest ? ["contains"] : ["image", "video", "audio", "file"]);
    expression(scope, valuePosition);
  } else if (before.type === "Colon" || before.type === "ThinArrow" || before.type === "Pipe") {
    types(scope);
  }

  const typed = text.slice(range.start, offset);
  const items = scope.items.filter((item) => matchesPrefix(item.filterText ?? item.label, typed));
  const seen = new Set<string>();
  return {
    range,
    indentation,
    items: items.filter((item) => {
      const key = `${item.kind}:${item.label}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}
