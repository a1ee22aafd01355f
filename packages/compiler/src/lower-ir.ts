//! Lowering: from the checked AST to the bundle IR (`@fluxo/runtime`'s
//! `bundle.ts`). Each flow becomes a flat instruction list with jumps; each
//! expression a small JSON tree. Emitters and the runtime only ever see this
//! IR (STYLE invariant 5).
//!
//! Lowering assumes a program without errors (`fluxo build` refuses to build
//! otherwise) but never throws on one: whatever recovery left out becomes a
//! `null` literal, so tools can still look at the result.
//!
//! Layout of compound statements (forward jumps are patched once known):
//! - `ask`/`choose`: the question, then a jump over its arms, then each arm's
//!   code ending in a jump back to after the question;
//! - `let x = action() else { … }`: the call, a jump over the else block,
//!   the else block;
//! - `if`: branch, then-block, jump over the else block, else-block;
//! - `match`/`random`: the dispatch, then each arm ending in a jump to the end.

import type {
  ActionJson,
  Bundle,
  Expr,
  FlowJson,
  InputSpec,
  Instruction,
  InvalidSpec,
  ParamJson,
  TimeoutSpec,
  TriggerJson,
  TypeJson,
} from "@fluxo/runtime/bundle";
import type * as A from "./ast.js";
import { stringValue } from "./ast.js";
import { normalizeText, type DeclarationSymbol } from "./bind.js";
import { builtins, standardActions } from "./check.js";
import type { Program } from "./program.js";
import { sha256 } from "./sha256.js";
import { members, nullable, stringType, type Type } from "./types.js";

/** Converts a checked type to the bundle's type representation. */
export function typeJson(type: Type): TypeJson {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "literal":
      return { literal: type.value };
    case "null":
      return "null";
    case "list":
      return { list: typeJson(type.element) };
    case "record": {
      const record: Record<string, TypeJson> = {};
      for (const [name, field] of type.fields) setOwn(record, name, typeJson(field));
      return { record };
    }
    case "union":
      return { union: type.types.map(typeJson) };
    default:
      // error/never/void do not occur in a program without errors.
      return "null";
  }
}

/** The value of a literal expression (defaults, match arms, mock values without variables). */
export function literalValue(expression: A.Expression | undefined): unknown {
  if (!expression) return null;
  switch (expression.kind) {
    case "String":
      return stringValue(expression) ?? null;
    case "Number":
      return expression.value;
    case "Boolean":
      return expression.value;
    case "Null":
      return null;
    case "Unary":
      return expression.operator === "-" && expression.operand?.kind === "Number" ? -expression.operand.value : null;
    case "List":
      return expression.elements.map(literalValue);
    case "Record":
      return Object.fromEntries(expression.fields.filter((f) => f.name).map((f) => [f.name!.text, literalValue(f.value)]));
    case "Paren":
      return literalValue(expression.expression);
    default:
      return null;
  }
}

const nullExpr: Expr = ["lit", null];

/**
 * Sets an own property: names come from user code, and `__proto__` assigned
 * with `obj[name] = …` would set the prototype instead of a field.
 */
function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Lowers an expression to the bundle's expression code. */
export function lowerExpression(expression: A.Expression | undefined): Expr {
  if (!expression) return nullExpr;
  switch (expression.kind) {
    case "String": {
      const value = stringValue(expression);
      if (value !== undefined) return ["lit", value];
      const parts: unknown[] = expression.parts.map((part) => (part.kind === "StringText" ? part.value : lowerExpression(part.expression)));
      return ["str", ...parts];
    }
    case "Number":
      return ["lit", expression.value];
    case "Duration":
      return ["lit", expression.ms];
    case "Boolean":
      return ["lit", expression.value];
    case "Null":
      return nullExpr;
    case "List":
      return ["list", ...expression.elements.map(lowerExpression)];
    case "Record":
      return ["rec", ...expression.fields.filter((f) => f.name).map((f) => [f.name!.text, lowerExpression(f.value)])];
    case "NameRef":
      return ["var", expression.name.text];
    case "ContextRef":
      return ["ctx"];
    case "Member":
      return ["get", lowerExpression(expression.object), expression.name?.text ?? "", expression.optional];
    case "Index":
      return ["idx", lowerExpression(expression.object), lowerExpression(expression.index)];
    case "Call":
      return ["fn", expression.callee.text, ...expression.args.map(lowerExpression)];
    case "Run":
      // Only reachable in a program with errors (run is a statement-level form).
      return nullExpr;
    case "Unary":
      return [expression.operator === "not" ? "not" : "neg", lowerExpression(expression.operand)];
    case "Binary":
      return [expression.operator, lowerExpression(expression.left), lowerExpression(expression.right)];
    case "Paren":
      return lowerExpression(expression.expression);
    default: {
      const never: never = expression;
      void never;
      return nullExpr;
    }
  }
}

/** The way a reply is read for a declared `ask` type. */
export function inputSpec(type: Type): InputSpec {
  if (type.kind === "primitive") return { type: type.name };
  const values = members(type).flatMap((m) => (m.kind === "literal" ? [m.value] : []));
  return { type: "choice", options: values.map(String), values };
}

interface FlowLowering {
  code: Instruction[];
  map: [number, number, number][];
  /** Jumps to patch with the pc of a step, by step name. */
  gotos: { pc: number; step: string }[];
}

class BundleBuilder {
  private readonly sources: string[] = [];

  constructor(
    private readonly program: Program,
    private readonly sourceName: (uri: string) => string,
  ) {}

  private sourceIndex(uri: string): number {
    const name = this.sourceName(uri);
    let index = this.sources.indexOf(name);
    if (index < 0) index = this.sources.push(name) - 1;
    return index;
  }

  private resolve(node: A.TypeNode | undefined, uri: string): Type {
    if (!node) return nullable(stringType);
    return this.program.getProjectTypes().resolveType(node, uri);
  }

  private params(params: readonly A.Param[], uri: string): ParamJson[] {
    return params.map((p) => {
      const param: ParamJson = { name: p.name?.text ?? "", type: typeJson(this.resolve(p.type, uri)) };
      if (p.default) param.default = literalValue(p.default);
      return param;
    });
  }

  build(): Bundle {
    const program = this.program;
    const index = program.getIndex();
    const projectTypes = program.getProjectTypes();
    const context: Record<string, TypeJson> = {};
    const contextType = projectTypes.context;
    if (contextType.kind === "record") for (const [name, type] of contextType.fields) setOwn(context, name, typeJson(type));

    const types: Record<string, TypeJson> = {};
    const actions: Record<string, ActionJson> = {};
    const flows: Record<string, FlowJson> = {};
    for (const [name, signature] of standardActions) {
      setOwn(actions, name, { standard: true, params: signature.params.map((p) => ({ name: p.name, type: typeJson(p.type) })), result: null, timeoutMs: 10_000 });
    }
    for (const uri of program.uris) {
      const file = program.getSourceFile(uri)!;
      for (const declaration of file.declarations) {
        if (!("name" in declaration) || declaration.kind === "Test" || !declaration.name) continue;
        const symbol = index.declarations.get(declaration.name.text);
        if (!symbol || symbol.node !== declaration) continue;
        if (declaration.kind === "TypeAlias") setOwn(types, symbol.name, typeJson(projectTypes.aliasType(symbol)));
        else if (declaration.kind === "Action") setOwn(actions, symbol.name, this.action(declaration, symbol));
        else if (declaration.kind === "Flow") setOwn(flows, symbol.name, this.flow(declaration, symbol));
      }
    }
    const body = {
      format: "fluxo.bundle/1" as const,
      locale: program.options.locale,
      timeZone: program.options.timeZone,
      context,
      types,
      actions,
      flows,
      sources: this.sources,
    };
    // The version identifies what runs (RUNTIME §1: a content hash of the bundle's fields; §2: a state of
    // another version is moved to the new bundle). The source map and the file names only say where the code
    // came from: a rebuild that moves lines (a comment, a blank line) or renames a file keeps the version, so it
    // does not move every waiting conversation back to the start of its step.
    const runs = { ...body, sources: undefined, flows: Object.fromEntries(Object.entries(flows).map(([name, { map: _map, ...flow }]) => [name, flow])) };
    const version = sha256(JSON.stringify(runs)).slice(0, 16);
    return { format: body.format, version, locale: body.locale, timeZone: body.timeZone, context, types, actions, flows, sources: this.sources };
  }

  private action(node: A.ActionDecl, symbol: DeclarationSymbol): ActionJson {
    const signature = this.program.getProjectTypes().signature(symbol);
    const action: ActionJson = {
      params: this.params(node.params, symbol.uri),
      result: signature.result.kind === "void" ? null : typeJson(signature.result),
      timeoutMs: node.http?.timeout?.ms ?? node.timeout?.ms ?? 10_000,
    };
    const http = node.http;
    if (http?.method && http.url) {
      let prefix = "";
      for (const part of http.url.parts) {
        if (part.kind !== "StringText") break;
        prefix += part.value;
      }
      const origin = /^(https?:\/\/[^/?#]*)/i.exec(prefix)?.[1] ?? "";
      action.http = {
        method: http.method,
        url: http.url.parts.length === 0 ? ["lit", ""] : ["str", ...http.url.parts.map((p) => (p.kind === "StringText" ? p.value : lowerExpression(p.expression)))],
        origin: safeOrigin(origin),
        headers: http.headers.map((h) => [stringValue(h.name) ?? "", lowerExpression(h.value)]),
        body: http.body ? lowerExpression(http.body) : null,
      };
    }
    return action;
  }

  private flow(node: A.FlowDecl, symbol: DeclarationSymbol): FlowJson {
    const uri = symbol.uri;
    const lineIndex = this.program.getLineIndex(uri)!;
    const fileIndex = this.sourceIndex(uri);
    const check = this.program.getCheckResult(uri)!;
    const signature = this.program.getProjectTypes().signature(symbol);
    const lowering: FlowLowering = { code: [], map: [], gotos: [] };
    const steps: Record<string, number> = { "": 0 };

    const emit = (instruction: Instruction, at: A.Node | undefined): number => {
      const position = lineIndex.positionAt(at?.start ?? node.start);
      lowering.code.push(instruction);
      lowering.map.push([fileIndex, position.line + 1, position.character + 1]);
      return lowering.code.length - 1;
    };
    const here = (): number => lowering.code.length;

    // Variables and their types (for redeploys): parameters and every declaration.
    const vars: Record<string, TypeJson> = {};
    for (const param of node.params) {
      const type = param.name ? check.resolutions.get(param.name)?.type : undefined;
      if (param.name && type) setOwn(vars, param.name.text, typeJson(type));
    }

    const lowerStatements = (statements: readonly A.Statement[]): void => {
      for (const statement of statements) lowerStatement(statement);
    };

    const invalidSpec = (clauses: readonly A.QuestionClause[]): { spec: InvalidSpec; arm: A.Statement | undefined } => {
      const clause = clauses.find((c): c is A.InvalidClause => c.kind === "Invalid");
      return {
        spec: {
          message: clause?.message ? lowerExpression(clause.message) : null,
          retries: clause?.retries && !clause.retries.invalid ? clause.retries.value : 2,
          then: null,
        },
        arm: clause?.then,
      };
    };
    const timeoutSpec = (clauses: readonly A.QuestionClause[]): { spec: TimeoutSpec | null; arm: A.Statement | undefined } => {
      const clause = clauses.find((c): c is A.TimeoutClause => c.kind === "Timeout");
      if (!clause?.duration || clause.duration.invalid) return { spec: null, arm: undefined };
      return { spec: { ms: clause.duration.ms, then: null }, arm: clause.then };
    };

    /** Emits the code of arms after a question; returns the patch function for "after". */
    const lowerArms = (arms: { arm: A.Statement | undefined; setThen: (pc: number) => void }[]): void => {
      const pending = arms.filter((a) => a.arm);
      if (pending.length === 0) return;
      const jumpOver = emit({ op: "jump", to: -1 }, undefined);
      const ends: number[] = [];
      for (const { arm, setThen } of pending) {
        setThen(here());
        lowerStatement(arm!);
        ends.push(emit({ op: "jump", to: -1 }, arm));
      }
      const after = here();
      (lowering.code[jumpOver] as { to: number }).to = after;
      for (const end of ends) (lowering.code[end] as { to: number }).to = after;
    };

    const declareVar = (name: A.Name | undefined): void => {
      if (!name) return;
      const type = check.resolutions.get(name)?.type;
      if (type && !Object.prototype.hasOwnProperty.call(vars, name.text)) setOwn(vars, name.text, typeJson(type));
    };

    const assignmentTarget = (statement: A.LetStatement | A.VarStatement | A.SetStatement): string | null => statement.name?.text ?? null;

    const lowerAssignment = (statement: A.LetStatement | A.VarStatement | A.SetStatement): void => {
      if (statement.kind !== "Set") declareVar(statement.name);
      if (!statement.value) return;
      const target = assignmentTarget(statement);
      const value = statement.value;
      if (value.kind === "Call" && isAction(value.callee.text)) {
        lowerCall(value, target, statement.else, statement);
      } else if (value.kind === "Run") {
        emit({ op: "run", flow: value.flow?.text ?? "", args: value.args.map(lowerExpression), var: target }, statement);
      } else if (target) {
        emit({ op: "set", var: target, value: lowerExpression(value) }, statement);
      }
    };

    const isAction = (name: string): boolean => standardActions.has(name) || (!builtins.has(name) && this.program.getIndex().declarations.get(name)?.kind === "action");

    /**
     * A call's arguments, one per parameter of the action: a call may leave
     * out trailing parameters with a default or a nullable type (the checker
     * allows it), and those are written in (the default, or null), so the
     * bundle states the declared arity the runtime checks (`load.ts`) and a
     * host handler always gets every argument.
     */
    const actionArgs = (call: A.CallExpression): Expr[] => {
      const args: Expr[] = call.args.map(lowerExpression);
      const symbol = this.program.getIndex().declarations.get(call.callee.text);
      if (symbol?.kind !== "action") return args;
      const params = (symbol.node as A.ActionDecl).params;
      for (let i = args.length; i < params.length; i++) {
        const fallback = params[i]!.default;
        args.push(fallback ? ["lit", literalValue(fallback)] : ["lit", null]);
      }
      return args;
    };

    const lowerCall = (call: A.CallExpression, target: string | null, otherwise: A.Block | undefined, at: A.Node): void => {
      const pc = emit({ op: "call", action: call.callee.text, args: actionArgs(call), var: target, else: null }, at);
      if (!otherwise) return;
      const jumpOver = emit({ op: "jump", to: -1 }, at);
      (lowering.code[pc] as { else: number | null }).else = here();
      lowerStatements(otherwise.statements);
      (lowering.code[jumpOver] as { to: number }).to = here();
    };

    const lowerStatement = (statement: A.Statement): void => {
      switch (statement.kind) {
        case "Say":
          emit({ op: "say", text: lowerExpression(statement.text) }, statement);
          break;
        case "SayMedia":
          emit({ op: "media", kind: statement.media, url: lowerExpression(statement.url), caption: statement.caption ? lowerExpression(statement.caption) : null }, statement);
          break;
        case "Wait":
          emit({ op: "wait", ms: statement.duration && !statement.duration.invalid ? statement.duration.ms : 0 }, statement);
          break;
        case "Ask": {
          declareVar(statement.name);
          const invalid = invalidSpec(statement.clauses);
          const timeout = timeoutSpec(statement.clauses);
          const validate = statement.clauses.find((c): c is A.ValidateClause => c.kind === "Validate");
          const name = statement.name?.text ?? "";
          let pc: number;
          if (statement.from) {
            const label = statement.clauses.find((c): c is A.LabelClause => c.kind === "Label");
            pc = emit(
              {
                op: "askFrom",
                var: name,
                list: lowerExpression(statement.from),
                label: label?.value ? lowerExpression(label.value) : null,
                prompt: lowerExpression(statement.prompt),
                validate: validate?.condition ? lowerExpression(validate.condition) : null,
                invalid: invalid.spec,
                timeout: timeout.spec,
              },
              statement,
            );
          } else {
            pc = emit(
              {
                op: "ask",
                var: name,
                prompt: lowerExpression(statement.prompt),
                input: inputSpec(this.resolve(statement.type, uri)),
                validate: validate?.condition ? lowerExpression(validate.condition) : null,
                invalid: invalid.spec,
                timeout: timeout.spec,
              },
              statement,
            );
          }
          const question = lowering.code[pc] as { invalid: InvalidSpec; timeout: TimeoutSpec | null };
          lowerArms([
            { arm: invalid.arm, setThen: (to) => (question.invalid.then = to) },
            { arm: timeout.arm, setThen: (to) => (question.timeout!.then = to) },
          ]);
          break;
        }
        case "Choose": {
          const invalid = invalidSpec(statement.clauses);
          const timeout = timeoutSpec(statement.clauses);
          const options = statement.options.map((option) => {
            const texts = option.labels.map((l) => stringValue(l) ?? "");
            return { label: texts[0] ?? "", match: texts.map(normalizeText), then: -1 };
          });
          const pc = emit({ op: "choose", prompt: lowerExpression(statement.prompt), options, invalid: invalid.spec, timeout: timeout.spec }, statement);
          const question = lowering.code[pc] as Extract<Instruction, { op: "choose" }>;
          // Option arms, then invalid/timeout arms; an option without `=>` continues after the choose.
          const jumpOver = emit({ op: "jump", to: -1 }, statement);
          const ends: number[] = [jumpOver];
          statement.options.forEach((option, i) => {
            if (!option.then) return;
            question.options[i]!.then = here();
            lowerStatement(option.then);
            ends.push(emit({ op: "jump", to: -1 }, option.then));
          });
          const arms: [A.Statement | undefined, (pc: number) => void][] = [
            [invalid.arm, (to) => (question.invalid.then = to)],
            [timeout.arm, (to) => (question.timeout!.then = to)],
          ];
          for (const [arm, setThen] of arms) {
            if (!arm) continue;
            setThen(here());
            lowerStatement(arm);
            ends.push(emit({ op: "jump", to: -1 }, arm));
          }
          const after = here();
          for (const end of ends) (lowering.code[end] as { to: number }).to = after;
          for (const option of question.options) if (option.then < 0) option.then = after;
          break;
        }
        case "CallStatement":
          lowerCall(statement.call, null, statement.else, statement);
          break;
        case "Let":
        case "Var":
        case "Set":
          lowerAssignment(statement);
          break;
        case "RunStatement":
          emit({ op: "run", flow: statement.run.flow?.text ?? "", args: statement.run.args.map(lowerExpression), var: null }, statement);
          break;
        case "Return":
          emit({ op: "return", value: statement.value ? lowerExpression(statement.value) : null }, statement);
          break;
        case "If": {
          const branch = emit({ op: "branch", cond: lowerExpression(statement.condition), else: -1 }, statement);
          lowerStatements(statement.then?.statements ?? []);
          if (statement.else) {
            const jumpOver = emit({ op: "jump", to: -1 }, statement.else);
            (lowering.code[branch] as { else: number }).else = here();
            lowerStatement(statement.else);
            (lowering.code[jumpOver] as { to: number }).to = here();
          } else (lowering.code[branch] as { else: number }).else = here();
          break;
        }
        case "Match": {
          const cases: { values: (string | number | boolean | null)[]; to: number }[] = [];
          const pc = emit({ op: "match", subject: lowerExpression(statement.subject), cases, else: -1 }, statement);
          const ends: number[] = [];
          let elseTo = -1;
          for (const arm of statement.arms) {
            const start = here();
            if (arm.isElse) elseTo = start;
            else cases.push({ values: arm.patterns.map((p) => literalValue(p) as string | number | boolean | null), to: start });
            if (arm.body) lowerStatement(arm.body);
            ends.push(emit({ op: "jump", to: -1 }, arm));
          }
          const after = here();
          for (const end of ends) (lowering.code[end] as { to: number }).to = after;
          (lowering.code[pc] as { else: number }).else = elseTo >= 0 ? elseTo : after;
          break;
        }
        case "Random": {
          const arms: { weight: number; to: number }[] = [];
          emit({ op: "random", arms }, statement);
          const ends: number[] = [];
          for (const arm of statement.arms) {
            arms.push({ weight: arm.weight?.value ?? 0, to: here() });
            if (arm.body) lowerStatement(arm.body);
            ends.push(emit({ op: "jump", to: -1 }, arm));
          }
          const after = here();
          for (const end of ends) (lowering.code[end] as { to: number }).to = after;
          break;
        }
        case "Goto": {
          const pc = emit({ op: "jump", to: -1 }, statement);
          lowering.gotos.push({ pc, step: statement.target?.text ?? "" });
          break;
        }
        case "End":
          emit({ op: "end" }, statement);
          break;
        case "Handoff":
          emit({ op: "handoff", department: statement.department ? lowerExpression(statement.department) : null }, statement);
          break;
        case "Block":
          lowerStatements(statement.statements);
          break;
        default: {
          const never: never = statement;
          void never;
        }
      }
    };

    lowerStatements(node.body);
    emit({ op: "return", value: null }, undefined);
    for (const step of node.steps) {
      if (!step.name || Object.prototype.hasOwnProperty.call(steps, step.name.text)) continue;
      setOwn(steps, step.name.text, here());
      lowerStatements(step.body);
      emit({ op: "return", value: null }, undefined);
    }
    for (const { pc, step } of lowering.gotos) (lowering.code[pc] as { to: number }).to = Object.prototype.hasOwnProperty.call(steps, step) ? steps[step]! : lowering.code.length - 1;

    const triggers: TriggerJson[] = node.triggers.map((trigger) => {
      if (trigger.kind === "KeywordTrigger") return { keyword: trigger.keywords.map((k) => normalizeText(stringValue(k) ?? "")).filter(Boolean) };
      if (trigger.kind === "EventTrigger") return { event: stringValue(trigger.event) ?? "" };
      return { start: true };
    });

    return {
      params: this.params(node.params, uri),
      result: signature.result.kind === "void" ? null : typeJson(signature.result),
      triggers,
      vars,
      code: lowering.code,
      steps,
      map: lowering.map,
    };
  }
}

function safeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

export interface LowerOptions {
  /** How a source URI is named in the bundle's source map (default: the URI itself). */
  sourceName?: (uri: string) => string;
}

/** Lowers a checked program to a bundle. Deterministic: the same program gives the same bundle. */
export function lowerProgram(program: Program, options: LowerOptions = {}): Bundle {
  return new BundleBuilder(program, options.sourceName ?? ((uri) => uri)).build();
}
