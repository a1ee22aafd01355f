//! The typed abstract syntax tree of a `.flow` file.
//!
//! Trees are values: nodes hold syntax only, never resolved symbols or types
//! (the checker keeps those in side tables keyed by node). Every node has
//! `start` and `end`, the UTF-16 offsets of its text, as its own fields (as
//! tsc's `pos`/`end`): a node is itself a `Range`. A separate range object
//! per node cost 40 bytes and one allocation each, a quarter of the tree.
//! Parsing never fails, so a field the grammar requires is still optional
//! here: error recovery can drop it, and every later stage must cope with a
//! partial tree.

/** Half-open range of UTF-16 code-unit offsets `[start, end)` into a file's text. */
export interface Range {
  start: number;
  end: number;
}

/**
 * A fresh `Range` with the offsets of `range` (a node, or any range). Use it
 * where a range is kept (a diagnostic, a table): keeping the node itself
 * would keep the whole subtree alive, and print it in JSON output.
 */
export function rangeOf(range: Range): Range {
  return { start: range.start, end: range.end };
}

interface NodeBase {
  start: number;
  end: number;
}

// ---------------------------------------------------------------- names

/** An identifier as written, with its range (declaration sites and references). */
export interface Name extends NodeBase {
  kind: "Name";
  text: string;
}

// ---------------------------------------------------------------- file

/** A comment kept for hover (doc comments) and the formatter (all comments). */
export interface Comment extends NodeBase {
  kind: "Comment";
  /** `line` is `// …`, `doc` is `/// …`, `block` is `/* … *\/`. */
  style: "line" | "doc" | "block";
  /** The raw text of the comment, delimiters included. */
  text: string;
}

export interface SourceFile extends NodeBase {
  kind: "SourceFile";
  uri: string;
  declarations: Declaration[];
  /** Every comment of the file, in source order. */
  comments: Comment[];
}

export type Declaration = ImportDecl | ContextDecl | TypeDecl | ActionDecl | FlowDecl | TestDecl;

/** `import { A, b } from "./other.flow"` */
export interface ImportDecl extends NodeBase {
  kind: "Import";
  names: Name[];
  path?: StringLiteral;
}

/** `context { name: string; phone: phone }` */
export interface ContextDecl extends NodeBase {
  kind: "Context";
  fields: FieldDecl[];
  doc?: string;
}

/** A field of a record type or of `context`: `name: T`. */
export interface FieldDecl extends NodeBase {
  kind: "Field";
  name?: Name;
  type?: TypeNode;
  doc?: string;
}

/** `type Name = T` */
export interface TypeDecl extends NodeBase {
  kind: "TypeAlias";
  name?: Name;
  type?: TypeNode;
  doc?: string;
}

/** `action name(p: T) -> R timeout 5s [= http METHOD "url" { … }]` */
export interface ActionDecl extends NodeBase {
  kind: "Action";
  name?: Name;
  params: Param[];
  returnType?: TypeNode;
  timeout?: DurationLiteral;
  http?: HttpBinding;
  doc?: string;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** `= http METHOD "url" { header "K" = v; body expr; timeout 5s }` */
export interface HttpBinding extends NodeBase {
  kind: "Http";
  method?: HttpMethod;
  url?: StringLiteral;
  headers: HttpHeader[];
  body?: Expression;
  /** A `timeout` written inside the http block (the one before `=` lives on the action). */
  timeout?: DurationLiteral;
}

export interface HttpHeader extends NodeBase {
  kind: "Header";
  name?: StringLiteral;
  value?: Expression;
}

/** A flow or action parameter: `p: T` or `p: T = literal`. */
export interface Param extends NodeBase {
  kind: "Param";
  name?: Name;
  type?: TypeNode;
  default?: Expression;
}

/** `flow name(params) -> T { triggers, statements, steps }` */
export interface FlowDecl extends NodeBase {
  kind: "Flow";
  name?: Name;
  params: Param[];
  returnType?: TypeNode;
  triggers: Trigger[];
  /** Statements of the flow body, in order (steps and triggers excluded). */
  body: Statement[];
  steps: Step[];
  doc?: string;
}

export type Trigger = KeywordTrigger | EventTrigger | StartTrigger;

/** `trigger keyword "a", "b"` */
export interface KeywordTrigger extends NodeBase {
  kind: "KeywordTrigger";
  keywords: StringLiteral[];
}

/** `trigger event "purchase.completed"` */
export interface EventTrigger extends NodeBase {
  kind: "EventTrigger";
  event?: StringLiteral;
}

/** `trigger start` */
export interface StartTrigger extends NodeBase {
  kind: "StartTrigger";
}

/** `step name { … }`: a named block reached by `goto`. */
export interface Step extends NodeBase {
  kind: "Step";
  name?: Name;
  body: Statement[];
  doc?: string;
}

/** `test "name" { … }` */
export interface TestDecl extends NodeBase {
  kind: "Test";
  name?: StringLiteral;
  body: TestStatement[];
  doc?: string;
}

// ---------------------------------------------------------------- statements

export type Statement =
  | SayStatement
  | MediaStatement
  | WaitStatement
  | AskStatement
  | ChooseStatement
  | CallStatement
  | LetStatement
  | VarStatement
  | SetStatement
  | RunStatement
  | ReturnStatement
  | IfStatement
  | MatchStatement
  | RandomStatement
  | GotoStatement
  | EndStatement
  | HandoffStatement
  | Block;

/** `{ statements }`: the body of `if`, `else`, an action's `else`, or an arm. */
export interface Block extends NodeBase {
  kind: "Block";
  statements: Statement[];
}

/** `say "text"` */
export interface SayStatement extends NodeBase {
  kind: "Say";
  text?: Expression;
}

export type MediaKind = "image" | "video" | "audio" | "file";

/** `say image URL [caption TEXT]` */
export interface MediaStatement extends NodeBase {
  kind: "SayMedia";
  media: MediaKind;
  url?: Expression;
  caption?: Expression;
}

/** `wait 2s` */
export interface WaitStatement extends NodeBase {
  kind: "Wait";
  duration?: DurationLiteral;
}

/**
 * `ask x: T "prompt" { clauses }` or `ask x from list "prompt" { clauses }`.
 * Exactly one of `type` and `from` is set on a well-formed question.
 */
export interface AskStatement extends NodeBase {
  kind: "Ask";
  name?: Name;
  type?: TypeNode;
  from?: Expression;
  prompt?: Expression;
  clauses: QuestionClause[];
}

export type QuestionClause = ValidateClause | InvalidClause | TimeoutClause | LabelClause;

/** `validate expr` */
export interface ValidateClause extends NodeBase {
  kind: "Validate";
  condition?: Expression;
}

/** `invalid "message" [retries N] [=> statement]` */
export interface InvalidClause extends NodeBase {
  kind: "Invalid";
  message?: Expression;
  retries?: NumberLiteral;
  then?: Statement;
}

/** `timeout 30m [=> statement]` */
export interface TimeoutClause extends NodeBase {
  kind: "Timeout";
  duration?: DurationLiteral;
  then?: Statement;
}

/** `label expr` (in `ask … from`) */
export interface LabelClause extends NodeBase {
  kind: "Label";
  value?: Expression;
}

/** `choose "prompt" { option …; invalid …; timeout … }` */
export interface ChooseStatement extends NodeBase {
  kind: "Choose";
  prompt?: Expression;
  options: ChooseOption[];
  clauses: QuestionClause[];
}

/** `option "Label", "alias" => statement`: the first string is the label. */
export interface ChooseOption extends NodeBase {
  kind: "Option";
  labels: StringLiteral[];
  then?: Statement;
}

/** An action call as a statement: `tag("vip") [else { … }]`. */
export interface CallStatement extends NodeBase {
  kind: "CallStatement";
  call: CallExpression;
  else?: Block;
}

/** `let x = expr [else { … }]` */
export interface LetStatement extends NodeBase {
  kind: "Let";
  name?: Name;
  value?: Expression;
  else?: Block;
}

/** `var x: T [= expr [else { … }]]` */
export interface VarStatement extends NodeBase {
  kind: "Var";
  name?: Name;
  type?: TypeNode;
  value?: Expression;
  else?: Block;
}

/** `set x = expr [else { … }]` */
export interface SetStatement extends NodeBase {
  kind: "Set";
  name?: Name;
  value?: Expression;
  else?: Block;
}

/** `run flow(args)` as a statement. */
export interface RunStatement extends NodeBase {
  kind: "RunStatement";
  run: RunExpression;
}

/** `return [expr]` */
export interface ReturnStatement extends NodeBase {
  kind: "Return";
  value?: Expression;
}

/** `if cond { … } [else if … | else { … }]` */
export interface IfStatement extends NodeBase {
  kind: "If";
  condition?: Expression;
  then?: Block;
  else?: Block | IfStatement;
}

/** `match subject { "a", "b" => stmt; else => stmt }` */
export interface MatchStatement extends NodeBase {
  kind: "Match";
  subject?: Expression;
  arms: MatchArm[];
}

/** One arm of `match`: literal patterns, or `else` (empty `patterns`, `isElse`). */
export interface MatchArm extends NodeBase {
  kind: "MatchArm";
  patterns: Expression[];
  isElse: boolean;
  body?: Statement;
}

/** `random { 50 => stmt; 50 => stmt }` */
export interface RandomStatement extends NodeBase {
  kind: "Random";
  arms: RandomArm[];
}

export interface RandomArm extends NodeBase {
  kind: "RandomArm";
  weight?: NumberLiteral;
  body?: Statement;
}

/** `goto step` */
export interface GotoStatement extends NodeBase {
  kind: "Goto";
  target?: Name;
}

/** `end` */
export interface EndStatement extends NodeBase {
  kind: "End";
}

/** `handoff [to "Department"]` */
export interface HandoffStatement extends NodeBase {
  kind: "Handoff";
  department?: Expression;
}

// ---------------------------------------------------------------- tests

export type TestStatement =
  | TestContext
  | TestClock
  | TestSeed
  | TestMock
  | TestStart
  | TestTrigger
  | TestEvent
  | TestReply
  | TestTimeout
  | ExpectSay
  | ExpectMedia
  | ExpectAsk
  | ExpectAction
  | ExpectWait
  | ExpectHandoff
  | ExpectEnd
  | ExpectError
  | ExpectCondition;

/** `context { name: "Ana" }` inside a test. */
export interface TestContext extends NodeBase {
  kind: "TestContext";
  value: RecordLiteral;
}

/** `clock "2026-11-24T10:00:00-03:00"` */
export interface TestClock extends NodeBase {
  kind: "TestClock";
  value?: Expression;
}

/** `seed 42` */
export interface TestSeed extends NodeBase {
  kind: "TestSeed";
  value?: NumberLiteral;
}

/**
 * `mock name [(args)] [returns expr | fails]`. `args` is undefined when the
 * mock matches every call; `result` is undefined for a bare mock.
 */
export interface TestMock extends NodeBase {
  kind: "TestMock";
  action?: Name;
  args?: Expression[];
  result?: MockReturns | MockFails;
}

export interface MockReturns extends NodeBase {
  kind: "MockReturns";
  value?: Expression;
}

export interface MockFails extends NodeBase {
  kind: "MockFails";
}

/** `start flow(args)` */
export interface TestStart extends NodeBase {
  kind: "TestStart";
  flow?: Name;
  args: Expression[];
}

/** `trigger "text"` */
export interface TestTrigger extends NodeBase {
  kind: "TestTrigger";
  text?: Expression;
}

/** `event "name" { payload }` */
export interface TestEvent extends NodeBase {
  kind: "TestEvent";
  event?: StringLiteral;
  payload?: RecordLiteral;
}

/** `reply "text"` */
export interface TestReply extends NodeBase {
  kind: "TestReply";
  text?: Expression;
}

/** `timeout`: the pending question times out. */
export interface TestTimeout extends NodeBase {
  kind: "TestTimeout";
}

/** `expect say [contains] "text"` */
export interface ExpectSay extends NodeBase {
  kind: "ExpectSay";
  contains: boolean;
  text?: Expression;
}

/** `expect media "url"` */
export interface ExpectMedia extends NodeBase {
  kind: "ExpectMedia";
  url?: Expression;
}

/** `expect ask ["prompt"] [options "A", "B"]` */
export interface ExpectAsk extends NodeBase {
  kind: "ExpectAsk";
  prompt?: Expression;
  options?: Expression[];
}

/** `expect action name(args)` */
export interface ExpectAction extends NodeBase {
  kind: "ExpectAction";
  action?: Name;
  args?: Expression[];
}

/** `expect wait 2s` */
export interface ExpectWait extends NodeBase {
  kind: "ExpectWait";
  duration?: DurationLiteral;
}

/** `expect handoff [to "X"]` */
export interface ExpectHandoff extends NodeBase {
  kind: "ExpectHandoff";
  department?: Expression;
}

/** `expect end ["reason"]` */
export interface ExpectEnd extends NodeBase {
  kind: "ExpectEnd";
  reason?: Expression;
}

/** `expect error` */
export interface ExpectError extends NodeBase {
  kind: "ExpectError";
}

/** `expect <boolean expression>` over the started flow's variables. */
export interface ExpectCondition extends NodeBase {
  kind: "ExpectCondition";
  condition?: Expression;
}

// ---------------------------------------------------------------- expressions

export type Expression =
  | StringLiteral
  | NumberLiteral
  | DurationLiteral
  | BooleanLiteral
  | NullLiteral
  | ListLiteral
  | RecordLiteral
  | NameExpression
  | ContextExpression
  | MemberExpression
  | IndexExpression
  | CallExpression
  | RunExpression
  | UnaryExpression
  | BinaryExpression
  | ParenExpression;

/** Literal text of a string, escapes already decoded (and indentation trimmed for `"""`). */
export interface StringText extends NodeBase {
  kind: "StringText";
  value: string;
}

/** `{expr}` inside a string. `expression` is undefined when it is empty or unparsable (FX1003). */
export interface Interpolation extends NodeBase {
  kind: "Interpolation";
  expression?: Expression;
}

/** `"…"` or `"""…"""`, as alternating text and interpolations. */
export interface StringLiteral extends NodeBase {
  kind: "String";
  block: boolean;
  parts: (StringText | Interpolation)[];
}

/** `42` or `3.14`. `invalid` marks an FX1004 token (it gets the error type). */
export interface NumberLiteral extends NodeBase {
  kind: "Number";
  value: number;
  /** Written without a fraction: an `integer` literal. */
  integer: boolean;
  raw: string;
  invalid?: true;
}

export type DurationUnit = "ms" | "s" | "m" | "h" | "d";

/** `500ms 5s 10m 2h 1d`. `invalid` marks an FX1004 token. */
export interface DurationLiteral extends NodeBase {
  kind: "Duration";
  /** The duration in milliseconds (NaN when invalid). */
  ms: number;
  raw: string;
  invalid?: true;
}

export interface BooleanLiteral extends NodeBase {
  kind: "Boolean";
  value: boolean;
}

export interface NullLiteral extends NodeBase {
  kind: "Null";
}

/** `[a, b]` */
export interface ListLiteral extends NodeBase {
  kind: "List";
  elements: Expression[];
}

/** `{ a: 1, b: "x" }` */
export interface RecordLiteral extends NodeBase {
  kind: "Record";
  fields: RecordField[];
}

export interface RecordField extends NodeBase {
  kind: "RecordField";
  name?: Name;
  value?: Expression;
}

/** A variable, parameter, or other name used as a value. */
export interface NameExpression extends NodeBase {
  kind: "NameRef";
  name: Name;
}

/** The `context` keyword as a value (`context.name`). */
export interface ContextExpression extends NodeBase {
  kind: "ContextRef";
}

/** `a.b` or `a?.b` */
export interface MemberExpression extends NodeBase {
  kind: "Member";
  object: Expression;
  optional: boolean;
  name?: Name;
}

/** `list[i]` */
export interface IndexExpression extends NodeBase {
  kind: "Index";
  object: Expression;
  index?: Expression;
}

/** `name(args)`: an action, built-in function, or (after `run`) a flow. */
export interface CallExpression extends NodeBase {
  kind: "Call";
  callee: Name;
  args: Expression[];
  /** An argument was lost to a syntax error: the checker does not count them. */
  incomplete?: boolean;
}

/** `run flow(args)` */
export interface RunExpression extends NodeBase {
  kind: "Run";
  flow?: Name;
  args: Expression[];
  /** An argument was lost to a syntax error: the checker does not count them. */
  incomplete?: boolean;
}

export type UnaryOperator = "-" | "not";

export interface UnaryExpression extends NodeBase {
  kind: "Unary";
  operator: UnaryOperator;
  operand?: Expression;
}

export type BinaryOperator =
  | "??"
  | "or"
  | "and"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";

export interface BinaryExpression extends NodeBase {
  kind: "Binary";
  operator: BinaryOperator;
  left: Expression;
  right?: Expression;
}

/** `( expr )`, kept so that the formatter prints the parentheses that were written. */
export interface ParenExpression extends NodeBase {
  kind: "Paren";
  expression?: Expression;
}

// ---------------------------------------------------------------- types

export type TypeNode = TypeReference | LiteralType | UnionType | OptionalType | ListType | RecordType | ParenType;

/** A named type: a primitive (`string`, `integer`, `email`, …) or a `type` alias. */
export interface TypeReference extends NodeBase {
  kind: "TypeRef";
  name: Name;
}

/** A literal used as a type: `"pending"`, `1`, `true`, `null`. */
export interface LiteralType extends NodeBase {
  kind: "LiteralType";
  literal: StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral;
}

/** `A | B | C` */
export interface UnionType extends NodeBase {
  kind: "UnionType";
  types: TypeNode[];
}

/** `T?` */
export interface OptionalType extends NodeBase {
  kind: "OptionalType";
  type: TypeNode;
}

/** `T[]` */
export interface ListType extends NodeBase {
  kind: "ListType";
  element: TypeNode;
}

/** `{ a: T; b: U? }` */
export interface RecordType extends NodeBase {
  kind: "RecordType";
  fields: FieldDecl[];
}

/** `( T )` */
export interface ParenType extends NodeBase {
  kind: "ParenType";
  type?: TypeNode;
}

/** Every kind of node, for generic walkers. */
export type Node =
  | SourceFile
  | Declaration
  | FieldDecl
  | Param
  | HttpBinding
  | HttpHeader
  | Trigger
  | Step
  | Statement
  | QuestionClause
  | ChooseOption
  | MatchArm
  | RandomArm
  | TestStatement
  | MockReturns
  | MockFails
  | Expression
  | StringText
  | Interpolation
  | RecordField
  | TypeNode
  | Name
  | Comment;

/** The text of a string literal without interpolations, or undefined if it interpolates. */
export function stringValue(literal: StringLiteral | undefined): string | undefined {
  if (!literal) return undefined;
  let out = "";
  for (const part of literal.parts) {
    if (part.kind !== "StringText") return undefined;
    out += part.value;
  }
  return out;
}
