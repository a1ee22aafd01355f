//! The type checker (LANGUAGE §3–§7): resolves names and types in one file
//! against the project index, types every expression, narrows nullables
//! flow-sensitively, and checks statements, matches, triggers, HTTP actions
//! and tests. Control-flow rules (FX4xxx) live in `flow-analysis.ts`.
//!
//! Results are side tables keyed by node (types, name resolutions): the AST
//! stays a value. An expression whose type is already an error gets the
//! error type, which is assignable to and from everything, so one mistake is
//! reported once (§8).

import { UNREADABLE_FIELDS } from "@fluxo/runtime/bundle";
import { patternProblem } from "@fluxo/runtime/pattern";
import type * as A from "./ast.js";
import { stringValue } from "./ast.js";
import { interpolated, matchKeyword, normalizeText, type DeclarationSymbol, type ProjectIndex } from "./bind.js";
import { diagnostic, type Diagnostic, type DiagnosticCode, type RelatedInformation } from "./diagnostics.js";
import { isTimeZone, parseHoursSpec } from "./hours.js";
import { MAX_NESTING } from "./lexer.js";
import {
  booleanType,
  errorType,
  integerType,
  isAssignable,
  isBoolean,
  isComparable,
  isDate,
  isInteger,
  isNullable,
  isNumeric,
  isPrimitiveName,
  isShowable,
  isStringLike,
  listOf,
  literal,
  members,
  neverType,
  nonNull,
  nullable,
  nullType,
  numberType,
  primitive,
  stringType,
  typesEqual,
  typeToString,
  union,
  voidType,
  widenLiteral,
  withAlias,
  type Type,
} from "./types.js";

// ------------------------------------------------------------ public results

export type SymbolKind =
  | "variable"
  | "parameter"
  | "flow"
  | "action"
  | "type"
  | "step"
  | "field"
  | "context-field"
  | "builtin"
  | "standard-action";

/** What a name refers to (for hover, definition, references, rename). */
export interface Resolution {
  kind: SymbolKind;
  name: string;
  /** Where it is declared (absent for built-ins and standard actions). */
  uri?: string;
  /**
   * The declaring name node itself (a node is a range; copy it with `rangeOf` to keep it): it moves with its
   * file's tree when an edit shifts it, so a resolution replayed from a
   * step's previous check (`StepCheck`) still points at the declaration.
   */
  range?: A.Name;
  type?: Type;
  /** For fields: the record type the field belongs to (display). */
  owner?: string;
}

export interface FileCheckResult {
  diagnostics: Diagnostic[];
  /** The type of every checked expression (and of declared names). */
  types: Map<A.Node, Type>;
  /** What each name node refers to (declarations resolve to themselves). */
  resolutions: Map<A.Name, Resolution>;
  /** `match` statements with no fall-through path (for flow analysis). */
  exhaustiveMatches: Set<A.MatchStatement>;
  /** Those of them whose subject is in error: whether they cover every case is unknown, so nothing after them is reported unreachable. */
  uncheckedMatches: Set<A.MatchStatement>;
  /** The flow each test starts (LANGUAGE §7), and the statement that starts it: whose variables `expect expr` sees after it. */
  testStarts: Map<A.TestDecl, TestStart>;
  /**
   * What checking each step of the file's flows wrote and read, for the next
   * check of the same file (see `StepCheck`). Steps that reported a
   * diagnostic are not kept: they are always checked again.
   */
  steps: Map<A.Step, StepCheck>;
}

/**
 * What checking one step wrote (types, resolutions, exhaustive `match`es)
 * and what it read from its flow (variables, steps). After an edit elsewhere,
 * incremental re-parsing keeps the step's node (`reparse.ts`); when nothing
 * it read changed, the next check replays what it wrote instead of checking
 * it again. Everything else a step's check depends on (the project's
 * declarations, the flow's header) is in the program's shape: when that
 * changes, no previous result is used.
 */
export interface StepCheck {
  /**
   * The nodes the step typed and their types, at the same indices (two
   * arrays, not an array of pairs: a step of a large flow records hundreds
   * of types, and a pair is an allocation of its own).
   */
  typedNodes: A.Node[];
  types: Type[];
  /** The names the step resolved and their resolutions, at the same indices. */
  resolvedNames: A.Name[];
  resolutions: Resolution[];
  exhaustive: A.MatchStatement[];
  unchecked: A.MatchStatement[];
  /** Per name read: the variable's first declaration and its type, or the step. */
  reads: Map<string, StepRead>;
}

type StepRead =
  | { kind: "variable"; name: string; declaration: A.Name | undefined; type: string | undefined }
  | { kind: "step"; name: string; step: A.Step | undefined }
  | { kind: "stepNames"; names: string };

/** The flow a test starts, known at compile time. */
export interface TestStart {
  uri: string;
  flow: A.FlowDecl;
  /** The `start`, `trigger` or `event` statement. */
  statement: A.TestStatement;
}

// ------------------------------------------------------------ signatures

export interface ParamSignature {
  name: string;
  type: Type;
  optional: boolean;
}

export interface CallableSignature {
  name: string;
  params: ParamSignature[];
  result: Type;
}

/** The standard actions of §3.3, declared by the compiler in every project. */
export const standardActions: ReadonlyMap<string, CallableSignature> = new Map(
  (
    [
      ["tag", [["name", stringType]]],
      ["untag", [["name", stringType]]],
      ["addToList", [["list", stringType]]],
      ["removeFromList", [["list", stringType]]],
      ["setField", [["name", stringType], ["value", stringType]]],
    ] as const
  ).map(([name, params]) => [
    name,
    { name, params: params.map(([p, type]) => ({ name: p, type, optional: false })), result: voidType },
  ]),
);

interface Builtin {
  params: (string | Type)[];
  result: Type;
  /** Checks the argument types itself (for `len`'s string-or-list). */
  custom?: (args: Type[]) => string | undefined;
}

/** Built-in functions of §6 (and `secret`, only inside HTTP actions). */
export const builtins: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ["lower", { params: ["s"], result: stringType }],
  ["upper", { params: ["s"], result: stringType }],
  ["trim", { params: ["s"], result: stringType }],
  ["len", { params: ["value"], result: integerType, custom: (args) => (isStringLike(args[0]!) || args[0]!.kind === "list" ? undefined : "a string or a list") }],
  ["contains", { params: ["s", "part"], result: booleanType }],
  ["startsWith", { params: ["s", "prefix"], result: booleanType }],
  ["endsWith", { params: ["s", "suffix"], result: booleanType }],
  ["matches", { params: ["s", "pattern"], result: booleanType }],
  ["toNumber", { params: ["s"], result: nullable(numberType) }],
  ["round", { params: [numberType], result: integerType }],
  ["floor", { params: [numberType], result: integerType }],
  ["ceil", { params: [numberType], result: integerType }],
  ["fixed", { params: [numberType, integerType], result: stringType }],
  ["today", { params: [], result: primitive("date") }],
  ["withinHours", { params: ["spec", "timeZone"], result: booleanType }],
  ["secret", { params: ["name"], result: stringType }],
]);

/** The type a built-in function's parameter takes (a parameter given by name only takes a string). */
export function builtinParamType(param: string | Type): Type {
  return typeof param === "string" ? stringType : param;
}

/**
 * What of the language a declaration may not be named after (FX2006), in
 * words (`"a built-in type"`), or undefined when the name is free. A
 * primitive's name always means the primitive (type references resolve it
 * first), so an alias of that name would be ignored; a call resolves
 * built-in functions and standard actions before the project's actions.
 * Flows have no such names. The checker reports these; rename refuses them.
 */
export function nameTakenBy(kind: "flow" | "action" | "type", name: string): "a built-in type" | "a standard action" | "a built-in function" | undefined {
  if (kind === "type") return isPrimitiveName(name) ? "a built-in type" : undefined;
  if (kind === "action") return standardActions.has(name) ? "a standard action" : builtins.has(name) ? "a built-in function" : undefined;
  return undefined;
}

/**
 * Whether an `else` may follow this expression (LANGUAGE §5.4): a call of an
 * action, or a call whose callee is already reported (FX2004: unknown, or a
 * type or a flow called like an action, or lost to a syntax error), whose
 * `else` is then not reported again (§8: no cascades). Built-in functions
 * cannot fail. The checker (FX3001) and the flow analysis (an `else` that
 * never runs) both ask this.
 */
export function isActionCall(expression: A.Expression | undefined): boolean {
  if (expression?.kind !== "Call") return false;
  const name = expression.callee?.text;
  return typeof name !== "string" || standardActions.has(name) || !builtins.has(name);
}

export function signatureToString(signature: CallableSignature): string {
  const params = signature.params.map((p) => `${p.name}${p.optional ? "?" : ""}: ${typeToString(p.type)}`).join(", ");
  return `${signature.name}(${params})${signature.result.kind === "void" ? "" : ` -> ${typeToString(signature.result)}`}`;
}

// ------------------------------------------------------------ project-wide types

/**
 * How deep an alias may expand: each alias on the way, list, record, union
 * and `?` is a level. As deep as the parser lets one type be (ARCHITECTURE,
 * "Nesting limits"), so that a chain of aliases is bounded like a chain of
 * `[]`s: the checker and every later stage walk types recursively.
 */
const MAX_TYPE_DEPTH = 2 * MAX_NESTING;

/** See `ProjectTypes.aliasShape`. */
interface AliasShape {
  /** The alias refers to itself, through any path of aliases. */
  cyclic: boolean;
  /** Levels of its expansion (0 when cyclic). */
  depth: number;
  /** An alias it refers to is already too deep (that one is reported). */
  deeper: boolean;
}

interface AliasReference {
  alias: A.TypeDecl;
  /** The file holding the alias. */
  uri: string;
  /** Levels of the referring type above the reference. */
  levels: number;
}

/**
 * Types that depend on the whole project (aliases, the merged context, action
 * and flow signatures). Computed once per project state and shared by the
 * files' checkers; problems are reported by the checker of the declaring file.
 */
export class ProjectTypes {
  private aliasTypes = new Map<A.TypeDecl, Type>();
  private resolvingAliases = new Set<A.TypeDecl>();
  private aliasShapes = new Map<A.TypeDecl, AliasShape>();
  private contextCache: Type | undefined;
  private signatures = new Map<A.FlowDecl | A.ActionDecl, CallableSignature>();

  constructor(readonly index: ProjectIndex) {}

  /** The merged `context` record (first declaration of a field wins). */
  get context(): Type {
    if (this.contextCache) return this.contextCache;
    const fields = new Map<string, Type>();
    for (const field of this.index.contextFields) {
      if (fields.has(field.name)) continue;
      fields.set(field.name, field.field.type ? this.resolveType(field.field.type, field.uri) : errorType);
    }
    this.contextCache = { kind: "record", fields, alias: "context" };
    return this.contextCache;
  }

  /** The flows, actions and types a file declares itself, by name (`ProjectIndex.declaredIn`). */
  declaredIn(uri: string): ReadonlyMap<string, DeclarationSymbol> {
    return this.index.declaredIn.get(uri) ?? noDeclarations;
  }

  /** Is a declared name visible from a file? A file sees its own declarations first; tests see everything. */
  visible(uri: string, name: string, inTest: boolean): DeclarationSymbol | undefined {
    const own = this.declaredIn(uri).get(name);
    if (own) return own;
    if (inTest) return this.index.declarations.get(name);
    return this.index.imports.get(uri)?.get(name);
  }

  /** Does a failed import of this file declare the name? Its uses are then silent: the import has the one error. */
  importFailed(uri: string, name: string): boolean {
    if (!this.index.failedImports.get(uri)?.has(name)) return false;
    // A name the file declares itself is reported as it would be without the import.
    return !this.declaredIn(uri).has(name);
  }

  aliasType(symbol: DeclarationSymbol): Type {
    const node = symbol.node as A.TypeDecl;
    const cached = this.aliasTypes.get(node);
    if (cached) return cached;
    if (this.resolvingAliases.has(node)) return errorType;
    // An alias that refers to itself, or expands too deep, is not expanded
    // (its FX2005 is reported by `checkTypeAlias`): expanding it recursively
    // could overflow the stack, and so could every walk of the type it gives.
    const shape = this.aliasShape(node, symbol.uri);
    if (shape.cyclic || shape.depth > MAX_TYPE_DEPTH) {
      this.aliasTypes.set(node, errorType);
      return errorType;
    }
    this.resolvingAliases.add(node);
    const type = node.type ? withAlias(this.resolveType(node.type, symbol.uri), symbol.name) : errorType;
    this.resolvingAliases.delete(node);
    this.aliasTypes.set(node, type);
    return type;
  }

  /**
   * Whether an alias refers to itself (through any path of aliases: types
   * are expanded structurally, so a reference inside a list or a record
   * field is a cycle too), and how deep its expansion is. Computed without
   * recursion over the aliases (Tarjan's strongly connected components, with
   * an explicit stack), for every alias reached, since a chain of aliases
   * may be thousands long. Names resolve as in `resolveType`.
   */
  aliasShape(root: A.TypeDecl, rootUri: string): AliasShape {
    const known = this.aliasShapes.get(root);
    if (known) return known;
    interface Frame { node: A.TypeDecl; refs: AliasReference[]; next: number; levels: number }
    const order = new Map<A.TypeDecl, number>();
    const low = new Map<A.TypeDecl, number>();
    const open: A.TypeDecl[] = [];
    const onStack = new Set<A.TypeDecl>();
    const frames: Frame[] = [];
    const enter = (node: A.TypeDecl, uri: string): void => {
      order.set(node, order.size);
      low.set(node, order.size - 1);
      open.push(node);
      onStack.add(node);
      const found = { refs: [] as AliasReference[], levels: 0 };
      if (node.type) this.aliasReferences(node.type, uri, 0, found);
      frames.push({ node, refs: found.refs, next: 0, levels: found.levels });
    };
    enter(root, rootUri);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.refs.length) {
        const target = frame.refs[frame.next++]!.alias;
        if (this.aliasShapes.has(target)) continue;
        if (!order.has(target)) enter(target, frame.refs[frame.next - 1]!.uri);
        else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node)!, order.get(target)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== order.get(frame.node)) continue;
      // `frame.node` is the first of a strongly connected group: the aliases above it on `open`.
      const members: A.TypeDecl[] = [];
      let member: A.TypeDecl;
      do {
        member = open.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== frame.node);
      if (members.length > 1 || frame.refs.some((r) => r.alias === frame.node)) {
        for (const m of members) this.aliasShapes.set(m, { cyclic: true, depth: 0, deeper: false });
        continue;
      }
      // A single alias, not on a cycle: the aliases it refers to are done.
      let depth = frame.levels;
      let deeper = false;
      for (const ref of frame.refs) {
        const shape = this.aliasShapes.get(ref.alias)!;
        if (shape.depth > MAX_TYPE_DEPTH) deeper = true;
        depth = Math.max(depth, shape.cyclic ? ref.levels : ref.levels + 1 + shape.depth);
      }
      this.aliasShapes.set(frame.node, { cyclic: false, depth, deeper });
    }
    return this.aliasShapes.get(root)!;
  }

  /** The aliases a type node refers to, each with the levels of the type above it, and the deepest level of the node. */
  private aliasReferences(node: A.TypeNode, uri: string, levels: number, found: { refs: AliasReference[]; levels: number }): void {
    found.levels = Math.max(found.levels, levels);
    switch (node.kind) {
      case "TypeRef": {
        if (isPrimitiveName(node.name.text)) return;
        const symbol = this.visible(uri, node.name.text, false);
        if (symbol?.kind === "type") found.refs.push({ alias: symbol.node as A.TypeDecl, uri: symbol.uri, levels });
        return;
      }
      case "UnionType":
        for (const type of node.types) this.aliasReferences(type, uri, levels + 1, found);
        return;
      case "OptionalType":
        this.aliasReferences(node.type, uri, levels + 1, found);
        return;
      case "ListType":
        this.aliasReferences(node.element, uri, levels + 1, found);
        return;
      case "RecordType":
        for (const field of node.fields) if (field.type) this.aliasReferences(field.type, uri, levels + 1, found);
        return;
      case "ParenType":
        if (node.type) this.aliasReferences(node.type, uri, levels, found);
        return;
      default:
        return;
    }
  }

  /** Resolves a type node silently (unknown names give the error type). */
  resolveType(node: A.TypeNode, uri: string, inTest = false): Type {
    switch (node.kind) {
      case "TypeRef": {
        const name = node.name.text;
        if (isPrimitiveName(name)) return primitive(name);
        const symbol = this.visible(uri, name, inTest);
        if (!symbol || symbol.kind !== "type") return errorType;
        return this.aliasType(symbol);
      }
      case "LiteralType": {
        const lit = node.literal;
        if (lit.kind === "String") {
          const value = stringValue(lit);
          return value === undefined ? errorType : literal(value);
        }
        if (lit.kind === "Number") return lit.invalid ? errorType : { kind: "literal", value: lit.value, integer: lit.integer };
        if (lit.kind === "Boolean") return literal(lit.value);
        return nullType;
      }
      case "UnionType":
        return union(node.types.map((t) => this.resolveType(t, uri, inTest)));
      case "OptionalType":
        return nullable(this.resolveType(node.type, uri, inTest));
      case "ListType":
        return listOf(this.resolveType(node.element, uri, inTest));
      case "RecordType": {
        const fields = new Map<string, Type>();
        for (const field of node.fields) {
          if (!field.name || fields.has(field.name.text)) continue;
          fields.set(field.name.text, field.type ? this.resolveType(field.type, uri, inTest) : errorType);
        }
        return { kind: "record", fields };
      }
      case "ParenType":
        return node.type ? this.resolveType(node.type, uri, inTest) : errorType;
    }
  }

  /** The signature of a declared action or flow (parameters and result). */
  signature(symbol: DeclarationSymbol): CallableSignature {
    const node = symbol.node as A.ActionDecl | A.FlowDecl;
    const cached = this.signatures.get(node);
    if (cached) return cached;
    const params = node.params.map((p) => {
      const type = p.type ? this.resolveType(p.type, symbol.uri) : errorType;
      return { name: p.name?.text ?? "?", type, optional: p.default !== undefined || isNullable(type) || type.kind === "error" };
    });
    const result = node.returnType ? this.resolveType(node.returnType, symbol.uri) : voidType;
    const signature = { name: symbol.name, params, result };
    this.signatures.set(node, signature);
    return signature;
  }
}

// ------------------------------------------------------------ flow scopes

interface VariableInfo {
  name: string;
  kind: "variable" | "parameter";
  /** Every declaration of the name, in source order; the first gives the type. */
  declarations: { name: A.Name; node: A.Node }[];
  type?: Type;
  inferring?: boolean;
}

interface FlowScope {
  uri: string;
  flow: A.FlowDecl;
  variables: Map<string, VariableInfo>;
  steps: Map<string, A.Step>;
  returnType: Type | undefined;
  /** Each `let`'s flow body or step, and where the first `if`/`match` in it starts (narrowing comes from those). */
  letRoots: Map<A.LetStatement, LetRoot>;
}

interface LetRoot {
  statements: readonly A.Statement[];
  firstNarrowing: number;
}

/** Narrowed types of variables and field paths (`x`, `o.eta`, `context.nick`). */
type Narrowing = ReadonlyMap<string, Type>;
const noNarrowing: Narrowing = new Map();
const noDeclarations: ReadonlyMap<string, DeclarationSymbol> = new Map();

/** Where an expression is: action calls and `run` are allowed only at the top of a statement or let/set/var. */
interface ExprContext {
  scope?: FlowScope;
  /** Inside an HTTP action: its parameters, and `secret()` allowed. */
  action?: { params: Map<string, ParamSignature>; node: A.ActionDecl };
  inTest: boolean;
  /** In a test, an `expect <condition>`: the one place a test reads the variables of the flow it starts (§7). */
  testCondition?: boolean;
  narrowing: Narrowing;
  /** The expression is the whole right side of let/set/var or a call statement. */
  callAllowed?: boolean;
}

function pathKey(expression: A.Expression | undefined): string | undefined {
  if (!expression) return undefined;
  switch (expression.kind) {
    case "NameRef":
      return expression.name.text;
    case "ContextRef":
      return "context";
    case "Member": {
      const object = pathKey(expression.object);
      return object !== undefined && expression.name ? `${object}.${expression.name.text}` : undefined;
    }
    case "Paren":
      return pathKey(expression.expression);
    default:
      return undefined;
  }
}

function withNarrowing(base: Narrowing, extra: Narrowing): Narrowing {
  if (extra.size === 0) return base;
  const out = new Map(base);
  for (const [key, type] of extra) out.set(key, type);
  return out;
}

function withoutVariables(base: Narrowing, names: ReadonlySet<string>): Narrowing {
  if (names.size === 0 || base.size === 0) return base;
  const out = new Map<string, Type>();
  for (const [key, type] of base) {
    const root = key.split(".")[0]!;
    if (!names.has(root)) out.set(key, type);
  }
  return out;
}

/** Names a statement (and everything inside it) assigns. */
function assignedNames(statement: A.Statement | undefined, out = new Set<string>()): Set<string> {
  if (!statement) return out;
  const each = (statements: readonly (A.Statement | undefined)[]): void => {
    for (const s of statements) assignedNames(s, out);
  };
  switch (statement.kind) {
    case "Let":
    case "Set":
    case "Var":
      if (statement.name) out.add(statement.name.text);
      if (statement.else) each(statement.else.statements);
      break;
    case "Ask":
      if (statement.name) out.add(statement.name.text);
      for (const clause of statement.clauses) if ("then" in clause) assignedNames(clause.then, out);
      break;
    case "Choose":
      for (const option of statement.options) assignedNames(option.then, out);
      for (const clause of statement.clauses) if ("then" in clause) assignedNames(clause.then, out);
      break;
    case "Block":
      each(statement.statements);
      break;
    case "If":
      assignedNames(statement.then, out);
      assignedNames(statement.else, out);
      break;
    case "Match":
      for (const arm of statement.arms) assignedNames(arm.body, out);
      break;
    case "Random":
      for (const arm of statement.arms) assignedNames(arm.body, out);
      break;
    case "CallStatement":
      if (statement.else) each(statement.else.statements);
      break;
    default:
      break;
  }
  return out;
}

/** Does the statement leave on every path (goto, end, handoff, return)? */
function alwaysLeaves(statement: A.Statement | undefined): boolean {
  if (!statement) return false;
  switch (statement.kind) {
    case "Goto":
    case "End":
    case "Handoff":
    case "Return":
      return true;
    case "Block":
      return statement.statements.some(alwaysLeaves);
    case "If":
      return alwaysLeaves(statement.then) && statement.else !== undefined && alwaysLeaves(statement.else);
    default:
      return false;
  }
}

/**
 * Whether an expression is a literal: a constant string, number, boolean,
 * null, negative number, or a list or record of those. With
 * `throughParens`, parentheses do not matter (`(0)`, `[(1)]`, `-(1)`): a
 * `let` initialiser widens through them (§3.2), while match patterns and
 * parameter defaults are lowered as literals and must be written plainly.
 */
function isLiteralExpression(expression: A.Expression | undefined, throughParens = false): boolean {
  if (!expression) return false;
  const literal = (inner: A.Expression | undefined): boolean => isLiteralExpression(inner, throughParens);
  switch (expression.kind) {
    case "String":
      return stringValue(expression) !== undefined;
    case "Number":
    case "Boolean":
    case "Null":
      return true;
    case "Paren":
      return throughParens && literal(expression.expression);
    case "Unary": {
      let operand = expression.operand;
      while (throughParens && operand?.kind === "Paren") operand = operand.expression;
      return expression.operator === "-" && operand?.kind === "Number";
    }
    case "List":
      return expression.elements.every(literal);
    case "Record":
      return expression.fields.every((f) => literal(f.value));
    default:
      return false;
  }
}

/** The type a `let` gives its variable from its initialiser's type (§4): literals widen (§3.2). */
function letType(value: A.Expression, type: Type): Type {
  if (type.kind === "void") return errorType;
  // Parentheses do not matter here (`(0)`, `[(1)]`, `-(1)` widen).
  return isLiteralExpression(value, true) ? widenLiteral(type) : type;
}

const endReasons = ["done", "invalid", "timeout", "error", "limit"];


// ------------------------------------------------------------ the checker

class FileChecker {
  readonly diagnostics: Diagnostic[] = [];
  readonly types = new Map<A.Node, Type>();
  readonly resolutions = new Map<A.Name, Resolution>();
  readonly exhaustiveMatches = new Set<A.MatchStatement>();
  readonly uncheckedMatches = new Set<A.MatchStatement>();
  readonly testStarts = new Map<A.TestDecl, TestStart>();
  readonly steps = new Map<A.Step, StepCheck>();
  /** Depth of silent inference: diagnostics and side tables are not written. */
  private silent = 0;
  /** The narrowing in effect at each `let` met with one (see `walkLetRoot`). */
  private readonly letNarrowings = new Map<A.Node, Narrowing>();
  /** Flow bodies and steps already walked for `letNarrowings`. */
  private readonly walkedRoots = new Set<readonly A.Statement[]>();
  private scopes = new Map<A.FlowDecl, FlowScope>();
  /** The step being checked, recording what it writes and reads. */
  private capture: StepCheck | undefined;
  /** `typeToString` of each variable's type, for step reads. */
  private typeKeys = new Map<VariableInfo, string>();

  constructor(
    readonly uri: string,
    readonly file: A.SourceFile,
    readonly project: ProjectTypes,
    /** The previous check of this file with the same project shape, whose steps may be replayed. */
    private readonly previous?: FileCheckResult,
  ) {}

  // ---------------------------------------------------------- reporting

  private report(code: DiagnosticCode, args: Record<string, string | number>, range: A.Range, related?: RelatedInformation[], uri = this.uri): void {
    if (this.silent > 0) return;
    this.diagnostics.push(diagnostic(code, { hint: "", ...args }, uri, range, related));
  }

  private record(node: A.Node, type: Type): Type {
    if (this.silent === 0) {
      this.types.set(node, type);
      const capture = this.capture;
      if (capture !== undefined) {
        capture.typedNodes.push(node);
        capture.types.push(type);
      }
    }
    return type;
  }

  private resolve(name: A.Name, resolution: Resolution): void {
    if (this.silent === 0) {
      this.resolutions.set(name, resolution);
      const capture = this.capture;
      if (capture !== undefined) {
        capture.resolvedNames.push(name);
        capture.resolutions.push(resolution);
      }
    }
  }

  /** Records a `match` with no fall-through path; `unchecked`: because its subject is in error (`uncheckedMatches`). */
  private markExhaustive(match: A.MatchStatement, unchecked = false): void {
    if (this.silent > 0) return;
    this.exhaustiveMatches.add(match);
    this.capture?.exhaustive.push(match);
    if (!unchecked) return;
    this.uncheckedMatches.add(match);
    this.capture?.unchecked.push(match);
  }

  // ---------------------------------------------------------- flow lookups (recorded for step replay)

  private typeKey(variable: VariableInfo, scope: FlowScope): string {
    let key = this.typeKeys.get(variable);
    if (key === undefined) this.typeKeys.set(variable, (key = typeToString(this.variableType(variable, scope))));
    return key;
  }

  /** A flow variable by name; the step being checked records what it found. */
  private variableIn(scope: FlowScope, name: string): VariableInfo | undefined {
    const variable = scope.variables.get(name);
    const capture = this.capture;
    if (capture && !capture.reads.has(`v:${name}`)) {
      capture.reads.set(`v:${name}`, {
        kind: "variable",
        name,
        declaration: variable?.declarations[0]?.name,
        type: variable ? this.typeKey(variable, scope) : undefined,
      });
    }
    return variable;
  }

  /** A step of the flow by name; recorded like `variableIn`. */
  private stepIn(scope: FlowScope, name: string): A.Step | undefined {
    const step = scope.steps.get(name);
    if (this.capture && !this.capture.reads.has(`s:${name}`)) this.capture.reads.set(`s:${name}`, { kind: "step", name, step });
    return step;
  }

  /** The names of the flow's steps (for suggestions); recorded like `variableIn`. */
  private stepNamesIn(scope: FlowScope): string[] {
    const names = [...scope.steps.keys()];
    this.capture?.reads.set("steps", { kind: "stepNames", names: names.join("\n") });
    return names;
  }

  /** Whether what a step read from its flow is still what the flow has. */
  private readsHold(check: StepCheck, scope: FlowScope): boolean {
    for (const read of check.reads.values()) {
      if (read.kind === "variable") {
        const variable = scope.variables.get(read.name);
        if (variable?.declarations[0]?.name !== read.declaration) return false;
        if ((variable ? this.typeKey(variable, scope) : undefined) !== read.type) return false;
      } else if (read.kind === "step") {
        if (scope.steps.get(read.name) !== read.step) return false;
      } else if ([...scope.steps.keys()].join("\n") !== read.names) return false;
    }
    return true;
  }

  /** Checks a step's statements, or replays its previous check when nothing it read changed. */
  private checkStep(step: A.Step, scope: FlowScope): void {
    const previous = this.previous?.steps.get(step);
    if (previous && this.readsHold(previous, scope)) {
      const { typedNodes, types, resolvedNames, resolutions } = previous;
      for (let i = 0; i < typedNodes.length; i++) this.types.set(typedNodes[i]!, types[i]!);
      for (let i = 0; i < resolvedNames.length; i++) this.resolutions.set(resolvedNames[i]!, resolutions[i]!);
      for (const match of previous.exhaustive) this.exhaustiveMatches.add(match);
      for (const match of previous.unchecked) this.uncheckedMatches.add(match);
      this.steps.set(step, previous);
      return;
    }
    const capture: StepCheck = { typedNodes: [], types: [], resolvedNames: [], resolutions: [], exhaustive: [], unchecked: [], reads: new Map() };
    const reported = this.diagnostics.length;
    this.capture = capture;
    try {
      this.statements(step.body, scope, noNarrowing);
    } finally {
      this.capture = undefined;
    }
    // A step with diagnostics is checked again next time: their ranges and
    // related locations may point outside it.
    if (this.diagnostics.length === reported) this.steps.set(step, capture);
  }

  private mismatch(range: A.Range, expected: Type | string, found: Type | string, hint = ""): void {
    this.report(
      "FX3001",
      {
        expected: typeof expected === "string" ? expected : typeToString(expected),
        found: typeof found === "string" ? found : typeToString(found),
        hint,
      },
      range,
    );
  }

  /**
   * Reports FX3001 unless `type` is assignable to `expected`; a `T?` where a
   * `T` would fit is FX3004 (§3.2: narrow it first).
   */
  private expectAssignable(node: A.Node | undefined, type: Type, expected: Type, hint = ""): void {
    if (!node || isAssignable(type, expected)) return;
    if (isNullable(type) && isAssignable(nonNull(type), expected)) {
      this.report("FX3004", { expr: describeExpression(node as A.Expression), type: typeToString(type), hint: "use '??' or narrow it with '!= null'" }, node);
      return;
    }
    this.mismatch(node, expected, type, hint);
  }

  /**
   * An operand an operator cannot take: FX3004 when it is a `T?` whose `T`
   * would do (`fits`), FX3001 otherwise (§3.2: narrow it first).
   */
  private operandMismatch(node: A.Expression, type: Type, expected: Type | string, fits: (type: Type) => boolean, hint = ""): void {
    if (isNullable(type) && fits(nonNull(type))) {
      this.report("FX3004", { expr: describeExpression(node), type: typeToString(type), hint: "use '??' or narrow it with '!= null'" }, node);
    } else this.mismatch(node, expected, type, hint);
  }

  /** A condition must be boolean (FX3003); a `boolean?` is FX3004. */
  private expectCondition(node: A.Expression, type: Type): void {
    if (isBoolean(type)) return;
    if (isNullable(type) && isBoolean(nonNull(type))) {
      this.report("FX3004", { expr: describeExpression(node), type: typeToString(type), hint: "compare it with '== true' or narrow it with '!= null'" }, node);
      return;
    }
    this.report("FX3003", { found: typeToString(type) }, node);
  }

  // ---------------------------------------------------------- entry

  checkAll(): void {
    for (const declaration of this.file.declarations) {
      switch (declaration.kind) {
        case "Import":
          for (const name of declaration.names) {
            const symbol = this.project.index.imports.get(this.uri)?.get(name.text);
            if (symbol) this.resolve(name, this.declarationResolution(symbol));
          }
          break;
        case "Context":
          this.checkContext(declaration);
          break;
        case "TypeAlias":
          this.checkTypeAlias(declaration);
          break;
        case "Action":
          this.checkAction(declaration);
          break;
        case "Flow":
          this.checkFlow(declaration);
          break;
        case "Test":
          this.checkTest(declaration);
          break;
        default: {
          const never: never = declaration;
          void never;
        }
      }
    }
  }

  private declarationResolution(symbol: DeclarationSymbol): Resolution {
    let type: Type | undefined;
    if (symbol.kind === "type") type = this.project.aliasType(symbol);
    return { kind: symbol.kind, name: symbol.name, uri: symbol.uri, range: symbol.nameNode, ...(type ? { type } : {}) };
  }

  // ---------------------------------------------------------- types

  /** Resolves a type node, reporting unknown names (FX2005) and recording resolutions. */
  private typeOf(node: A.TypeNode | undefined, inTest = false): Type {
    if (!node) return errorType;
    this.visitTypeNames(node, inTest);
    return this.project.resolveType(node, this.uri, inTest);
  }

  private visitTypeNames(node: A.TypeNode, inTest: boolean): void {
    switch (node.kind) {
      case "TypeRef": {
        const name = node.name.text;
        if (isPrimitiveName(name)) {
          this.resolve(node.name, { kind: "type", name, type: primitive(name) });
          return;
        }
        const symbol = this.project.visible(this.uri, name, inTest);
        if (symbol && symbol.kind === "type") {
          this.resolve(node.name, this.declarationResolution(symbol));
          return;
        }
        if (this.project.importFailed(this.uri, name)) return;
        const elsewhere = this.project.index.declarations.get(name);
        const hint =
          elsewhere && elsewhere.kind === "type"
            ? `: it is declared in another file; add import { ${name} } from "${relativePath(this.uri, elsewhere.uri)}"`
            : elsewhere
              ? `: '${name}' is ${article(elsewhere.kind)}, not a type`
              : "";
        this.report("FX2005", { name, hint }, node.name);
        return;
      }
      case "UnionType":
        node.types.forEach((t) => this.visitTypeNames(t, inTest));
        return;
      case "OptionalType":
        this.visitTypeNames(node.type, inTest);
        return;
      case "ListType":
        this.visitTypeNames(node.element, inTest);
        return;
      case "ParenType":
        if (node.type) this.visitTypeNames(node.type, inTest);
        return;
      case "RecordType":
        this.checkFields(node.fields, "field", inTest);
        return;
      case "LiteralType":
        if (node.literal.kind === "String" && stringValue(node.literal) === undefined) {
          this.mismatch(node, "a literal type", "an interpolated string");
        }
        return;
    }
  }

  private checkFields(fields: readonly A.FieldDecl[], what: string, inTest: boolean): void {
    const seen = new Map<string, A.FieldDecl>();
    for (const field of fields) {
      if (field.type) this.visitTypeNames(field.type, inTest);
      if (!field.name) continue;
      const first = seen.get(field.name.text);
      if (first?.name) {
        this.report("FX2006", { what, name: field.name.text, detail: "" }, field.name, [
          { uri: this.uri, range: first.name, message: "first declared here" },
        ]);
      } else seen.set(field.name.text, field);
      this.resolve(field.name, {
        kind: what === "context field" ? "context-field" : "field",
        name: field.name.text,
        uri: this.uri,
        range: field.name,
        type: field.type ? this.project.resolveType(field.type, this.uri, inTest) : errorType,
      });
    }
  }

  // ---------------------------------------------------------- declarations

  private checkContext(node: A.ContextDecl): void {
    this.checkFields(node.fields, "context field", false);
    // Merged context: the same field declared twice in the project must have
    // the same type. A name repeated within this block is already reported
    // by `checkFields` (once per range, §8): only its first field here counts.
    const inThisBlock = new Set<string>();
    for (const field of node.fields) {
      if (!field.name || inThisBlock.has(field.name.text)) continue;
      inThisBlock.add(field.name.text);
      if (!field.type) continue;
      const first = this.project.index.contextFields.find((f) => f.name === field.name!.text);
      if (!first || first.field === field || !first.field.type) continue;
      const firstType = this.project.resolveType(first.field.type, first.uri);
      const thisType = this.project.resolveType(field.type, this.uri);
      if (!typesEqual(firstType, thisType) && firstType.kind !== "error" && thisType.kind !== "error") {
        this.report(
          "FX2006",
          { what: "context field", name: field.name.text, detail: ` with a different type: ${typeToString(thisType)} here, ${typeToString(firstType)} before` },
          field.name,
          [{ uri: first.uri, range: first.field.name!, message: "first declared here" }],
        );
      }
    }
  }

  private checkTypeAlias(node: A.TypeDecl): void {
    if (!node.name) return;
    const symbol = this.project.declaredIn(this.uri).get(node.name.text);
    if (symbol && symbol.node === node) this.resolve(node.name, this.declarationResolution(symbol));
    const taken = nameTakenBy("type", node.name.text);
    if (taken) this.report("FX2006", { what: "type", name: node.name.text, detail: `: it is ${taken}` }, node.name);
    if (!node.type) return;
    this.visitTypeNames(node.type, false);
    const shape = this.project.aliasShape(node, this.uri);
    if (shape.cyclic) {
      this.report("FX2005", { name: node.name.text, hint: ": the alias refers to itself and would expand forever" }, node.name);
    } else if (shape.depth > MAX_TYPE_DEPTH && !shape.deeper) {
      // Reported on the alias where the expansion first gets too deep, not on each alias above it.
      this.report(
        "FX2005",
        { name: node.name.text, hint: `: the alias expands more than ${MAX_TYPE_DEPTH} levels deep (each alias, list, record, union or '?' in it is one)` },
        node.name,
      );
    }
  }

  private checkParams(params: readonly A.Param[], what: string): Map<string, ParamSignature> {
    const out = new Map<string, ParamSignature>();
    const firsts = new Map<string, A.Name>();
    for (const param of params) {
      const type = this.typeOf(param.type);
      if (!param.name) continue;
      const first = firsts.get(param.name.text);
      if (first) {
        this.report("FX2006", { what: "parameter", name: param.name.text, detail: ` of ${what}` }, param.name, [
          { uri: this.uri, range: first, message: "first declared here" },
        ]);
        continue;
      }
      firsts.set(param.name.text, param.name);
      if (param.default) {
        if (!isLiteralExpression(param.default)) {
          this.mismatch(param.default, "a literal default value", "an expression");
        } else {
          const defaultType = this.expression(param.default, { inTest: false, narrowing: noNarrowing });
          this.expectAssignable(param.default, defaultType, type);
        }
      }
      // An unknown type (FX2005 already reported) makes nothing required: no cascades.
      out.set(param.name.text, { name: param.name.text, type, optional: param.default !== undefined || isNullable(type) || type.kind === "error" });
    }
    return out;
  }

  private checkAction(node: A.ActionDecl): void {
    if (!node.name) return;
    const name = node.name.text;
    const symbol = this.project.declaredIn(this.uri).get(name);
    if (symbol && symbol.node === node) this.resolve(node.name, this.declarationResolution(symbol));
    const taken = nameTakenBy("action", name);
    if (taken) this.report("FX2006", { what: "action", name, detail: `: it is ${taken}` }, node.name);
    const params = this.checkParams(node.params, `action '${name}'`);
    for (const param of node.params) {
      if (param.name) this.resolve(param.name, { kind: "parameter", name: param.name.text, uri: this.uri, range: param.name, type: params.get(param.name.text)?.type ?? errorType });
    }
    if (node.returnType) this.typeOf(node.returnType);
    if (node.timeout) this.checkDuration(node.timeout);
    if (node.http) this.checkHttp(node, node.http, params);
  }

  private checkDuration(node: A.DurationLiteral | undefined): void {
    if (node && !node.invalid && node.ms <= 0) this.mismatch(node, "a positive duration", node.raw);
  }

  private checkHttp(action: A.ActionDecl, http: A.HttpBinding, params: Map<string, ParamSignature>): void {
    const context: ExprContext = { action: { params, node: action }, inTest: false, narrowing: noNarrowing };
    if (http.url) {
      this.expression(http.url, context);
      this.checkUrlHost(http.url);
    }
    for (const header of http.headers) {
      if (header.name) this.expectAssignable(header.name, this.expression(header.name, context), stringType);
      if (header.value) this.expectAssignable(header.value, this.expression(header.value, context), stringType);
    }
    if (http.body) this.expression(http.body, context);
    if (http.timeout) this.checkDuration(http.timeout);
  }

  /** FX3009: the scheme and host of an HTTP URL are literal text. */
  private checkUrlHost(url: A.StringLiteral): void {
    let prefix = "";
    let interpolated = false;
    for (const part of url.parts) {
      if (part.kind === "Interpolation") {
        interpolated = true;
        break;
      }
      prefix += part.value;
    }
    const match = /^(https?):\/\/([^/?#]*)([/?#].*)?$/is.exec(prefix);
    if (!match) {
      const problem = /^[a-z][a-z0-9+.-]*:/i.test(prefix)
        ? `found ${JSON.stringify(prefix.split("/")[0])}, expected http:// or https://`
        : interpolated && prefix === ""
          ? "the URL starts with an interpolation"
          : "expected an absolute http:// or https:// URL";
      this.report("FX3009", { problem }, url);
      return;
    }
    const host = match[2]!;
    const hostEnded = match[3] !== undefined;
    if (host.length === 0 && (hostEnded || !interpolated)) {
      this.report("FX3009", { problem: "the URL has no host; expected http://host/… or https://host/…" }, url);
      return;
    }
    if (host.length === 0 || (interpolated && !hostEnded)) {
      this.report("FX3009", { problem: "the host is interpolated; only the path and query may interpolate" }, url);
      return;
    }
    if (!interpolated && !hostEnded) {
      try {
        new URL(prefix);
      } catch {
        this.report("FX3009", { problem: `'${prefix}' is not a valid URL` }, url);
      }
    }
  }

  // ---------------------------------------------------------- flows

  private scopeOf(flow: A.FlowDecl, uri: string): FlowScope {
    const cached = this.scopes.get(flow);
    if (cached) return cached;
    const scope: FlowScope = { uri, flow, variables: new Map(), steps: new Map(), returnType: undefined, letRoots: new Map() };
    let root: LetRoot = { statements: flow.body, firstNarrowing: Infinity };
    this.scopes.set(flow, scope);
    for (const param of flow.params) {
      if (!param.name || scope.variables.has(param.name.text)) continue;
      scope.variables.set(param.name.text, { name: param.name.text, kind: "parameter", declarations: [{ name: param.name, node: param }] });
    }
    const declare = (name: A.Name | undefined, node: A.Node): void => {
      if (!name) return;
      const existing = scope.variables.get(name.text);
      if (existing) existing.declarations.push({ name, node });
      else scope.variables.set(name.text, { name: name.text, kind: "variable", declarations: [{ name, node }] });
    };
    const visit = (statement: A.Statement | undefined): void => {
      if (!statement) return;
      if (statement.kind === "If" || statement.kind === "Match") root.firstNarrowing = Math.min(root.firstNarrowing, statement.start);
      switch (statement.kind) {
        case "Let":
        case "Var":
          if (statement.kind === "Let") scope.letRoots.set(statement, root);
          declare(statement.name, statement);
          statement.else?.statements.forEach(visit);
          break;
        case "Ask":
          declare(statement.name, statement);
          for (const clause of statement.clauses) if ("then" in clause) visit(clause.then);
          break;
        case "Set":
        case "CallStatement":
          statement.else?.statements.forEach(visit);
          break;
        case "Choose":
          statement.options.forEach((o) => visit(o.then));
          for (const clause of statement.clauses) if ("then" in clause) visit(clause.then);
          break;
        case "Block":
          statement.statements.forEach(visit);
          break;
        case "If":
          visit(statement.then);
          visit(statement.else);
          break;
        case "Match":
          statement.arms.forEach((a) => visit(a.body));
          break;
        case "Random":
          statement.arms.forEach((a) => visit(a.body));
          break;
        default:
          break;
      }
    };
    // Source order: body statements and steps interleave by position.
    const items: (A.Statement | A.Step)[] = [...flow.body, ...flow.steps].sort((a, b) => a.start - b.start);
    const bodyRoot = root;
    for (const item of items) {
      if (item.kind === "Step") {
        if (item.name && !scope.steps.has(item.name.text)) scope.steps.set(item.name.text, item);
        root = { statements: item.body, firstNarrowing: Infinity };
        item.body.forEach(visit);
      } else {
        root = bodyRoot;
        visit(item);
      }
    }
    return scope;
  }

  /** The type of a flow variable: its first declaration's (lazily inferred for `let`). */
  private variableType(variable: VariableInfo, scope: FlowScope): Type {
    if (variable.type) return variable.type;
    const first = variable.declarations[0]!.node;
    // A `let` is typed where it stands (§4): `let z = y` inside
    // `if y != null` gives `z` the narrowed `integer`. Walking the statements
    // that hold it records that narrowing (and may type the variable).
    if (first.kind === "Let") {
      this.walkLetRoot(first, scope);
      if (variable.type) return variable.type;
    }
    if (variable.inferring) return errorType;
    variable.inferring = true;
    this.silent++;
    try {
      variable.type = this.declarationType(first, scope, first.kind === "Let" ? (this.letNarrowings.get(first) ?? noNarrowing) : noNarrowing);
    } finally {
      this.silent--;
      variable.inferring = false;
    }
    return variable.type;
  }

  /**
   * Records the narrowing in effect at a `let` (`letNarrowings`) by walking,
   * silently and once, the flow body or step that holds it, when a narrowing
   * `if` or `match` comes before it there. The walk depends only on the tree,
   * not on the order steps are checked or replayed in, so a variable has one
   * type whichever step asks first.
   */
  private walkLetRoot(node: A.LetStatement, scope: FlowScope): void {
    const root = scope.letRoots.get(node);
    if (!root || this.walkedRoots.has(root.statements) || !(root.firstNarrowing < node.start)) return;
    this.walkedRoots.add(root.statements);
    const capture = this.capture;
    this.capture = undefined;
    this.silent++;
    try {
      this.statements(root.statements, scope, noNarrowing);
    } finally {
      this.silent--;
      this.capture = capture;
    }
  }

  /** The type one declaration gives its variable. */
  private declarationType(node: A.Node, scope: FlowScope, narrowing: Narrowing): Type {
    const context: ExprContext = { scope, inTest: false, narrowing, callAllowed: true };
    switch (node.kind) {
      case "Param":
        return node.type ? this.project.resolveType(node.type, scope.uri) : errorType;
      case "Var":
      case "Ask":
        if (node.kind === "Ask" && !node.type) {
          const list = node.from ? this.expression(node.from, { ...context, callAllowed: false }) : errorType;
          return list.kind === "list" ? list.element : errorType;
        }
        if (!node.type) return errorType;
        // A type a reply cannot be parsed as is reported at the ask (FX3001);
        // the variable then has the error type (no cascade).
        return node.kind === "Ask" && !isAskable(this.project.resolveType(node.type, scope.uri))
          ? errorType
          : this.project.resolveType(node.type, scope.uri);
      case "Let": {
        if (!node.value) return errorType;
        return letType(node.value, this.expression(node.value, context));
      }
      default:
        return errorType;
    }
  }

  private checkFlow(flow: A.FlowDecl): void {
    if (!flow.name) return;
    const symbol = this.project.declaredIn(this.uri).get(flow.name.text);
    if (symbol && symbol.node === flow) this.resolve(flow.name, this.declarationResolution(symbol));
    const params = this.checkParams(flow.params, `flow '${flow.name.text}'`);
    const scope = this.scopeOf(flow, this.uri);
    scope.returnType = flow.returnType ? this.typeOf(flow.returnType) : undefined;
    for (const param of flow.params) {
      if (param.name) {
        const type = params.get(param.name.text)?.type ?? errorType;
        const variable = scope.variables.get(param.name.text);
        if (variable && variable.declarations[0]!.node === param) variable.type = type;
        this.resolve(param.name, { kind: "parameter", name: param.name.text, uri: this.uri, range: param.name, type });
      }
    }

    // Triggers: a keyword and the first message of a conversation (`trigger
    // start`) bring no payload, so every parameter needs a default (FX3010).
    for (const trigger of flow.triggers) {
      if (trigger.kind === "KeywordTrigger" || trigger.kind === "StartTrigger") {
        const required = [...params.values()].filter((p) => !p.optional).map((p) => p.name);
        if (required.length > 0) {
          const by = trigger.kind === "KeywordTrigger" ? "a keyword" : "the first message of a conversation (trigger start)";
          this.report("FX3010", { name: flow.name.text, by, params: required.join(", ") }, trigger);
        }
      }
    }

    // Steps: duplicates.
    const seenSteps = new Map<string, A.Step>();
    for (const step of flow.steps) {
      if (!step.name) continue;
      const first = seenSteps.get(step.name.text);
      if (first?.name) {
        this.report("FX2006", { what: "step", name: step.name.text, detail: "" }, step.name, [
          { uri: this.uri, range: first.name, message: "first declared here" },
        ]);
      } else seenSteps.set(step.name.text, step);
      this.resolve(step.name, { kind: "step", name: step.name.text, uri: this.uri, range: step.name });
    }

    // Variable redeclarations with another type (FX2006).
    for (const variable of scope.variables.values()) {
      const type = this.variableType(variable, scope);
      for (const declaration of variable.declarations.slice(1)) {
        this.silent++;
        let other: Type;
        try {
          let at = noNarrowing;
          if (declaration.node.kind === "Let") {
            this.walkLetRoot(declaration.node, scope);
            at = this.letNarrowings.get(declaration.node) ?? noNarrowing;
          }
          other = this.declarationType(declaration.node, scope, at);
        } finally {
          this.silent--;
        }
        if (type.kind !== "error" && other.kind !== "error" && !typesEqual(widenLiteral(type), widenLiteral(other)) && !isAssignable(other, type)) {
          const first = variable.declarations[0]!;
          this.report(
            "FX2006",
            { what: "variable", name: variable.name, detail: ` with a different type: ${typeToString(other)} here, ${typeToString(type)} at its first declaration` },
            declaration.name,
            [{ uri: this.uri, range: first.name, message: "first declared here" }],
          );
        }
      }
    }

    this.statements(flow.body, scope, noNarrowing);
    for (const step of flow.steps) this.checkStep(step, scope);
  }

  // ---------------------------------------------------------- statements

  private statements(statements: readonly A.Statement[], scope: FlowScope, narrowing: Narrowing): Narrowing {
    let current = narrowing;
    for (const statement of statements) current = this.statement(statement, scope, current);
    return current;
  }

  private statement(statement: A.Statement | undefined, scope: FlowScope, narrowing: Narrowing): Narrowing {
    if (!statement) return narrowing;
    const context: ExprContext = { scope, inTest: false, narrowing };
    switch (statement.kind) {
      case "Say":
        if (statement.text) this.expectText(statement.text, this.expression(statement.text, context));
        return narrowing;
      case "SayMedia":
        if (statement.url) this.expectText(statement.url, this.expression(statement.url, context));
        if (statement.caption) this.expectText(statement.caption, this.expression(statement.caption, context));
        return narrowing;
      case "Wait":
        this.checkDuration(statement.duration);
        return narrowing;
      case "Ask":
        return this.ask(statement, scope, narrowing);
      case "Choose":
        return this.choose(statement, scope, narrowing);
      case "CallStatement": {
        this.expression(statement.call, { ...context, callAllowed: true });
        if (statement.else) {
          if (!isActionCall(statement.call)) this.mismatch(statement.else, "no 'else'", "'else' after a call that is not an action", ": only action calls can fail");
          this.statements(statement.else.statements, scope, narrowing);
        }
        return withoutVariables(narrowing, assignedNames(statement));
      }
      case "Let":
      case "Var":
      case "Set":
        return this.assignment(statement, scope, narrowing);
      case "RunStatement":
        this.expression(statement.run, { ...context, callAllowed: true });
        return narrowing;
      case "Return": {
        if (statement.value) {
          const type = this.expression(statement.value, { ...context, callAllowed: true });
          if (scope.returnType) this.expectValue(statement.value, type, scope.returnType, context);
        }
        return narrowing;
      }
      case "If": {
        const condition = statement.condition ? this.expression(statement.condition, context) : errorType;
        if (statement.condition) this.expectCondition(statement.condition, condition);
        const whenTrue = withNarrowing(narrowing, this.narrowFrom(statement.condition, true, context));
        const whenFalse = withNarrowing(narrowing, this.narrowFrom(statement.condition, false, context));
        if (statement.then) this.statements(statement.then.statements, scope, whenTrue);
        if (statement.else) this.statement(statement.else, scope, whenFalse);
        const assigned = assignedNames(statement);
        const thenLeaves = alwaysLeaves(statement.then);
        const elseLeaves = statement.else !== undefined && alwaysLeaves(statement.else);
        if (thenLeaves && !elseLeaves) return withoutVariables(whenFalse, assigned);
        if (elseLeaves && !thenLeaves) return withoutVariables(whenTrue, assigned);
        return withoutVariables(narrowing, assigned);
      }
      case "Match":
        this.match(statement, scope, narrowing);
        return withoutVariables(narrowing, assignedNames(statement));
      case "Random": {
        // The runtime needs an arm to pick (§5.5), as `choose` needs an option.
        // A `random` that stops at its keyword lost its `{` to a syntax error
        // (already reported, §8: no cascade).
        if (statement.arms.length === 0 && statement.end > statement.start + "random".length) {
          this.mismatch(statement, "at least one arm", "a random without arms", " (weight => statement)");
        }
        // The bundle holds finite JSON numbers: weights whose sum is too
        // large for a number cannot be picked from (a single weight that
        // large is already FX1004 in the lexer).
        let total = 0;
        for (const arm of statement.arms) {
          if (arm.weight && !arm.weight.invalid) {
            if (!(arm.weight.value > 0)) this.mismatch(arm.weight, "a positive weight", arm.weight.raw);
            else if (!Number.isFinite(total + arm.weight.value)) this.mismatch(arm.weight, "weights that add up to a finite number", "a total too large");
            else total += arm.weight.value;
          }
          this.statement(arm.body, scope, narrowing);
        }
        return withoutVariables(narrowing, assignedNames(statement));
      }
      case "Goto": {
        if (statement.target) {
          const step = this.stepIn(scope, statement.target.text);
          if (step?.name) {
            this.resolve(statement.target, { kind: "step", name: step.name.text, uri: this.uri, range: step.name });
          } else {
            const candidates = this.stepNamesIn(scope);
            const hint = candidates.length > 0 ? `; steps of this flow: ${candidates.slice(0, 8).join(", ")}` : "; this flow has no steps";
            this.report("FX2002", { name: statement.target.text, candidates: hint }, statement.target);
          }
        }
        return narrowing;
      }
      case "End":
        return narrowing;
      case "Handoff":
        if (statement.department) this.expectText(statement.department, this.expression(statement.department, context));
        return narrowing;
      case "Block":
        this.statements(statement.statements, scope, narrowing);
        return withoutVariables(narrowing, assignedNames(statement));
      default: {
        const never: never = statement;
        void never;
        return narrowing;
      }
    }
  }

  /** A value used as message text must be a string (or subtype). */
  private expectText(node: A.Expression, type: Type): void {
    if (!isStringLike(type)) {
      if (isNullable(type) && isStringLike(nonNull(type))) {
        this.report("FX3004", { expr: describeExpression(node), type: typeToString(type), hint: "use '??' or narrow it with '!= null'" }, node);
      } else this.mismatch(node, stringType, type);
    }
  }

  private assignment(statement: A.LetStatement | A.VarStatement | A.SetStatement, scope: FlowScope, narrowing: Narrowing): Narrowing {
    const context: ExprContext = { scope, inTest: false, narrowing, callAllowed: true };
    // Before anything asks for the variable's type (`variableType`).
    if (statement.kind === "Let" && narrowing.size > 0) this.letNarrowings.set(statement, narrowing);
    let declared: Type | undefined;
    if (statement.kind === "Var") declared = this.typeOf(statement.type);
    let valueType: Type | undefined;
    if (statement.value) valueType = this.expression(statement.value, context);
    if (statement.value && valueType?.kind === "void") {
      this.mismatch(statement.value, "a value", "a call that returns nothing");
      valueType = errorType;
    }
    if (statement.name) {
      const variable = this.variableIn(scope, statement.name.text);
      if (!variable) {
        // Only `set` can name an undeclared variable.
        this.report("FX2001", { name: statement.name.text, hint: statement.kind === "Set" ? `; declare it with 'var ${statement.name.text}: T' or 'let'` : "" }, statement.name);
      } else {
        const type = this.variableType(variable, scope);
        this.resolve(statement.name, {
          kind: variable.kind,
          name: variable.name,
          uri: this.uri,
          range: variable.declarations[0]!.name,
          type,
        });
        if (statement.kind === "Var" && declared && statement.value && valueType) {
          this.expectValue(statement.value, valueType, declared, context);
        } else if (statement.kind === "Set" && statement.value && valueType) {
          this.expectValue(statement.value, valueType, type, context);
        }
      }
    }
    if (statement.else) {
      if (!statement.value || !isActionCall(statement.value)) {
        this.mismatch(statement.else, "no 'else'", "'else' after a value that is not an action call", ": only action calls can fail");
      }
      this.statements(statement.else.statements, scope, narrowing);
    }
    return withoutVariables(narrowing, assignedNames(statement));
  }

  private questionClauses(
    clauses: readonly A.QuestionClause[],
    scope: FlowScope,
    narrowing: Narrowing,
    allowed: ReadonlySet<A.QuestionClause["kind"]>,
    what: string,
  ): void {
    const context: ExprContext = { scope, inTest: false, narrowing };
    const seen = new Map<string, A.QuestionClause>();
    for (const clause of clauses) {
      if (!allowed.has(clause.kind)) {
        this.report("FX1001", { expected: `a clause of ${what} (${[...allowed].map((k) => k.toLowerCase()).join(", ")})`, found: `'${clause.kind.toLowerCase()}'` }, clause);
        continue;
      }
      const first = seen.get(clause.kind);
      if (first) {
        this.report("FX2006", { what: "clause", name: clause.kind.toLowerCase(), detail: ` in this ${what}` }, clause, [
          { uri: this.uri, range: first, message: "first written here" },
        ]);
      } else seen.set(clause.kind, clause);
      switch (clause.kind) {
        case "Validate": {
          const type = clause.condition ? this.expression(clause.condition, context) : errorType;
          if (clause.condition) this.expectCondition(clause.condition, type);
          break;
        }
        case "Invalid":
          if (clause.message) this.expectText(clause.message, this.expression(clause.message, context));
          if (clause.retries && !clause.retries.invalid && (!clause.retries.integer || clause.retries.value < 0)) {
            this.mismatch(clause.retries, "a whole number of retries (0 or more)", clause.retries.raw);
          }
          this.statement(clause.then, scope, narrowing);
          break;
        case "Timeout":
          this.checkDuration(clause.duration);
          this.statement(clause.then, scope, narrowing);
          break;
        case "Label":
          break;
      }
    }
  }

  private ask(statement: A.AskStatement, scope: FlowScope, narrowing: Narrowing): Narrowing {
    const context: ExprContext = { scope, inTest: false, narrowing };
    let valueType: Type = errorType;
    if (statement.type) {
      valueType = this.typeOf(statement.type);
      if (!isAskable(valueType)) {
        this.mismatch(statement.type, "a type a reply can be parsed as (string, number, integer, boolean, email, phone, date, url, or a union of string literals)", valueType);
        valueType = errorType;
      }
    } else if (statement.from) {
      const list = this.expression(statement.from, context);
      if (list.kind === "list") valueType = list.element;
      else if (list.kind !== "error") {
        this.operandMismatch(statement.from, list, "a list", (t) => t.kind === "list");
      }
    }
    if (statement.prompt) this.expectText(statement.prompt, this.expression(statement.prompt, context));
    const variable = statement.name ? this.variableIn(scope, statement.name.text) : undefined;
    if (statement.name && variable) {
      this.resolve(statement.name, { kind: "variable", name: variable.name, uri: this.uri, range: variable.declarations[0]!.name, type: this.variableType(variable, scope) });
    }
    // Inside the clauses the reply is bound (and parsed): x has its declared type.
    const inner = statement.name ? withNarrowing(withoutVariables(narrowing, new Set([statement.name.text])), new Map([[statement.name.text, valueType]])) : narrowing;
    const allowed = new Set<A.QuestionClause["kind"]>(["Validate", "Invalid", "Timeout"]);
    if (statement.from) allowed.add("Label");
    this.questionClauses(statement.clauses, scope, inner, allowed, "ask");
    if (statement.from) {
      const label = statement.clauses.find((c): c is A.LabelClause => c.kind === "Label");
      if (label?.value) {
        this.expectText(label.value, this.expression(label.value, { scope, inTest: false, narrowing: inner }));
      } else if (!label && valueType.kind !== "error" && !isStringLike(valueType)) {
        this.mismatch(statement, "a 'label' clause", `options of type ${typeToString(valueType)}`, ": options that are not strings need { label … } to be shown");
      }
    }
    return withoutVariables(narrowing, assignedNames(statement));
  }

  private choose(statement: A.ChooseStatement, scope: FlowScope, narrowing: Narrowing): Narrowing {
    const context: ExprContext = { scope, inTest: false, narrowing };
    if (statement.prompt) this.expectText(statement.prompt, this.expression(statement.prompt, context));
    const seen = new Map<string, { label: A.StringLiteral; option: A.ChooseOption }>();
    for (const option of statement.options) {
      for (const label of option.labels) {
        this.expression(label, context);
        const text = stringValue(label);
        if (text === undefined) continue;
        const normal = normalizeText(text);
        const previous = seen.get(normal);
        // An alias that repeats its own option's label (`"Não", "nao"`) is harmless.
        if (previous && previous.option === option) continue;
        const first = previous?.label;
        if (first) {
          this.report("FX2006", { what: "option", name: text, detail: ` (normalised '${normal}' is already an option or alias)` }, label, [
            { uri: this.uri, range: first, message: "first used here" },
          ]);
        } else seen.set(normal, { label, option });
      }
      this.statement(option.then, scope, narrowing);
    }
    if (statement.options.length === 0 && statement.prompt) {
      this.mismatch(statement, "at least one option", "a choose without options");
    }
    this.questionClauses(statement.clauses, scope, narrowing, new Set(["Invalid", "Timeout"]), "choose");
    return withoutVariables(narrowing, assignedNames(statement));
  }

  private match(statement: A.MatchStatement, scope: FlowScope, narrowing: Narrowing): void {
    const context: ExprContext = { scope, inTest: false, narrowing };
    const subject = statement.subject ? this.expression(statement.subject, context) : errorType;
    const key = pathKey(statement.subject);
    // The finite cases of the subject's type, and whether it also has infinitely many values.
    const cases: Type[] = [];
    let infinite = false;
    for (const member of members(subject)) {
      if (member.kind === "literal" || member.kind === "null") cases.push(member);
      else if (member.kind === "primitive" && member.name === "boolean") cases.push(literal(true), literal(false));
      else if (member.kind !== "never") infinite = true;
    }
    const covered: Type[] = [];
    let hasElse = false;
    const sameCase = (a: Type, b: Type): boolean =>
      a.kind === b.kind && (a.kind !== "literal" || a.value === (b as { value: unknown }).value);
    for (const arm of statement.arms) {
      if (arm.isElse) {
        if (hasElse) this.report("FX3008", { reason: "a second 'else' arm" }, arm);
        hasElse = true;
        // The subject minus the cases already matched: `else` after `null`
        // narrows `integer?` to `integer` (§3.2), after `"a"` narrows
        // `"a" | "b"` to `"b"`; infinite members (`integer`, `string`) stay.
        const remaining: Type[] = [];
        let removed = false;
        for (const member of members(subject)) {
          if (member.kind === "literal" || member.kind === "null") {
            if (!covered.some((d) => sameCase(member, d))) remaining.push(member);
            else removed = true;
          } else if (member.kind === "primitive" && member.name === "boolean") {
            const left = [literal(true), literal(false)].filter((c) => !covered.some((d) => sameCase(c, d)));
            remaining.push(...(left.length === 2 ? [member] : left));
            if (left.length < 2) removed = true;
          } else if (member.kind !== "never") remaining.push(member);
        }
        const armNarrowing =
          key && subject.kind !== "error" && removed && remaining.length > 0 ? withNarrowing(narrowing, new Map([[key, union(remaining)]])) : narrowing;
        this.statement(arm.body, scope, armNarrowing);
        continue;
      }
      const armTypes: Type[] = [];
      for (const pattern of arm.patterns) {
        if (!pattern) continue;
        if (!isLiteralExpression(pattern) || pattern.kind === "List" || pattern.kind === "Record") {
          this.expression(pattern, context);
          this.mismatch(pattern, "a literal (string, number, true, false or null)", describeExpression(pattern));
          continue;
        }
        const type = this.expression(pattern, context);
        armTypes.push(type);
        if (subject.kind === "error") continue;
        if (hasElse) {
          this.report("FX3008", { reason: "it comes after the 'else' arm" }, pattern);
        } else if (covered.some((c) => sameCase(c, type))) {
          this.report("FX3008", { reason: `${typeToString(type)} is already matched by an earlier arm` }, pattern);
        } else if (!isComparable(type, subject) || (cases.length > 0 && !infinite && !cases.some((c) => sameCase(c, type)))) {
          this.report("FX3008", { reason: `${typeToString(type)} is not a value of type ${typeToString(subject)}` }, pattern);
        } else covered.push(type);
      }
      const armNarrowing = key && armTypes.length > 0 ? withNarrowing(narrowing, new Map([[key, union(armTypes)]])) : narrowing;
      this.statement(arm.body, scope, armNarrowing);
    }
    if (hasElse) {
      this.markExhaustive(statement);
      return;
    }
    if (subject.kind === "error") {
      // The subject's error (reported already, or a syntax error) says nothing
      // about its cases, and no guess may cascade (§8): taken as exhaustive,
      // the arms' assignments and returns count (no FX4001, no FX4004), and
      // the flow analysis reports nothing unreachable after it (no FX4002).
      this.markExhaustive(statement, true);
      return;
    }
    const missing = cases.filter((c) => !covered.some((d) => sameCase(c, d)));
    if (infinite || missing.length > 0) {
      const parts = missing.map(typeToString);
      if (infinite) parts.push(`an 'else' arm (the subject is ${typeToString(subject)})`);
      const end = statement.subject?.end ?? statement.start + 5;
      this.report("FX3007", { missing: parts.join(", ") }, { start: statement.start, end }, [
        ...missing.map((m) => ({ uri: this.uri, range: statement.subject ?? statement, message: `missing case ${typeToString(m)}` })),
      ]);
    } else this.markExhaustive(statement);
  }

  // ---------------------------------------------------------- narrowing

  /** What a condition tells about nullable paths when it is true (or false). */
  private narrowFrom(condition: A.Expression | undefined, whenTrue: boolean, context: ExprContext): Narrowing {
    if (!condition) return noNarrowing;
    switch (condition.kind) {
      case "Paren":
        return this.narrowFrom(condition.expression, whenTrue, context);
      case "Unary":
        return condition.operator === "not" ? this.narrowFrom(condition.operand, !whenTrue, context) : noNarrowing;
      case "Binary": {
        const { operator, left, right } = condition;
        if (operator === "and" && whenTrue) {
          const first = this.narrowFrom(left, true, context);
          return withNarrowing(first, this.narrowFrom(right, true, { ...context, narrowing: withNarrowing(context.narrowing, first) }));
        }
        if (operator === "or" && !whenTrue) {
          const first = this.narrowFrom(left, false, context);
          return withNarrowing(first, this.narrowFrom(right, false, { ...context, narrowing: withNarrowing(context.narrowing, first) }));
        }
        if (operator === "==" || operator === "!=") {
          const nullOnRight = right?.kind === "Null";
          const nullOnLeft = left.kind === "Null";
          if (!nullOnLeft && !nullOnRight) return noNarrowing;
          const subject = nullOnRight ? left : right;
          const key = pathKey(subject);
          if (!key || !subject) return noNarrowing;
          const type = this.silentExpression(subject, context);
          const isNull = (operator === "==") === whenTrue;
          return new Map([[key, isNull ? nullType : nonNull(type)]]);
        }
        return noNarrowing;
      }
      default:
        return noNarrowing;
    }
  }

  private silentExpression(expression: A.Expression, context: ExprContext): Type {
    this.silent++;
    try {
      return this.expression(expression, context);
    } finally {
      this.silent--;
    }
  }

  // ---------------------------------------------------------- expressions

  expression(expression: A.Expression, context: ExprContext): Type {
    const type = this.expressionUncached(expression, context);
    return this.record(expression, type);
  }

  private expressionUncached(expression: A.Expression, context: ExprContext): Type {
    const inner: ExprContext = context.callAllowed ? { ...context, callAllowed: false } : context;
    switch (expression.kind) {
      case "String":
        return this.string(expression, inner);
      case "Number":
        return expression.invalid ? errorType : { kind: "literal", value: expression.value, integer: expression.integer };
      case "Duration":
        return errorType;
      case "Boolean":
        return literal(expression.value);
      case "Null":
        return nullType;
      case "List": {
        const elements = expression.elements.map((e) => this.expression(e, inner));
        return listOf(elements.length === 0 ? neverType : union(elements));
      }
      case "Record": {
        const fields = new Map<string, Type>();
        const firsts = new Map<string, A.Name>();
        for (const field of expression.fields) {
          const type = field.value ? this.expression(field.value, inner) : errorType;
          if (!field.name) continue;
          const first = firsts.get(field.name.text);
          if (first) {
            this.report("FX2006", { what: "field", name: field.name.text, detail: "" }, field.name, [
              { uri: this.uri, range: first, message: "first declared here" },
            ]);
            continue;
          }
          firsts.set(field.name.text, field.name);
          fields.set(field.name.text, type);
        }
        return { kind: "record", fields };
      }
      case "NameRef":
        return this.name(expression, context);
      case "ContextRef":
        if (context.action) {
          this.report("FX2001", { name: "context", hint: ": HTTP actions see only their parameters and secret()" }, expression);
          return errorType;
        }
        return this.narrowed("context", this.project.context, context);
      case "Member":
        return this.member(expression, inner);
      case "Index": {
        const object = this.expression(expression.object, inner);
        const index = expression.index ? this.expression(expression.index, inner) : errorType;
        if (expression.index && !isInteger(index)) this.operandMismatch(expression.index, index, integerType, isInteger);
        if (object.kind === "error") return errorType;
        if (object.kind !== "list") {
          if (isNullable(object) && nonNull(object).kind === "list") {
            this.report("FX3004", { expr: describeExpression(expression.object), type: typeToString(object), hint: "narrow it with '!= null' before indexing" }, expression.object);
            return errorType;
          }
          this.mismatch(expression.object, "a list", object);
          return errorType;
        }
        return nullable(object.element);
      }
      case "Call":
        return this.call(expression, context);
      case "Run":
        return this.run(expression, context);
      case "Unary": {
        const operand = expression.operand ? this.expression(expression.operand, inner) : errorType;
        if (expression.operator === "not") {
          if (expression.operand) this.expectAssignable(expression.operand, operand, booleanType);
          return booleanType;
        }
        if (expression.operand && !isNumeric(operand)) {
          this.operandMismatch(expression.operand, operand, numberType, isNumeric);
          return errorType;
        }
        if (operand.kind === "literal" && typeof operand.value === "number") return { kind: "literal", value: -operand.value, integer: operand.integer };
        return isInteger(operand) && operand.kind !== "error" ? integerType : operand.kind === "error" ? errorType : numberType;
      }
      case "Binary":
        return this.binary(expression, inner);
      case "Paren":
        return expression.expression ? this.expression(expression.expression, context) : errorType;
      default: {
        const never: never = expression;
        void never;
        return errorType;
      }
    }
  }

  private narrowed(key: string, declared: Type, context: ExprContext): Type {
    return context.narrowing.get(key) ?? declared;
  }

  private string(node: A.StringLiteral, context: ExprContext): Type {
    let interpolated = false;
    // A part with an error (already reported) makes the string's value
    // unknown, like an operand of '+': nothing more is said about it.
    let failed = false;
    for (const part of node.parts) {
      if (part.kind !== "Interpolation") continue;
      interpolated = true;
      if (!part.expression) continue;
      const type = this.expression(part.expression, context);
      if (type.kind === "error") {
        failed = true;
        continue;
      }
      if (isNullable(type)) {
        this.report("FX3004", { expr: describeExpression(part.expression), type: typeToString(type), hint: "use '??' or narrow it with '!= null'" }, part.expression);
      } else if (!isShowable(type)) {
        this.report("FX3005", { type: typeToString(type) }, part.expression);
      }
    }
    if (failed) return errorType;
    if (interpolated) return stringType;
    return literal(stringValue(node) ?? "");
  }

  private name(expression: A.NameExpression, context: ExprContext): Type {
    const name = expression.name.text;
    if (context.action) {
      const param = context.action.params.get(name);
      if (param) {
        const declaration = context.action.node.params.find((p) => p.name?.text === name);
        this.resolve(expression.name, { kind: "parameter", name, uri: this.uri, ...(declaration?.name ? { range: declaration.name } : {}), type: param.type });
        return param.type;
      }
      this.report("FX2001", { name, hint: ": HTTP actions see only their parameters and secret()" }, expression.name);
      return errorType;
    }
    const scope = context.scope;
    const variable = scope ? this.variableIn(scope, name) : undefined;
    if (scope && variable) {
      const declared = this.variableType(variable, scope);
      this.resolve(expression.name, { kind: variable.kind, name, uri: scope.uri, range: variable.declarations[0]!.name, type: declared });
      return this.narrowed(name, declared, context);
    }
    if (this.project.importFailed(this.uri, name)) return errorType;
    let hint = "";
    const symbol = this.project.index.declarations.get(name);
    if (symbol?.kind === "flow") hint = `: '${name}' is a flow; use 'run ${name}(…)'`;
    else if (symbol?.kind === "action" || standardActions.has(name) || builtins.has(name)) hint = `: '${name}' is ${builtins.has(name) ? "a function" : "an action"}; call it with (…)`;
    else if (symbol?.kind === "type") hint = `: '${name}' is a type`;
    else if (!scope && context.inTest) {
      hint = context.testCondition
        ? ": the flow this test starts is not known here"
        : ": only an 'expect <condition>' reads the variables of the flow a test starts";
    }
    this.report("FX2001", { name, hint }, expression.name);
    return errorType;
  }

  private member(expression: A.MemberExpression, context: ExprContext): Type {
    const object = this.expression(expression.object, context);
    if (!expression.name) return errorType;
    const key = pathKey(expression);
    if (object.kind === "error") return errorType;
    let base: Type = object;
    let optional = false;
    if (isNullable(object)) {
      if (!expression.optional) {
        this.report("FX3004", { expr: describeExpression(expression.object), type: typeToString(object), hint: `narrow it with '!= null', or use '?.'` }, expression.object);
        return errorType;
      }
      base = nonNull(object);
      optional = true;
    }
    const fieldName = expression.name.text;
    const recordMembers = members(base);
    if (UNREADABLE_FIELDS.has(fieldName)) {
      // The runtime reads no field of these names (RUNTIME §2: field access never reaches a prototype): it would be null at run time.
      this.report("FX2007", { name: fieldName, type: typeToString(base), hint: "; fields named __proto__, constructor or prototype cannot be read (the runtime treats them as absent): rename the field" }, expression.name);
      return errorType;
    }
    if (recordMembers.every((m) => m.kind === "record")) {
      const fieldTypes: Type[] = [];
      for (const member of recordMembers) {
        const field = (member as Extract<Type, { kind: "record" }>).fields.get(fieldName);
        if (field === undefined) {
          const candidates = [...(member as Extract<Type, { kind: "record" }>).fields.keys()];
          this.report(
            "FX2007",
            { name: fieldName, type: typeToString(base), hint: candidates.length > 0 ? `; fields: ${candidates.slice(0, 10).join(", ")}` : "" },
            expression.name,
          );
          return errorType;
        }
        fieldTypes.push(field);
      }
      const fieldType = union(fieldTypes);
      this.resolveField(expression.name, base, fieldName, fieldType);
      const declared = optional ? nullable(fieldType) : fieldType;
      return key ? this.narrowed(key, declared, context) : declared;
    }
    this.report("FX2007", { name: fieldName, type: typeToString(base), hint: "" }, expression.name);
    return errorType;
  }

  /** Resolves a field name to its declaration (context fields and alias record fields). */
  private resolveField(name: A.Name, owner: Type, field: string, type: Type): void {
    if (this.silent > 0) return;
    if ("alias" in owner && owner.alias === "context") {
      const declaration = this.project.index.contextFields.find((f) => f.name === field);
      if (declaration?.field.name) {
        this.resolve(name, { kind: "context-field", name: field, uri: declaration.uri, range: declaration.field.name, type, owner: "context" });
        return;
      }
    }
    const alias = "alias" in owner ? owner.alias : undefined;
    const symbol = alias ? this.project.visible(this.uri, alias, true) : this.recordAliasOf(owner);
    if (symbol?.kind === "type") {
      const node = (symbol.node as A.TypeDecl).type;
      if (node?.kind === "RecordType") {
        const declaration = node.fields.find((f) => f.name?.text === field);
        if (declaration?.name) {
          this.resolve(name, { kind: "field", name: field, uri: symbol.uri, range: declaration.name, type, owner: symbol.name });
          return;
        }
      }
    }
    this.resolve(name, { kind: "field", name: field, type, owner: typeToString(owner) });
  }

  /**
   * The record alias a type without an alias is, found by structure. A union
   * drops its members' aliases (`Address?` holds a bare record), so the field
   * of a nullable record is resolved this way; two aliases of the same shape
   * are ambiguous and give none.
   */
  private recordAliasOf(owner: Type): DeclarationSymbol | undefined {
    if (owner.kind !== "record") return undefined;
    this.recordAliases ??= [...this.project.index.declarations.values()]
      .filter((symbol) => symbol.kind === "type" && (symbol.node as A.TypeDecl).type?.kind === "RecordType")
      .map((symbol) => ({ symbol, type: this.project.aliasType(symbol) }));
    const found = this.recordAliases.filter((entry) => typesEqual(entry.type, owner));
    return found.length === 1 ? found[0]!.symbol : undefined;
  }

  private recordAliases: { symbol: DeclarationSymbol; type: Type }[] | undefined;

  private binary(expression: A.BinaryExpression, context: ExprContext): Type {
    const { operator, left, right } = expression;
    const leftType = this.expression(left, context);
    let rightContext = context;
    if (operator === "and") rightContext = { ...context, narrowing: withNarrowing(context.narrowing, this.narrowFrom(left, true, context)) };
    if (operator === "or") rightContext = { ...context, narrowing: withNarrowing(context.narrowing, this.narrowFrom(left, false, context)) };
    const rightType = right ? this.expression(right, rightContext) : errorType;
    if (leftType.kind === "error" || rightType.kind === "error") {
      return operator === "==" || operator === "!=" || operator === "<" || operator === "<=" || operator === ">" || operator === ">=" || operator === "in" || operator === "and" || operator === "or"
        ? booleanType
        : errorType;
    }
    switch (operator) {
      case "??":
        return union([nonNull(leftType), rightType]);
      case "and":
      case "or":
        this.expectAssignable(left, leftType, booleanType);
        if (right) this.expectAssignable(right, rightType, booleanType);
        return booleanType;
      case "==":
      case "!=":
        if (!isComparable(leftType, rightType)) {
          this.mismatch(expression, `values comparable with ${typeToString(leftType)}`, rightType, ": the comparison is always " + (operator === "==" ? "false" : "true"));
        }
        return booleanType;
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const numbers = isNumeric(leftType) && isNumeric(rightType);
        const strings = isStringLike(leftType) && isStringLike(rightType);
        if (!numbers && !strings) {
          const bad = isNumeric(leftType) || isStringLike(leftType) ? right! : left;
          const badType = bad === left ? leftType : rightType;
          const other = bad === left ? rightType : leftType;
          // What the operand should be: what the other side is, else what it would be without `?`.
          const wantsString = isNumeric(other) ? false : isStringLike(other) ? true : !isNumeric(nonNull(badType)) && isStringLike(nonNull(badType));
          this.operandMismatch(bad, badType, wantsString ? stringType : numberType, wantsString ? isStringLike : isNumeric);
        }
        return booleanType;
      }
      case "in": {
        if (rightType.kind !== "list") {
          if (isNullable(rightType)) this.report("FX3004", { expr: describeExpression(right!), type: typeToString(rightType), hint: "narrow it with '!= null'" }, right!);
          else this.mismatch(right!, "a list", rightType);
        } else if (rightType.element.kind !== "never" && !isComparable(leftType, rightType.element)) {
          this.mismatch(left, rightType.element, leftType);
        }
        return booleanType;
      }
      case "+":
      case "-":
      case "*":
      case "/":
      case "%": {
        if (operator === "+" && isStringLike(leftType) && isStringLike(rightType)) return stringType;
        const leftOk = isNumeric(leftType);
        const rightOk = isNumeric(rightType);
        if (!leftOk || !rightOk) {
          if (operator === "+" && (isStringLike(leftType) || isStringLike(rightType))) {
            const bad = isStringLike(leftType) ? right! : left;
            this.operandMismatch(bad, bad === left ? leftType : rightType, stringType, isStringLike, ": '+' joins two strings, or adds two numbers");
          } else {
            const bad = leftOk ? right! : left;
            if (isNullable(bad === left ? leftType : rightType)) {
              this.report("FX3004", { expr: describeExpression(bad), type: typeToString(bad === left ? leftType : rightType), hint: "use '??' or narrow it with '!= null'" }, bad);
            } else this.mismatch(bad, numberType, bad === left ? leftType : rightType);
          }
          return errorType;
        }
        if (operator === "/") return numberType;
        return isInteger(leftType) && isInteger(rightType) ? integerType : numberType;
      }
    }
  }

  private checkArguments(
    name: string,
    args: readonly A.Expression[],
    params: readonly ParamSignature[],
    context: ExprContext,
    range: A.Range,
    /** An argument was lost to a syntax error (already reported): count and positions are unknown. */
    incomplete = false,
  ): void {
    const types = args.map((a) => this.expression(a, context));
    if (incomplete) return;
    // Arguments are positional: every parameter up to the last required one must be given.
    let required = 0;
    params.forEach((p, i) => {
      if (!p.optional) required = i + 1;
    });
    if (args.length < required || args.length > params.length) {
      const expected = required === params.length ? `${params.length}` : `${required} to ${params.length}`;
      this.report("FX3002", { name, expected, s: params.length === 1 && required === 1 ? "" : "s", found: args.length }, range);
      return;
    }
    args.forEach((arg, i) => this.expectValue(arg, types[i]!, params[i]!.type, context));
  }

  private call(expression: A.CallExpression, context: ExprContext): Type {
    const name = expression.callee.text;
    const inner: ExprContext = { ...context, callAllowed: false };
    const builtin = builtins.get(name);
    if (builtin) {
      this.resolve(expression.callee, { kind: "builtin", name });
      if (name === "secret" && !context.action) {
        expression.args.forEach((a) => this.expression(a, inner));
        this.report("FX2004", { name, hint: ": secret() is available only in HTTP action templates" }, expression.callee);
        return errorType;
      }
      const types = expression.args.map((a) => this.expression(a, inner));
      if (expression.incomplete) return builtin.result;
      if (types.length !== builtin.params.length) {
        this.report("FX3002", { name, expected: builtin.params.length, s: builtin.params.length === 1 ? "" : "s", found: types.length }, expression);
        return builtin.result;
      }
      if (builtin.custom) {
        const problem = builtin.custom(types);
        const first = types[0]!;
        if (problem && first.kind !== "error") {
          if (isNullable(first) && !builtin.custom([nonNull(first)])) {
            this.report("FX3004", { expr: describeExpression(expression.args[0]), type: typeToString(first), hint: "use '??' or narrow it with '!= null'" }, expression.args[0]!);
          } else this.mismatch(expression.args[0]!, problem, first);
        }
      } else {
        expression.args.forEach((arg, i) => {
          const expected = builtinParamType(builtin.params[i]!);
          const type = types[i]!;
          if (isNullable(type) && isAssignable(nonNull(type), expected)) {
            this.report("FX3004", { expr: describeExpression(arg), type: typeToString(type), hint: "use '??' or narrow it with '!= null'" }, arg);
          } else this.expectAssignable(arg, type, expected);
        });
      }
      this.checkLiteralArguments(name, expression.args);
      return builtin.result;
    }
    const standard = standardActions.get(name);
    const symbol = this.project.visible(this.uri, name, context.inTest);
    if (!standard && (!symbol || symbol.kind !== "action")) {
      expression.args.forEach((a) => this.expression(a, inner));
      if (this.project.importFailed(this.uri, name)) return errorType;
      const elsewhere = this.project.index.declarations.get(name);
      let hint = "";
      if (elsewhere?.kind === "action") hint = `: it is declared in another file; add import { ${name} } from "${relativePath(this.uri, elsewhere.uri)}"`;
      else if (elsewhere?.kind === "flow") hint = `: '${name}' is a flow; use 'run ${name}(…)'`;
      this.report("FX2004", { name, hint }, expression.callee);
      return errorType;
    }
    const signature = standard ?? this.project.signature(symbol!);
    this.resolve(expression.callee, standard ? { kind: "standard-action", name } : this.declarationResolution(symbol!));
    if (!context.callAllowed) {
      expression.args.forEach((a) => this.expression(a, inner));
      this.mismatch(expression, "a value", `a call of action '${name}'`, ": actions are called only as statements or on the right of let, var or set");
      return errorType;
    }
    this.checkArguments(name, expression.args, signature.params, inner, expression, expression.incomplete);
    return signature.result;
  }

  /** FX3006: literal regex patterns, hours specs and time zones. */
  private checkLiteralArguments(name: string, args: readonly A.Expression[]): void {
    const literalArg = (i: number): string | undefined => {
      const arg = args[i];
      return arg?.kind === "String" ? stringValue(arg) : undefined;
    };
    if (name === "matches") {
      const pattern = literalArg(1);
      if (pattern !== undefined) {
        let valid = true;
        try {
          new RegExp(pattern, "u");
        } catch (error) {
          valid = false;
          this.report("FX3006", { what: "pattern", text: JSON.stringify(pattern), problem: (error as Error).message.replace(/^Invalid regular expression: /, "") }, args[1]!);
        }
        // The runtime refuses, when it loads the bundle, patterns that can take
        // exponential time on untrusted replies: the same rule, reported here.
        const unsafe = valid ? patternProblem(pattern) : undefined;
        if (unsafe !== undefined) this.report("FX3006", { what: "pattern", text: JSON.stringify(pattern), problem: unsafe }, args[1]!);
      }
    } else if (name === "withinHours") {
      const spec = literalArg(0);
      if (spec !== undefined) {
        const parsed = parseHoursSpec(spec);
        if (typeof parsed === "string") this.report("FX3006", { what: "hours spec", text: JSON.stringify(spec), problem: parsed }, args[0]!);
      }
      const zone = literalArg(1);
      if (zone !== undefined && !isTimeZone(zone)) {
        this.report("FX3006", { what: "time zone", text: JSON.stringify(zone), problem: "not an IANA time zone name (like America/Sao_Paulo)" }, args[1]!);
      }
    }
  }

  private flowSymbol(name: A.Name | undefined, inTest: boolean): DeclarationSymbol | undefined {
    if (!name) return undefined;
    const symbol = this.project.visible(this.uri, name.text, inTest);
    if (symbol?.kind === "flow") {
      this.resolve(name, this.declarationResolution(symbol));
      return symbol;
    }
    if (this.project.importFailed(this.uri, name.text)) return undefined;
    const elsewhere = this.project.index.declarations.get(name.text);
    const hint =
      elsewhere?.kind === "flow"
        ? `: it is declared in another file; add import { ${name.text} } from "${relativePath(this.uri, elsewhere.uri)}"`
        : elsewhere
          ? `: '${name.text}' is ${elsewhere.kind === "action" ? "an action" : "a type"}, not a flow`
          : "";
    this.report("FX2003", { name: name.text, hint }, name);
    return undefined;
  }

  private run(expression: A.RunExpression, context: ExprContext): Type {
    const inner: ExprContext = { ...context, callAllowed: false };
    const symbol = this.flowSymbol(expression.flow, context.inTest);
    if (!symbol) {
      expression.args.forEach((a) => this.expression(a, inner));
      return errorType;
    }
    if (!context.callAllowed) {
      expression.args.forEach((a) => this.expression(a, inner));
      this.mismatch(expression, "a value", `'run ${symbol.name}(…)'`, ": 'run' is a statement or the right side of let, var or set");
      return errorType;
    }
    const signature = this.project.signature(symbol);
    this.checkArguments(symbol.name, expression.args, signature.params, inner, expression, expression.incomplete);
    return signature.result;
  }

  // ---------------------------------------------------------- tests

  private checkTest(test: A.TestDecl): void {
    if (test.name) this.expression(test.name, { inTest: true, narrowing: noNarrowing });
    const base: ExprContext = { inTest: true, narrowing: noNarrowing };
    let started: A.FlowDecl | undefined;
    let startedUri = this.uri;
    let current: A.TestStatement | undefined;
    const flowOf = (symbol: DeclarationSymbol | undefined): void => {
      if (symbol?.kind === "flow") {
        started = symbol.node as A.FlowDecl;
        startedUri = symbol.uri;
        if (this.silent === 0 && current) this.testStarts.set(test, { uri: startedUri, flow: started, statement: current });
      }
    };
    const startCount = test.body.filter((s) => s.kind === "TestStart" || s.kind === "TestTrigger" || s.kind === "TestEvent");
    for (const extra of startCount.slice(1)) {
      this.report("FX2006", { what: "start", name: "of the test", detail: ": a test starts one conversation (start, trigger or event, once)" }, extra, [
        { uri: this.uri, range: startCount[0]!, message: "the test starts here" },
      ]);
    }
    for (const statement of test.body) {
      current = statement;
      const context: ExprContext = { ...base, testCondition: true, ...(started ? { scope: this.scopeOf(started, startedUri) } : {}) };
      switch (statement.kind) {
        case "TestContext":
          this.expectRecord(statement.value, this.project.context, base, "context");
          break;
        case "TestClock": {
          if (!statement.value) break;
          const type = this.expression(statement.value, base);
          this.expectAssignable(statement.value, type, stringType);
          const text = statement.value.kind === "String" ? stringValue(statement.value) : undefined;
          if (text !== undefined && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(Date.parse(text)) || !isDate(text.slice(0, 10)))) {
            this.mismatch(statement.value, "an ISO date-time with an offset (like 2026-11-24T10:00:00-03:00)", JSON.stringify(text));
          }
          break;
        }
        case "TestSeed":
          if (statement.value && !statement.value.invalid && !statement.value.integer) this.mismatch(statement.value, integerType, statement.value.raw);
          break;
        case "TestMock":
          this.mock(statement, base);
          break;
        case "TestStart": {
          const symbol = this.flowSymbol(statement.flow, true);
          if (symbol) {
            this.checkArguments(symbol.name, statement.args, this.project.signature(symbol).params, base, statement);
            flowOf(symbol);
          } else statement.args.forEach((a) => this.expression(a, base));
          break;
        }
        case "TestTrigger": {
          if (!statement.text) break;
          const type = this.expression(statement.text, base);
          this.expectAssignable(statement.text, type, stringType);
          const text = statement.text.kind === "String" ? stringValue(statement.text) : undefined;
          if (text !== undefined) flowOf(matchKeyword(this.project.index, text) ?? this.project.index.startFlow);
          break;
        }
        case "TestEvent": {
          const name = stringValue(statement.event);
          const symbol = name !== undefined ? this.project.index.eventFlows.get(name) : undefined;
          if (statement.event && name === undefined) {
            this.report("FX1001", interpolated("an event name"), statement.event);
          } else if (statement.event && !symbol) {
            this.report("FX2003", { name: `(event "${name}")`, hint: `: no flow has 'trigger event "${name}"'` }, statement.event);
          }
          if (symbol) {
            flowOf(symbol);
            const signature = this.project.signature(symbol);
            const fields = new Map(signature.params.map((p) => [p.name, p.type] as const));
            const expected: Type = { kind: "record", fields };
            if (statement.payload) {
              // A parameter with a default may be left out of the payload, as the engine's `startEvent` and the SDK's types allow.
              const defaulted = new Set(signature.params.filter((p) => p.optional).map((p) => p.name));
              this.expectRecord(statement.payload, expected, base, `payload of event "${name}"`, defaulted);
              // A payload field is the flow's parameter of that name.
              for (const field of statement.payload.fields) {
                const param = field.name ? (symbol.node as A.FlowDecl).params.find((p) => p.name?.text === field.name!.text) : undefined;
                const type = fields.get(field.name?.text ?? "");
                if (param?.name && type) this.resolve(field.name!, { kind: "parameter", name: param.name.text, uri: symbol.uri, range: param.name, type });
              }
            }
            else if (signature.params.some((p) => !p.optional)) {
              this.mismatch(statement, `a payload with ${signature.params.filter((p) => !p.optional).map((p) => p.name).join(", ")}`, "no payload");
            }
          } else if (statement.payload) this.expression(statement.payload, base);
          break;
        }
        case "TestReply":
          if (statement.text) this.expectAssignable(statement.text, this.expression(statement.text, base), stringType);
          break;
        case "TestTimeout":
        case "ExpectError":
          break;
        case "ExpectSay":
          if (statement.text) this.expectAssignable(statement.text, this.expression(statement.text, base), stringType);
          break;
        case "ExpectMedia":
          if (statement.url) this.expectAssignable(statement.url, this.expression(statement.url, base), stringType);
          break;
        case "ExpectAsk":
          if (statement.prompt) this.expectAssignable(statement.prompt, this.expression(statement.prompt, base), stringType);
          for (const option of statement.options ?? []) this.expectAssignable(option, this.expression(option, base), stringType);
          break;
        case "ExpectAction": {
          if (!statement.action) break;
          const signature = this.actionSignature(statement.action, true);
          if (signature && statement.args) this.checkArguments(signature.name, statement.args, signature.params, base, statement);
          else statement.args?.forEach((a) => this.expression(a, base));
          break;
        }
        case "ExpectWait":
          this.checkDuration(statement.duration);
          break;
        case "ExpectHandoff":
          if (statement.department) this.expectAssignable(statement.department, this.expression(statement.department, base), stringType);
          break;
        case "ExpectEnd": {
          if (!statement.reason) break;
          const type = this.expression(statement.reason, base);
          this.expectAssignable(statement.reason, type, union(endReasons.map(literal)));
          break;
        }
        case "ExpectCondition": {
          if (!statement.condition) break;
          const type = this.expression(statement.condition, context);
          this.expectCondition(statement.condition, type);
          break;
        }
        default: {
          const never: never = statement;
          void never;
        }
      }
    }
  }

  private actionSignature(name: A.Name, inTest: boolean): CallableSignature | undefined {
    const standard = standardActions.get(name.text);
    if (standard) {
      this.resolve(name, { kind: "standard-action", name: name.text });
      return standard;
    }
    const symbol = this.project.visible(this.uri, name.text, inTest);
    if (symbol?.kind === "action") {
      this.resolve(name, this.declarationResolution(symbol));
      return this.project.signature(symbol);
    }
    if (this.project.importFailed(this.uri, name.text)) return undefined;
    this.report("FX2004", { name: name.text, hint: symbol ? `: '${name.text}' is ${article(symbol.kind)}, not an action` : "" }, name);
    return undefined;
  }

  private mock(statement: A.TestMock, context: ExprContext): void {
    if (!statement.action) return;
    const signature = this.actionSignature(statement.action, true);
    if (!signature) {
      statement.args?.forEach((a) => this.expression(a, context));
      if (statement.result?.kind === "MockReturns" && statement.result.value) this.expression(statement.result.value, context);
      return;
    }
    if (statement.args) this.checkArguments(signature.name, statement.args, signature.params, context, statement);
    const returnsNothing = signature.result.kind === "void";
    if (statement.result?.kind === "MockReturns") {
      const value = statement.result.value;
      const type = value ? this.expression(value, context) : errorType;
      if (returnsNothing) this.mismatch(statement.result, "no 'returns'", `'returns' for action '${signature.name}'`, ", which returns nothing");
      else if (value) this.expectValue(value, type, signature.result, context);
    } else if (!statement.result && !returnsNothing) {
      this.mismatch(statement, `'returns …' or 'fails'`, "a bare mock", `: action '${signature.name}' returns ${typeToString(signature.result)}`);
    }
  }

  /** Checks a value against an expected type, with excess-field checks for record literals. */
  private expectValue(node: A.Expression, type: Type, expected: Type, context: ExprContext): void {
    if (node.kind === "Record" && members(expected).some((m) => m.kind === "record")) {
      this.expectRecord(node, expected, context, typeToString(expected));
      return;
    }
    // A list literal holding record literals, where a list of records is
    // expected: each element is checked against the element type, so the
    // records get their field checks (FX2007, missing fields).
    if (node.kind === "List" && node.elements.some((e) => e.kind === "Record")) {
      const list = members(nonNull(expected)).find((m): m is Extract<Type, { kind: "list" }> => m.kind === "list");
      if (list && members(list.element).some((m) => m.kind === "record")) {
        for (const element of node.elements) this.expectValue(element, this.types.get(element) ?? errorType, list.element, context);
        return;
      }
    }
    this.expectAssignable(node, type, expected);
  }

  /** A record literal against a known record type: unknown fields are FX2007, field types FX3001. */
  /** A record literal against a record type; `optional`: fields that may be left out besides the nullable ones (an event payload's parameters with a default). */
  private expectRecord(node: A.RecordLiteral, expected: Type, context: ExprContext, what: string, optional?: ReadonlySet<string>): void {
    const target = members(nonNull(expected)).find((m): m is Extract<Type, { kind: "record" }> => m.kind === "record");
    if (!target) {
      this.expectAssignable(node, this.expression(node, context), expected);
      return;
    }
    const given = new Set<string>();
    for (const field of node.fields) {
      const type = field.value ? this.expression(field.value, context) : errorType;
      if (!field.name) continue;
      given.add(field.name.text);
      const fieldType = target.fields.get(field.name.text);
      if (fieldType === undefined) {
        this.report("FX2007", { name: field.name.text, type: what, hint: `; fields: ${[...target.fields.keys()].join(", ") || "none"}` }, field.name);
        continue;
      }
      // The expected type says which declaration the literal's field is (definition, references, rename).
      this.resolveField(field.name, target, field.name.text, fieldType);
      if (field.value) this.expectValue(field.value, type, fieldType, context);
    }
    const missing = [...target.fields].filter(([name, type]) => !given.has(name) && !isNullable(type) && !optional?.has(name)).map(([name]) => name);
    if (missing.length > 0) this.mismatch(node, `${what} with ${missing.join(", ")}`, `a record without ${missing.length === 1 ? "it" : "them"}`);
    this.record(node, expected);
  }
}

function isAskable(type: Type): boolean {
  if (type.kind === "error") return true;
  if (type.kind === "primitive") return true;
  return members(type).every((m) => m.kind === "literal" && typeof m.value === "string");
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** A short rendering of an expression for messages. */
export function describeExpression(expression: A.Expression | undefined): string {
  if (!expression) return "?";
  switch (expression.kind) {
    case "NameRef":
      return expression.name.text;
    case "ContextRef":
      return "context";
    case "Member":
      return `${describeExpression(expression.object)}${expression.optional ? "?." : "."}${expression.name?.text ?? ""}`;
    case "Index":
      return `${describeExpression(expression.object)}[…]`;
    case "Call":
      return `${expression.callee.text}(…)`;
    case "Paren":
      return `(${describeExpression(expression.expression)})`;
    case "String":
      return "a string";
    case "Number":
      return expression.raw;
    default:
      return "this expression";
  }
}

/** A relative import path from one file to another, for hints. */
export function relativePath(fromUri: string, toUri: string): string {
  const from = fromUri.split("/").slice(0, -1);
  const to = toUri.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  const rest = to.slice(common).join("/");
  return (up === 0 ? "./" : "../".repeat(up)) + rest;
}

/** Checks one file of a project. */
/**
 * Checks one file. `previous`, a check of the same file against a project
 * of the same shape (see `Program`), lets steps whose nodes the file still
 * has, and whose reads from their flow still hold, be replayed instead of
 * checked again (`StepCheck`).
 */
export function checkFile(uri: string, file: A.SourceFile, project: ProjectTypes, previous?: FileCheckResult): FileCheckResult {
  const checker = new FileChecker(uri, file, project, previous);
  checker.checkAll();
  return {
    diagnostics: checker.diagnostics,
    types: checker.types,
    resolutions: checker.resolutions,
    exhaustiveMatches: checker.exhaustiveMatches,
    uncheckedMatches: checker.uncheckedMatches,
    testStarts: checker.testStarts,
    steps: checker.steps,
  };
}
