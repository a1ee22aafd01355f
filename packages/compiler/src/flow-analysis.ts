//! Flow analysis: the checks of LANGUAGE.md §4–§5 that follow control flow
//! rather than types (FX4001–FX4006).
//!
//! Each flow becomes a control-flow graph (CFG) whose nodes each carry one
//! small operation (read a variable, assign it, wait for the contact, run a
//! subflow, jump to a step, fall off the end). The body is entered at the
//! flow's start; every `step` is a separate region entered only through
//! `goto` edges. The checks are then plain graph algorithms: a forward "must"
//! data-flow for definite assignment, reachability for `return` and waiting,
//! and strongly connected parts (Tarjan) for `goto` cycles and `run`
//! recursion. The analysis is syntactic and needs no types, so it runs on any
//! (partial) tree; what only types can tell (is this `match` exhaustive?) the
//! checker passes in through {@link FlowAnalysisOptions}.

/**
 * Semantics decisions (where LANGUAGE.md is silent or leaves a choice):
 *
 * - **Variables.** A flow's variables are its parameters and every name
 *   declared by `var`, `let`, `ask x: T` or `ask x from …` anywhere in the
 *   flow. Other names are not this module's business (FX2001 is the
 *   checker's). `var x: T` without `=` assigns nothing. A `let`, `set` or
 *   `var` whose value (or type) was lost to a syntax error still assigns,
 *   so one syntax error does not cascade into FX4001s.
 * - **`ask` arms.** An `invalid`/`timeout` arm whose statement completes
 *   continues after the `ask` with `x` *unassigned* (§5.2): the analysis
 *   clears `x` when the question goes unanswered, even if an earlier
 *   statement assigned it (sound whether or not the runtime keeps the old
 *   value); the arm itself may assign it (`=> set x = 0`). `let/var/set … else`
 *   instead keeps an earlier value (§5.4). The `invalid` message is evaluated
 *   without `x`; `validate` and `label` see `x` bound. `ask x from list`
 *   can run its `invalid` arm without waiting (empty list), which matters for
 *   FX4003.
 * - **`else` after a value that cannot fail** (not an action call: a
 *   literal, a `run`, a built-in function; FX3001 is the checker's). It never
 *   runs: it is skipped like unreachable code, unreported, so the variable
 *   counts as assigned and nothing in the block cascades.
 * - **Short-circuit.** The right operand of `and`, `or`, `??` may not run.
 * - **`match`.** Exhaustive (no fall-through path) iff it has an `else` arm
 *   or `options.isExhaustive(match)` says so. A `random` with arms is
 *   exhaustive; one with no arms does nothing.
 * - **Unreachable code (FX4002).** Reported once per block, on the first
 *   statement that no path reaches from the block's entry, ranging to the end
 *   of the block's last statement. This covers statements after `goto`,
 *   `end`, `handoff`, `return`, and after any compound statement none of
 *   whose paths completes (an `if` whose branches all leave, a `choose` whose
 *   options and clauses all leave, a `{ … }` block that leaves, named by
 *   the statement inside it that leaves). Unreachable statements are not
 *   analysed further (no nested FX4002, no FX4001 inside them); a `goto` in
 *   unreachable code still counts as a use of its step for FX4005. A `goto`
 *   to an unknown step (FX2002) leaves.
 * - **Entry states.** The body starts with the parameters assigned. A step's
 *   entry is the intersection over the `goto`s that can reach it from the
 *   flow's start. Code that cannot be reached from the start at all is
 *   analysed as if entered with only the parameters assigned at each step no
 *   reachable `goto` targets (an unused step, say), so its reads are still
 *   checked, but its `goto`s never weaken the entry of a step that the start
 *   does reach. A step declared twice (FX2006) is not analysed for FX4001.
 * - **Waiting (FX4003).** A `goto` from a region (the body or a step) to a
 *   step is a "no-wait" edge when some path from the region's entry reaches
 *   it without passing `ask`, `choose`, `wait`, or a `run` of a flow that can
 *   wait. A flow can wait when a path from its start (through its steps and,
 *   transitively, the flows it runs) passes one of those. A `run` of an
 *   unknown flow counts as waiting (FX2003 is reported; no cascade). Each
 *   strongly connected part of the no-wait graph with a cycle gets one error,
 *   on the `goto` that closes a cycle first when the `goto`s are taken in
 *   source order; the other `goto`s of that part are related information.
 *   Cycles of steps the start cannot reach are still reported.
 * - **`return` (FX4004), once per flow.** A `return` with a value in a flow
 *   without a return type, or a bare `return` in a flow with one, is
 *   misuse (even in unreachable code). A path from the start that reaches
 *   the end of the body or of a step in a flow with a return type falls
 *   off. The one diagnostic is on the first misused `return` in source
 *   order, else on the flow's name; every other misused `return` and every
 *   end a path falls off (its closing brace) are related information.
 * - **Unused (FX4005).** A variable that no expression of the flow reads,
 *   reachable or not (`set x` is not a read), is reported on its first
 *   declaration. Parameters
 *   are exempt (they are the flow's interface: event payloads fill them by
 *   name), and so are names starting with `_` (as in TypeScript and Rust),
 *   and names read by a test's `expect` condition (tests may read a flow's
 *   variables; the analysis does not resolve which flow a test starts, so any
 *   flow's variable of that name counts as read). A step is unused when no
 *   `goto` names it.
 * - **Recursion (FX4006).** The `run` graph is syntactic (every `run` in a
 *   flow's body and steps, unreachable ones included). One warning per strongly connected part with a
 *   cycle, on the `run` that closes a cycle first in project order (files by
 *   uri, then offset); the message names the flow holding that `run` and the
 *   cycle from it; the other `run`s of the part are related information.
 * - **Resolution.** `goto` resolves to the first step of that name in the
 *   flow, `run` as the checker resolves it (`options.resolveRun`; `Program`
 *   passes the checker's own): to the flow its file declares under that name
 *   (a duplicate of another file's, FX2006, included), else to the flow it
 *   imports under that name (without the callback: the first flow of that
 *   name in the project); unresolved names (and a name the file declares as
 *   an action or type) are skipped (their errors, FX2003, belong to the
 *   checker, and a `run` the checker cannot resolve adds no FX4006 or
 *   FX4003). Nothing inside `test` blocks is reported.
 */

import type * as A from "./ast.js";
import { isActionCall } from "./check.js";
import { diagnostic, type Diagnostic, type RelatedInformation } from "./diagnostics.js";

/** One parsed file of the project, in project order (sorted by uri). */
export interface FlowAnalysisInput {
  uri: string;
  file: A.SourceFile;
}

/** What the checker knows and the flow analysis cannot (it has no types). */
export interface FlowAnalysisOptions {
  /**
   * Whether a `match` covers every case of its subject's type, so that no
   * path falls through it. A `match` with an `else` arm is always exhaustive;
   * without this callback, only those are. `"unknown"` (a subject in error)
   * counts as exhaustive, except that when none of its arms completes, the
   * statements after it are not reported unreachable: the error is the one
   * diagnostic (LANGUAGE §8).
   */
  isExhaustive?(match: A.MatchStatement): boolean | "unknown";
  /**
   * The flow that `run name(…)` in file `uri` runs, as the checker resolves
   * it (`Program` passes `ProjectTypes.visible`: the file's own declaration,
   * else its imports), or undefined when the name is not a flow there (the
   * checker reports it; the `run` is skipped). Without this callback: the
   * file's own declaration of the name, else the project's first flow of
   * that name (a project read without imports, as the fixtures are).
   */
  resolveRun?(uri: string, name: string): A.FlowDecl | undefined;
}

/**
 * Runs the flow analysis over every flow of a project and returns its
 * diagnostics (FX4001–FX4006), in project order, then by position. Pure:
 * no I/O, and it never throws on a partial tree.
 */
export function analyzeFlows(files: readonly FlowAnalysisInput[], options: FlowAnalysisOptions = {}): Diagnostic[] {
  const units: FlowUnit[] = [];
  const expectNames = new Set<string>();
  files.forEach((input, fileIndex) => {
    for (const declaration of items(input?.file?.declarations)) {
      if (declaration.kind === "Flow") units.push({ uri: input.uri, fileIndex, flow: declaration });
      else if (declaration.kind === "Test") collectExpectNames(declaration, expectNames);
    }
  });

  const unitOf = new Map<A.FlowDecl, number>(units.map((unit, index) => [unit.flow, index]));
  const resolveFlow = options.resolveRun ?? resolveByName(files);
  const resolveRun = (fileIndex: number, name: string): number => {
    const flow = resolveFlow(files[fileIndex]!.uri, name);
    return flow ? (unitOf.get(flow) ?? NONE) : NONE;
  };

  const diagnostics: Diagnostic[] = [];
  const analyses = units.map((unit) => analyzeFlow(unit, (name) => resolveRun(unit.fileIndex, name), expectNames, options, diagnostics));

  const canWait = flowsThatCanWait(analyses);
  analyses.forEach((analysis) => reportGotoCycles(analysis, canWait, diagnostics));
  reportRunRecursion(units, analyses, resolveRun, diagnostics);

  const order = new Map(files.map((input, index) => [input.uri, index]));
  return diagnostics.sort(
    (a, b) =>
      (order.get(a.uri) ?? 0) - (order.get(b.uri) ?? 0) ||
      a.range.start - b.range.start ||
      a.range.end - b.range.end ||
      a.code.localeCompare(b.code),
  );
}

/**
 * The default `resolveRun`, for a project read without imports: a file's own
 * declaration of the name (the first of its flows, actions and types; an
 * action or type is not a flow), else the project's first flow of that name.
 */
function resolveByName(files: readonly FlowAnalysisInput[]): (uri: string, name: string) => A.FlowDecl | undefined {
  const own = new Map<string, Map<string, A.Declaration>>();
  const firstFlow = new Map<string, A.FlowDecl>();
  for (const input of files) {
    const names = new Map<string, A.Declaration>();
    own.set(input?.uri, names);
    for (const declaration of items(input?.file?.declarations)) {
      if (declaration.kind !== "Flow" && declaration.kind !== "Action" && declaration.kind !== "TypeAlias") continue;
      const name = declaration.name?.text;
      if (typeof name !== "string") continue;
      if (!names.has(name)) names.set(name, declaration);
      if (declaration.kind === "Flow" && !firstFlow.has(name)) firstFlow.set(name, declaration);
    }
  }
  return (uri, name) => {
    const declaration = own.get(uri)?.get(name);
    return declaration ? (declaration.kind === "Flow" ? declaration : undefined) : firstFlow.get(name);
  };
}

// ---------------------------------------------------------------- the graph

/** No variable / no step / unresolved flow. */
const NONE = -1;

type Operation =
  /** The start of the body or of a step. */
  | { kind: "entry" }
  /** Where branches meet. */
  | { kind: "join" }
  /** A read of variable `variable`; `bound` is a variable that counts as assigned here (`validate`, `label`). */
  | { kind: "read"; variable: number; name: A.Name; bound: number }
  | { kind: "assign"; variable: number }
  /** An unanswered `ask` (invalid or timed out): its variable is unassigned from here. */
  | { kind: "kill"; variable: number }
  /** `ask`, `choose` or `wait`: the conversation waits for the contact (or a pause). */
  | { kind: "wait" }
  /** `run flow(…)`; `flow` is the index of the flow unit, or NONE when unresolved. */
  | { kind: "run"; flow: number; expression: A.RunExpression }
  /** `goto step`; its only successor is the step's entry (none when unresolved). */
  | { kind: "goto"; statement: A.GotoStatement; target: number }
  /** Control reaches the end of the body (`step` NONE) or of a step: the flow ends or returns. */
  | { kind: "fallOff"; step: number };

/** A CFG: node `n` does `operations[n]`, then continues to each of its successors. */
class FlowGraph {
  readonly operations: Operation[] = [];
  // Edges as linked lists in flat arrays (no array per node: a large flow has
  // tens of thousands of nodes). Iterate with
  // `for (let e = graph.firstOut[n]!; e !== NO_EDGE; e = graph.nextOut[e]!) graph.to[e]`
  // and likewise `firstIn`/`nextIn`/`from` for predecessors.
  readonly firstOut: number[] = [];
  readonly firstIn: number[] = [];
  private readonly lastOut: number[] = [];
  private readonly lastIn: number[] = [];
  readonly nextOut: number[] = [];
  readonly nextIn: number[] = [];
  readonly from: number[] = [];
  readonly to: number[] = [];

  add(operation: Operation): number {
    this.operations.push(operation);
    this.firstOut.push(NO_EDGE);
    this.lastOut.push(NO_EDGE);
    this.firstIn.push(NO_EDGE);
    this.lastIn.push(NO_EDGE);
    return this.operations.length - 1;
  }

  connect(from: number, to: number): void {
    for (let e = this.firstOut[from]!; e !== NO_EDGE; e = this.nextOut[e]!) if (this.to[e] === to) return;
    const edge = this.to.length;
    this.from.push(from);
    this.to.push(to);
    this.nextOut.push(NO_EDGE);
    this.nextIn.push(NO_EDGE);
    // Appended at the tail: successors and predecessors keep the order they were added in.
    if (this.lastOut[from] === NO_EDGE) this.firstOut[from] = edge;
    else this.nextOut[this.lastOut[from]!] = edge;
    this.lastOut[from] = edge;
    if (this.lastIn[to] === NO_EDGE) this.firstIn[to] = edge;
    else this.nextIn[this.lastIn[to]!] = edge;
    this.lastIn[to] = edge;
  }

  get size(): number {
    return this.operations.length;
  }

  /** Nodes reachable from `roots` along every edge. */
  reachableFrom(roots: readonly number[]): boolean[] {
    const seen = new Array<boolean>(this.size).fill(false);
    const stack = [...roots];
    for (const root of roots) seen[root] = true;
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (let e = this.firstOut[node]!; e !== NO_EDGE; e = this.nextOut[e]!) {
        const next = this.to[e]!;
        if (!seen[next]) {
          seen[next] = true;
          stack.push(next);
        }
      }
    }
    return seen;
  }

  /** Whether some predecessor of `node` satisfies `test`. */
  somePredecessor(node: number, test: (predecessor: number) => boolean): boolean {
    for (let e = this.firstIn[node]!; e !== NO_EDGE; e = this.nextIn[e]!) if (test(this.from[e]!)) return true;
    return false;
  }
}

/** The end of an edge list. */
const NO_EDGE = -1;

// ---------------------------------------------------------------- one flow

interface FlowUnit {
  uri: string;
  fileIndex: number;
  flow: A.FlowDecl;
}

/** A `goto` that was built into the graph (not in unreachable code). */
interface GotoSite {
  node: number;
  statement: A.GotoStatement;
  /** The region holding the `goto`: NONE for the body, else the step index. */
  region: number;
  target: number;
}

/** What the cross-flow checks need from one flow's analysis. */
interface FlowAnalysis {
  unit: FlowUnit;
  /** Every `run` of the flow, reachable or not, in source order. */
  runs: A.RunExpression[];
  graph: FlowGraph;
  bodyEntry: number;
  /** Entry node of each step (index as in `flow.steps`). */
  stepEntries: number[];
  stepNames: string[];
  gotos: GotoSite[];
  /** Nodes reachable from the flow's start. */
  reachable: boolean[];
}

/** The flow unit a `run` of this name resolves to, or NONE. */
type RunResolver = (name: string) => number;

function analyzeFlow(
  unit: FlowUnit,
  resolveRun: RunResolver,
  expectNames: ReadonlySet<string>,
  options: FlowAnalysisOptions,
  diagnostics: Diagnostic[],
): FlowAnalysis {
  const { flow, uri } = unit;
  const flowName = flow.name?.text ?? "";
  const steps = items(flow.steps);
  const syntax = collectSyntax(flow, steps);
  const variables = collectVariables(flow, syntax.declarations);

  // The first step of each name is the one `goto` reaches.
  const stepIndex = new Map<string, number>();
  steps.forEach((step, index) => {
    const name = step.name?.text;
    if (typeof name === "string" && !stepIndex.has(name)) stepIndex.set(name, index);
  });
  const isPrimaryStep = (index: number): boolean => {
    const name = steps[index]!.name?.text;
    return typeof name === "string" && stepIndex.get(name) === index;
  };

  const builder = new CfgBuilder(uri, variables, stepIndex, resolveRun, options, diagnostics);
  const bodyEntry = builder.startRegion(NONE);
  builder.buildStatements(items(flow.body));
  builder.endRegion(NONE);
  const stepEntries: number[] = [];
  steps.forEach((step, index) => stepEntries.push(builder.stepRegion(step, index)));
  for (const site of builder.gotos) {
    if (site.target !== NONE) builder.graph.connect(site.node, stepEntries[site.target]!);
  }
  const graph = builder.graph;
  const reachable = graph.reachableFrom([bodyEntry]);

  // FX4001: definite assignment, from the start; then what the start cannot
  // reach, from the steps no reachable goto enters.
  const parameters = variables.parameterMask;
  const fromStart = definiteAssignment(graph, [bodyEntry], parameters, variables.all);
  const deadRoots = [bodyEntry];
  steps.forEach((_, index) => {
    const entry = stepEntries[index]!;
    if (isPrimaryStep(index) && !graph.somePredecessor(entry, (p) => reachable[p]!)) deadRoots.push(entry);
  });
  const fromDeadRoots = deadRoots.length > 1 ? definiteAssignment(graph, deadRoots, parameters, variables.all) : fromStart;
  const reported = new Set<number>();
  graph.operations.forEach((operation, node) => {
    if (operation.kind !== "read") return;
    let state = (reachable[node] ? fromStart : fromDeadRoots)[node]!;
    if (operation.bound !== NONE) state |= bit(operation.bound);
    if ((state & bit(operation.variable)) !== 0n || reported.has(operation.name.start)) return;
    reported.add(operation.name.start);
    diagnostics.push(diagnostic("FX4001", { name: operation.name.text }, uri, operation.name));
  });

  // FX4004: `return` misuse and falling off the end of a flow with a return type, once per flow (LANGUAGE §5.4).
  const returnType = flow.returnType ? typeText(flow.returnType) : undefined;
  const misused = syntax.returns.filter((statement) => (returnType === undefined ? statement.value !== undefined : !statement.value));
  const fallOffs: RelatedInformation[] = [];
  if (returnType !== undefined) {
    graph.operations.forEach((operation, node) => {
      if (operation.kind !== "fallOff" || !reachable[node]) return;
      const owner = operation.step === NONE ? flow : steps[operation.step]!;
      const where = operation.step === NONE ? "the flow body" : `step '${steps[operation.step]!.name?.text ?? ""}'`;
      fallOffs.push({ uri, range: closingBrace(owner), message: `a path reaches the end of ${where} without 'return'` });
    });
  }
  if (misused.length > 0) {
    // On the first offending `return`; the others, and any end a path falls off, are related information.
    const [first, ...others] = misused;
    const problem =
      returnType === undefined
        ? `flow '${flowName}' has no return type, so 'return' cannot take a value (declare one with '-> T')`
        : `flow '${flowName}' returns ${returnType}, so 'return' needs a value`;
    const related = others.map((statement): RelatedInformation => ({ uri, range: statement, message: returnType === undefined ? "another 'return' with a value" : "another 'return' without a value" }));
    diagnostics.push(diagnostic("FX4004", { problem }, uri, first!, [...related, ...fallOffs]));
  } else if (fallOffs.length > 0) {
    diagnostics.push(
      diagnostic(
        "FX4004",
        { problem: `flow '${flowName}' returns ${returnType}, but a path reaches its end without 'return'` },
        uri,
        flow.name ? flow.name : keywordRange(flow, "flow"),
        fallOffs,
      ),
    );
  }

  // FX4005: unused variables and steps (syntactic: any read, any goto).
  for (const variable of variables.list) {
    if (variable.isParameter || !variable.declaration || variable.name.startsWith("_")) continue;
    if (syntax.readNames.has(variable.name) || expectNames.has(variable.name)) continue;
    diagnostics.push(diagnostic("FX4005", { what: "variable", name: variable.name }, uri, variable.declaration));
  }
  steps.forEach((step, index) => {
    if (!isPrimaryStep(index) || syntax.gotoTargets.has(step.name!.text)) return;
    diagnostics.push(diagnostic("FX4005", { what: "step", name: step.name!.text }, uri, step.name!));
  });

  return {
    unit,
    runs: syntax.runs,
    graph,
    bodyEntry,
    stepEntries,
    stepNames: steps.map((step) => step.name?.text ?? ""),
    gotos: builder.gotos,
    reachable,
  };
}

// ---------------------------------------------------------------- variables

interface Variable {
  name: string;
  index: number;
  isParameter: boolean;
  /** The first declaration in source order (undefined for a parameter only). */
  declaration: A.Name | undefined;
}

interface Variables {
  byName: Map<string, Variable>;
  list: Variable[];
  parameterMask: bigint;
  all: bigint;
}

function collectVariables(flow: A.FlowDecl, declarations: readonly A.Name[]): Variables {
  const byName = new Map<string, Variable>();
  const list: Variable[] = [];
  const declare = (name: A.Name | undefined, isParameter: boolean): void => {
    if (!name || typeof name.text !== "string" || name.text === "") return;
    let variable = byName.get(name.text);
    if (!variable) {
      variable = { name: name.text, index: list.length, isParameter, declaration: undefined };
      byName.set(name.text, variable);
      list.push(variable);
    }
    if (isParameter) variable.isParameter = true;
    else if (!variable.declaration || name.start < variable.declaration.start) variable.declaration = name;
  };
  for (const parameter of items(flow.params)) declare(parameter.name, true);
  for (const name of declarations) declare(name, false);
  let parameterMask = 0n;
  for (const variable of list) if (variable.isParameter) parameterMask |= bit(variable.index);
  return { byName, list, parameterMask, all: (1n << BigInt(list.length)) - 1n };
}

/** What the checks read off a flow's syntax, whether reachable or not (one walk). */
interface FlowSyntax {
  /** Names declared by `ask`, `let` and `var`, in walk order. */
  declarations: A.Name[];
  returns: A.ReturnStatement[];
  /** Every name read by an expression. */
  readNames: Set<string>;
  /** Every step name a `goto` names. */
  gotoTargets: Set<string>;
  runs: A.RunExpression[];
}

function collectSyntax(flow: A.FlowDecl, steps: readonly A.Step[]): FlowSyntax {
  const syntax = syntaxOf(items(flow.body));
  // Each step's part is computed once per step node: after an edit inside one
  // step, incremental re-parsing keeps the other steps' nodes (reparse.ts).
  for (const step of steps) {
    let part = syntaxByStep.get(step);
    if (!part) syntaxByStep.set(step, (part = syntaxOf(items(step.body))));
    for (const name of part.declarations) syntax.declarations.push(name);
    for (const statement of part.returns) syntax.returns.push(statement);
    for (const name of part.readNames) syntax.readNames.add(name);
    for (const name of part.gotoTargets) syntax.gotoTargets.add(name);
    for (const run of part.runs) syntax.runs.push(run);
  }
  return syntax;
}

/** The syntax facts of each step (trees are values: a step node's content never changes). */
const syntaxByStep = new WeakMap<A.Step, FlowSyntax>();

function syntaxOf(statements: readonly A.Statement[]): FlowSyntax {
  const syntax: FlowSyntax = { declarations: [], returns: [], readNames: new Set(), gotoTargets: new Set(), runs: [] };
  const visitor: SyntaxVisitor = {
    statement(statement) {
      switch (statement.kind) {
        case "Ask":
        case "Let":
        case "Var":
          if (statement.name) syntax.declarations.push(statement.name);
          break;
        case "Return":
          syntax.returns.push(statement);
          break;
        case "Goto":
          if (typeof statement.target?.text === "string") syntax.gotoTargets.add(statement.target.text);
          break;
      }
    },
    expression(expression) {
      if (expression.kind === "NameRef" && typeof expression.name?.text === "string") syntax.readNames.add(expression.name.text);
      else if (expression.kind === "Run") syntax.runs.push(expression);
    },
  };
  walkStatements(statements, visitor);
  return syntax;
}

function bit(index: number): bigint {
  return 1n << BigInt(index);
}

/** Names read by `expect` conditions of a test (see the FX4005 decision above). */
function collectExpectNames(test: A.TestDecl, names: Set<string>): void {
  for (const statement of items(test.body)) {
    if (statement.kind !== "ExpectCondition") continue;
    walkExpression(statement.condition, (expression) => {
      if (expression.kind === "NameRef" && typeof expression.name?.text === "string") names.add(expression.name.text);
    });
  }
}

// ---------------------------------------------------------------- building the CFG

/**
 * The part of a flow's CFG one step builds, kept per step node for the next
 * analysis of the flow (after an edit elsewhere, incremental re-parsing keeps
 * the step's node). Operations hold no node numbers, so the fragment is
 * appended again at any position; `reads` is what building it looked up, and
 * it is reused only while those answers are the same. A step whose building
 * reported a diagnostic (FX4002) is built again.
 */
interface Fragment {
  region: number;
  operations: Operation[];
  /** Edges between the fragment's nodes, relative to its first node. */
  edges: number[];
  /** Its `goto`s, with nodes relative to its first node. */
  gotos: GotoSite[];
  reads: FragmentReads;
}

interface FragmentReads {
  variables: Map<string, number>;
  steps: Map<string, number>;
  flows: Map<string, number>;
  exhaustive: Map<A.MatchStatement, boolean | "unknown">;
}

const fragments = new WeakMap<A.Step, Fragment>();

class CfgBuilder {
  readonly graph = new FlowGraph();
  readonly gotos: GotoSite[] = [];
  /** The node control has reached; undefined when no path continues here. */
  private current: number | undefined;
  private region = NONE;
  /** What the step being built looks up (see `Fragment`). */
  private reads: FragmentReads | undefined;

  constructor(
    private readonly uri: string,
    private readonly variables: Variables,
    private readonly stepIndex: ReadonlyMap<string, number>,
    private readonly resolveRun: RunResolver,
    private readonly options: FlowAnalysisOptions,
    private readonly diagnostics: Diagnostic[],
  ) {}

  startRegion(region: number): number {
    this.region = region;
    this.current = undefined;
    return this.emit({ kind: "entry" });
  }

  endRegion(region: number): void {
    if (this.current !== undefined) this.emit({ kind: "fallOff", step: region });
    this.current = undefined;
  }

  /** Builds step `index` as a region, or appends its fragment from an earlier analysis; returns its entry. */
  stepRegion(step: A.Step, index: number): number {
    const graph = this.graph;
    const base = graph.size;
    const cached = fragments.get(step);
    if (cached && cached.region === index && this.readsHold(cached.reads)) {
      for (const operation of cached.operations) graph.add(operation);
      for (let i = 0; i < cached.edges.length; i += 2) graph.connect(base + cached.edges[i]!, base + cached.edges[i + 1]!);
      for (const site of cached.gotos) this.gotos.push({ ...site, node: base + site.node });
      this.current = undefined;
      return base;
    }
    const edgeBase = graph.to.length;
    const gotoBase = this.gotos.length;
    const reported = this.diagnostics.length;
    const reads: FragmentReads = { variables: new Map(), steps: new Map(), flows: new Map(), exhaustive: new Map() };
    this.reads = reads;
    try {
      this.startRegion(index);
      this.buildStatements(items(step.body));
      this.endRegion(index);
    } finally {
      this.reads = undefined;
    }
    if (this.diagnostics.length === reported) {
      const edges: number[] = [];
      for (let e = edgeBase; e < graph.to.length; e++) edges.push(graph.from[e]! - base, graph.to[e]! - base);
      fragments.set(step, {
        region: index,
        operations: graph.operations.slice(base),
        edges,
        gotos: this.gotos.slice(gotoBase).map((site) => ({ ...site, node: site.node - base })),
        reads,
      });
    }
    return base;
  }

  private readsHold(reads: FragmentReads): boolean {
    for (const [name, index] of reads.variables) if ((this.variables.byName.get(name)?.index ?? NONE) !== index) return false;
    for (const [name, index] of reads.steps) if ((this.stepIndex.get(name) ?? NONE) !== index) return false;
    for (const [name, index] of reads.flows) if (this.resolveRun(name) !== index) return false;
    for (const [match, exhaustive] of reads.exhaustive) if ((this.options.isExhaustive?.(match) ?? false) !== exhaustive) return false;
    return true;
  }

  /** Appends a node after the current one and makes it current. */
  private emit(operation: Operation): number {
    const node = this.graph.add(operation);
    if (this.current !== undefined) this.graph.connect(this.current, node);
    this.current = node;
    return node;
  }

  /** Where several paths meet: undefined when none of them continues. */
  private join(ends: readonly (number | undefined)[]): number | undefined {
    const live = [...new Set(ends.filter((end): end is number => end !== undefined))];
    if (live.length <= 1) return live[0];
    const node = this.graph.add({ kind: "join" });
    for (const end of live) this.graph.connect(end, node);
    return node;
  }

  private variableOf(name: A.Name | undefined): number {
    if (!name || typeof name.text !== "string") return NONE;
    const index = this.variables.byName.get(name.text)?.index ?? NONE;
    this.reads?.variables.set(name.text, index);
    return index;
  }

  /**
   * The statements of one block, in order; FX4002 on the first one no path
   * reaches. Returns the statement after which no path continues, if any.
   */
  buildStatements(statements: readonly A.Statement[]): A.Statement | undefined {
    let previous: A.Statement | undefined;
    for (const statement of statements) {
      if (this.current === undefined) {
        if (previous) this.reportUnreachable(statement, statements[statements.length - 1]!, previous);
        return previous;
      }
      this.buildStatement(statement);
      previous = statement;
    }
    return this.current === undefined ? previous : undefined;
  }

  /** For a block statement that never completes: the statement inside it that leaves. */
  private readonly blockLeavers = new Map<A.Block, A.Statement>();

  /**
   * Statements after which no path continues only because of a `match` on a
   * subject in error (`isExhaustive` said "unknown"): the match itself, and
   * an `if`, `match` or `random` with one in a branch. What follows them is
   * not reported unreachable: the subject's error is the one diagnostic.
   */
  private readonly silentLeavers = new Set<A.Statement>();

  /** The statement that leaves, looking through blocks that end with one. */
  private leaverOf(statement: A.Statement): A.Statement {
    let leaver = statement;
    for (let inner = this.blockLeavers.get(leaver as A.Block); inner; inner = this.blockLeavers.get(inner as A.Block)) leaver = inner;
    return leaver;
  }

  /** Marks a compound statement that no path completes as a silent leaver when one of its branches is. */
  private leavesSilently(statement: A.Statement, branches: readonly (A.Statement | undefined)[]): void {
    if (this.current !== undefined || this.silentLeavers.size === 0) return;
    if (branches.some((branch) => branch !== undefined && this.silentLeavers.has(this.leaverOf(branch)))) this.silentLeavers.add(statement);
  }

  private reportUnreachable(first: A.Statement, last: A.Statement, after: A.Statement): void {
    const leaver = this.leaverOf(after);
    if (this.silentLeavers.has(leaver)) return;
    const range = { start: first.start, end: Math.max(first.end, last.end) };
    this.diagnostics.push(diagnostic("FX4002", describeLeaving(leaver), this.uri, range));
  }

  private buildStatement(statement: A.Statement): void {
    switch (statement.kind) {
      case "Say":
        this.expression(statement.text);
        break;
      case "SayMedia":
        this.expression(statement.url);
        this.expression(statement.caption);
        break;
      case "Wait":
        this.emit({ kind: "wait" });
        break;
      case "Ask":
        this.buildAsk(statement);
        break;
      case "Choose":
        this.buildChoose(statement);
        break;
      case "CallStatement":
        this.expression(statement.call);
        this.buildAssignment(NONE, statement.call, statement.else);
        break;
      case "Let":
      case "Set":
        this.expression(statement.value);
        this.buildAssignment(this.variableOf(statement.name), statement.value, statement.else);
        break;
      case "Var": {
        // `var x: T` assigns nothing; a `var` whose type or value a syntax error lost assigns (no cascade).
        const type = statement.type;
        const assigns = statement.value !== undefined || type === undefined || statement.end > type.end;
        this.expression(statement.value);
        this.buildAssignment(assigns ? this.variableOf(statement.name) : NONE, statement.value, statement.else);
        break;
      }
      case "RunStatement":
        this.expression(statement.run);
        break;
      case "Return":
        this.expression(statement.value);
        this.current = undefined;
        break;
      case "If":
        this.buildIf(statement);
        break;
      case "Match":
        this.buildMatch(statement);
        break;
      case "Random":
        this.buildRandom(statement);
        break;
      case "Goto": {
        const name = statement.target?.text;
        const target = typeof name === "string" ? (this.stepIndex.get(name) ?? NONE) : NONE;
        if (typeof name === "string") this.reads?.steps.set(name, target);
        const node = this.emit({ kind: "goto", statement, target });
        this.gotos.push({ node, statement, region: this.region, target });
        this.current = undefined;
        break;
      }
      case "End":
        this.current = undefined;
        break;
      case "Handoff":
        this.expression(statement.department);
        this.current = undefined;
        break;
      case "Block": {
        const leaver = this.buildStatements(items(statement.statements));
        if (leaver) this.blockLeavers.set(statement, leaver);
        break;
      }
      default: {
        const unknown: never = statement;
        void unknown;
      }
    }
  }

  /**
   * After `value` is computed: assign `variable` (if any); an `else` block
   * runs instead when the value is an action call that fails. After a value
   * that cannot fail the `else` (FX3001, the checker's) never runs: it is
   * not built, like unreachable code, and not reported.
   */
  private buildAssignment(variable: number, value: A.Expression | undefined, otherwise: A.Block | undefined): void {
    const branch = this.current;
    if (variable !== NONE) this.emit({ kind: "assign", variable });
    if (!otherwise || !isActionCall(value)) return;
    const succeeded = this.current;
    this.current = branch;
    this.buildStatements(items(otherwise.statements));
    this.current = this.join([succeeded, this.current]);
  }

  private buildAsk(ask: A.AskStatement): void {
    const variable = this.variableOf(ask.name);
    const clauses = items(ask.clauses);
    this.expression(ask.from);
    this.expression(ask.prompt);
    for (const clause of clauses) if (clause.kind === "Label") this.expression(clause.value, variable);
    const beforeWaiting = this.current;
    const waiting = this.emit({ kind: "wait" });
    const ends: (number | undefined)[] = [];
    // Answered: `x` holds the parsed reply, then `validate` checks it.
    if (variable !== NONE) this.emit({ kind: "assign", variable });
    for (const clause of clauses) if (clause.kind === "Validate") this.expression(clause.condition);
    ends.push(this.current);
    // Unanswered: `x` is unassigned on these paths, whatever it held before.
    for (const clause of clauses) {
      if (clause.kind === "Invalid") {
        this.current = waiting;
        this.unassign(variable);
        this.expression(clause.message);
        if (ask.from) {
          // An empty `from` list runs the arm at once, without asking.
          const afterMessage = this.current;
          this.current = beforeWaiting;
          this.unassign(variable);
          this.current = this.join([afterMessage, this.current]);
        }
        ends.push(this.buildQuestionArm(clause.then));
      } else if (clause.kind === "Timeout") {
        this.current = waiting;
        this.unassign(variable);
        ends.push(this.buildQuestionArm(clause.then));
      }
    }
    this.current = this.join(ends);
  }

  private unassign(variable: number): void {
    if (variable !== NONE) this.emit({ kind: "kill", variable });
  }

  private buildChoose(choose: A.ChooseStatement): void {
    this.expression(choose.prompt);
    const options = items(choose.options);
    for (const option of options) for (const label of items(option.labels)) this.expression(label);
    this.emit({ kind: "wait" });
    const clauses = items(choose.clauses);
    // `validate` and `label` do not belong in a `choose` (a syntax matter); their reads still count.
    for (const clause of clauses) {
      if (clause.kind === "Validate") this.expression(clause.condition);
      else if (clause.kind === "Label") this.expression(clause.value);
    }
    const answered = this.current;
    const ends: (number | undefined)[] = [];
    for (const option of options) {
      this.current = answered;
      if (option.then) this.buildStatement(option.then);
      ends.push(this.current);
    }
    for (const clause of clauses) {
      if (clause.kind === "Invalid") {
        this.current = answered;
        this.expression(clause.message);
        ends.push(this.buildQuestionArm(clause.then));
      } else if (clause.kind === "Timeout") {
        this.current = answered;
        ends.push(this.buildQuestionArm(clause.then));
      }
    }
    this.current = this.join(ends);
  }

  /**
   * The `=> statement` of an `invalid` or `timeout` clause; without one the
   * flow ends. Returns where the path continues after the question.
   */
  private buildQuestionArm(then: A.Statement | undefined): number | undefined {
    if (!then) return (this.current = undefined);
    this.buildStatement(then);
    return this.current;
  }

  private buildIf(statement: A.IfStatement): void {
    this.expression(statement.condition);
    const branch = this.current;
    const thenLeaver = statement.then ? this.buildStatements(items(statement.then.statements)) : undefined;
    const thenEnd = this.current;
    this.current = branch;
    const otherwise = statement.else;
    let elseLeaver: A.Statement | undefined;
    if (otherwise?.kind === "If") {
      this.buildIf(otherwise);
      elseLeaver = otherwise;
    } else if (otherwise) elseLeaver = this.buildStatements(items(otherwise.statements));
    this.current = this.join([thenEnd, this.current]);
    this.leavesSilently(statement, [thenLeaver, elseLeaver]);
  }

  private buildMatch(match: A.MatchStatement): void {
    this.expression(match.subject);
    const arms = items(match.arms);
    for (const arm of arms) for (const pattern of items(arm.patterns)) this.expression(pattern);
    const branch = this.current;
    const ends: (number | undefined)[] = [];
    for (const arm of arms) {
      this.current = branch;
      if (arm.body) this.buildStatement(arm.body);
      ends.push(this.current);
    }
    const answer = this.options.isExhaustive?.(match) ?? false;
    this.reads?.exhaustive.set(match, answer);
    const exhaustive = arms.some((arm) => arm.isElse) || answer !== false;
    if (!exhaustive) ends.push(branch);
    this.current = this.join(ends);
    if (answer === "unknown" && this.current === undefined) this.silentLeavers.add(match);
    else this.leavesSilently(match, arms.map((arm) => arm.body));
  }

  private buildRandom(random: A.RandomStatement): void {
    const arms = items(random.arms);
    if (arms.length === 0) return;
    const branch = this.current;
    const ends: (number | undefined)[] = [];
    for (const arm of arms) {
      this.current = branch;
      if (arm.body) this.buildStatement(arm.body);
      ends.push(this.current);
    }
    this.current = this.join(ends);
    this.leavesSilently(random, arms.map((arm) => arm.body));
  }

  /** The reads and runs of an expression, in evaluation order. */
  private expression(expression: A.Expression | undefined, bound = NONE): void {
    if (!expression || typeof expression !== "object") return;
    switch (expression.kind) {
      case "String":
        for (const part of items(expression.parts)) {
          if (part.kind === "Interpolation") this.expression(part.expression, bound);
        }
        break;
      case "Number":
      case "Duration":
      case "Boolean":
      case "Null":
      case "ContextRef":
        break;
      case "List":
        for (const element of items(expression.elements)) this.expression(element, bound);
        break;
      case "Record":
        for (const field of items(expression.fields)) this.expression(field.value, bound);
        break;
      case "NameRef": {
        const variable = this.variableOf(expression.name);
        if (variable !== NONE) this.emit({ kind: "read", variable, name: expression.name, bound });
        break;
      }
      case "Member":
        this.expression(expression.object, bound);
        break;
      case "Index":
        this.expression(expression.object, bound);
        this.expression(expression.index, bound);
        break;
      case "Call":
        for (const argument of items(expression.args)) this.expression(argument, bound);
        break;
      case "Run": {
        for (const argument of items(expression.args)) this.expression(argument, bound);
        const name = expression.flow?.text;
        const flow = typeof name === "string" ? this.resolveRun(name) : NONE;
        if (typeof name === "string") this.reads?.flows.set(name, flow);
        this.emit({ kind: "run", flow, expression });
        break;
      }
      case "Unary":
        this.expression(expression.operand, bound);
        break;
      case "Binary":
        this.expression(expression.left, bound);
        if (expression.operator === "and" || expression.operator === "or" || expression.operator === "??") {
          const skipped = this.current;
          this.expression(expression.right, bound);
          this.current = this.join([this.current, skipped]);
        } else this.expression(expression.right, bound);
        break;
      case "Paren":
        this.expression(expression.expression, bound);
        break;
      default: {
        const unknown: never = expression;
        void unknown;
      }
    }
  }
}

/**
 * Whether a value can fail, so that an `else` after it may run (§5.4): a call
 * of an action, or of an unknown callee (its error is the checker's). A
 * built-in function, a `run` or any other value cannot.
 */
/** The `after` and `detail` of FX4002 for a statement that never completes. */
function describeLeaving(statement: A.Statement): { after: string; detail: string } {
  switch (statement.kind) {
    case "Goto":
      return { after: statement.target ? `goto ${statement.target.text}` : "goto", detail: "" };
    case "End":
      return { after: "end", detail: "" };
    case "Handoff":
      return { after: "handoff", detail: "" };
    case "Return":
      return { after: "return", detail: "" };
    case "Block":
      return { after: "{ … }", detail: ": it never completes" };
    case "If":
      return { after: "if", detail: ": every branch of it leaves" };
    case "Match":
      return { after: "match", detail: ": every arm of it leaves" };
    case "Random":
      return { after: "random", detail: ": every arm of it leaves" };
    case "Choose":
      return { after: "choose", detail: ": every option and clause of it leaves" };
    default:
      return { after: statement.kind.toLowerCase(), detail: ": it never completes" };
  }
}

// ---------------------------------------------------------------- definite assignment

/**
 * Forward "must" data-flow: the set of variables assigned on every path from
 * `roots` to the start of each node (a bit set). Nodes no root reaches keep
 * the full set, so they report nothing.
 */
function definiteAssignment(graph: FlowGraph, roots: readonly number[], initial: bigint, all: bigint): bigint[] {
  const size = graph.size;
  const isRoot = new Array<boolean>(size).fill(false);
  for (const root of roots) isRoot[root] = true;
  const before = new Array<bigint>(size).fill(all);
  const after = new Array<bigint>(size).fill(all);
  const queued = new Array<boolean>(size).fill(true);
  const queue: number[] = [];
  for (let node = 0; node < size; node++) queue.push(node);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    queued[node] = false;
    let state = isRoot[node] ? initial : all;
    for (let e = graph.firstIn[node]!; e !== NO_EDGE; e = graph.nextIn[e]!) state &= after[graph.from[e]!]!;
    before[node] = state;
    const operation = graph.operations[node]!;
    if (operation.kind === "assign") state |= bit(operation.variable);
    else if (operation.kind === "kill") state &= ~bit(operation.variable);
    if (state === after[node]) continue;
    after[node] = state;
    for (let e = graph.firstOut[node]!; e !== NO_EDGE; e = graph.nextOut[e]!) {
      const successor = graph.to[e]!;
      if (!queued[successor]) {
        queued[successor] = true;
        queue.push(successor);
      }
    }
  }
  return before;
}

// ---------------------------------------------------------------- waiting and goto cycles

/** For each flow unit: whether some path from its start can wait for the contact (transitively through runs). */
function flowsThatCanWait(analyses: readonly FlowAnalysis[]): boolean[] {
  const canWait = analyses.map((analysis) =>
    analysis.graph.operations.some((operation, node) => operation.kind === "wait" && analysis.reachable[node]),
  );
  const runs = analyses.map((analysis) =>
    analysis.graph.operations.flatMap((operation, node) => (operation.kind === "run" && analysis.reachable[node] ? [operation.flow] : [])),
  );
  for (let changed = true; changed; ) {
    changed = false;
    analyses.forEach((_, index) => {
      if (canWait[index] || !runs[index]!.some((flow) => flow === NONE || canWait[flow])) return;
      canWait[index] = true;
      changed = true;
    });
  }
  return canWait;
}

/** FX4003: cycles of steps whose `goto`s can run without waiting. */
function reportGotoCycles(analysis: FlowAnalysis, canWait: readonly boolean[], diagnostics: Diagnostic[]): void {
  const { graph, unit } = analysis;
  const waits = (node: number): boolean => {
    const operation = graph.operations[node]!;
    return operation.kind === "wait" || (operation.kind === "run" && (operation.flow === NONE || canWait[operation.flow]!));
  };
  // Region NONE (the body) is node 0 of the step graph; step i is node i + 1.
  const noWait = new Set<number>();
  const entries = [analysis.bodyEntry, ...analysis.stepEntries];
  for (const entry of entries) {
    const seen = new Set<number>([entry]);
    const stack = [entry];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const operation = graph.operations[node]!;
      if (operation.kind === "goto") {
        noWait.add(node);
        continue;
      }
      if (waits(node)) continue;
      for (let e = graph.firstOut[node]!; e !== NO_EDGE; e = graph.nextOut[e]!) {
        const next = graph.to[e]!;
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
  }
  const edges = analysis.gotos
    .filter((site) => site.target !== NONE && noWait.has(site.node))
    .sort((a, b) => a.statement.start - b.statement.start)
    .map((site) => ({ from: site.region + 1, to: site.target + 1, site }));
  const regionName = (node: number): string => (node === 0 ? "(body)" : analysis.stepNames[node - 1]!);
  for (const cycle of closingCycles(entries.length, edges)) {
    const { site } = cycle.closing;
    const names = [...cycle.path, cycle.closing.to].map(regionName).join(" → ");
    const related = cycle.members
      .filter((edge) => edge !== cycle.closing)
      .map((edge) => ({
        uri: unit.uri,
        range: edge.site.statement,
        message: `part of the cycle: 'goto ${regionName(edge.to)}' in step '${regionName(edge.from)}'`,
      }));
    diagnostics.push(diagnostic("FX4003", { cycle: names }, unit.uri, site.statement, related));
  }
}

// ---------------------------------------------------------------- run recursion

/** FX4006: flows that can run themselves. The run graph is syntactic. */
function reportRunRecursion(
  units: readonly FlowUnit[],
  analyses: readonly FlowAnalysis[],
  resolveRun: (fileIndex: number, name: string) => number,
  diagnostics: Diagnostic[],
): void {
  interface RunSite {
    unit: FlowUnit;
    expression: A.RunExpression;
  }
  const edges: CycleEdge<RunSite>[] = [];
  analyses.forEach((analysis, from) => {
    for (const expression of analysis.runs) {
      const name = expression.flow?.text;
      const to = typeof name === "string" ? resolveRun(analysis.unit.fileIndex, name) : NONE;
      if (to !== NONE) edges.push({ from, to, site: { unit: analysis.unit, expression } });
    }
  });
  edges.sort((a, b) => a.site.unit.fileIndex - b.site.unit.fileIndex || a.site.expression.start - b.site.expression.start);
  const flowName = (index: number): string => units[index]!.flow.name?.text ?? "";
  for (const cycle of closingCycles(units.length, edges)) {
    const { closing } = cycle;
    // Start the cycle at the flow holding the closing `run`: from → to → … → from.
    const names = [closing.from, ...cycle.path].map(flowName).join(" → ");
    const related = cycle.members
      .filter((edge) => edge !== closing)
      .map((edge) => ({
        uri: edge.site.unit.uri,
        range: edge.site.expression,
        message: `part of the cycle: flow '${flowName(edge.from)}' runs '${flowName(edge.to)}'`,
      }));
    diagnostics.push(
      diagnostic("FX4006", { name: flowName(closing.from), cycle: names }, closing.site.unit.uri, closing.site.expression, related),
    );
  }
}

// ---------------------------------------------------------------- cycles

interface CycleEdge<S> {
  from: number;
  to: number;
  site: S;
}

interface Cycle<S> {
  /** The edge, in the given order, whose addition first closes a cycle of its strongly connected part. */
  closing: CycleEdge<S>;
  /** The nodes of that cycle from `closing.to` to `closing.from`. */
  path: number[];
  /** Every edge inside the strongly connected part, in the given order. */
  members: CycleEdge<S>[];
}

/**
 * The cycles of a directed graph, one per strongly connected part that has
 * one (Tarjan's algorithm), each with the edge that closes it first when the
 * edges are added in the given (source) order.
 */
function closingCycles<S>(nodeCount: number, edges: readonly CycleEdge<S>[]): Cycle<S>[] {
  const component = stronglyConnected(nodeCount, edges);
  const byComponent = new Map<number, CycleEdge<S>[]>();
  for (const edge of edges) {
    if (component[edge.from] !== component[edge.to]) continue;
    const list = byComponent.get(component[edge.from]!) ?? [];
    list.push(edge);
    byComponent.set(component[edge.from]!, list);
  }
  const cycles: Cycle<S>[] = [];
  for (const members of byComponent.values()) {
    const added = new Map<number, number[]>();
    for (const edge of members) {
      const path = findPath(added, edge.to, edge.from);
      if (path) {
        cycles.push({ closing: edge, path, members });
        break;
      }
      const list = added.get(edge.from) ?? [];
      list.push(edge.to);
      added.set(edge.from, list);
    }
  }
  return cycles.sort((a, b) => edges.indexOf(a.closing) - edges.indexOf(b.closing));
}

/** A path of nodes from `from` to `to` (breadth first, so the shortest), or undefined. */
function findPath(successors: ReadonlyMap<number, number[]>, from: number, to: number): number[] | undefined {
  const previous = new Map<number, number>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (node === to) {
      const path = [node];
      for (let at = node; at !== from; ) path.unshift((at = previous.get(at)!));
      return path;
    }
    for (const next of successors.get(node) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** Tarjan's strongly connected components, iterative: the component number of each node. */
function stronglyConnected(nodeCount: number, edges: readonly CycleEdge<unknown>[]): number[] {
  const successors: number[][] = Array.from({ length: nodeCount }, () => []);
  for (const edge of edges) successors[edge.from]!.push(edge.to);
  const index = new Array<number>(nodeCount).fill(-1);
  const lowLink = new Array<number>(nodeCount).fill(0);
  const onStack = new Array<boolean>(nodeCount).fill(false);
  const component = new Array<number>(nodeCount).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1) continue;
    const work: { node: number; next: number }[] = [{ node: root, next: 0 }];
    index[root] = lowLink[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const { node } = frame;
      if (frame.next < successors[node]!.length) {
        const next = successors[node]![frame.next++]!;
        if (index[next] === -1) {
          index[next] = lowLink[next] = counter++;
          stack.push(next);
          onStack[next] = true;
          work.push({ node: next, next: 0 });
        } else if (onStack[next]) lowLink[node] = Math.min(lowLink[node]!, index[next]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink[parent.node] = Math.min(lowLink[parent.node]!, lowLink[node]!);
      if (lowLink[node] === index[node]) {
        for (;;) {
          const member = stack.pop()!;
          onStack[member] = false;
          component[member] = components;
          if (member === node) break;
        }
        components++;
      }
    }
  }
  return component;
}

// ---------------------------------------------------------------- syntax helpers

/** The defined elements of a list that error recovery may have left short or holey. */
const noItems: readonly never[] = [];

/** The nodes of a list, holes left by recovery skipped; the list itself when it has none (the usual case: no allocation). */
function items<T>(list: readonly (T | undefined | null)[] | undefined | null): readonly T[] {
  if (!Array.isArray(list)) return noItems;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (item === undefined || item === null || typeof item !== "object") return list.filter(isPresent);
  }
  return list as readonly T[];
}

function isPresent<T>(item: T | undefined | null): item is T {
  return item !== undefined && item !== null && typeof item === "object";
}

interface SyntaxVisitor {
  statement?(statement: A.Statement): void;
  expression?(expression: A.Expression): void;
}

/** Visits statements (nested ones too) and every expression in them, in source order. */
function walkStatements(statements: readonly A.Statement[], visitor: SyntaxVisitor): void {
  const onExpression = (expression: A.Expression | undefined): void => {
    if (visitor.expression) walkExpression(expression, visitor.expression);
  };
  const onClauses = (clauses: readonly A.QuestionClause[]): void => {
    for (const clause of clauses) {
      switch (clause.kind) {
        case "Validate":
          onExpression(clause.condition);
          break;
        case "Invalid":
          onExpression(clause.message);
          if (clause.then) visit(clause.then);
          break;
        case "Timeout":
          if (clause.then) visit(clause.then);
          break;
        case "Label":
          onExpression(clause.value);
          break;
      }
    }
  };
  const visit = (statement: A.Statement): void => {
    visitor.statement?.(statement);
    switch (statement.kind) {
      case "Say":
        onExpression(statement.text);
        break;
      case "SayMedia":
        onExpression(statement.url);
        onExpression(statement.caption);
        break;
      case "Wait":
      case "Goto":
      case "End":
        break;
      case "Ask":
        onExpression(statement.from);
        onExpression(statement.prompt);
        onClauses(items(statement.clauses));
        break;
      case "Choose":
        onExpression(statement.prompt);
        for (const option of items(statement.options)) {
          for (const label of items(option.labels)) onExpression(label);
          if (option.then) visit(option.then);
        }
        onClauses(items(statement.clauses));
        break;
      case "CallStatement":
        onExpression(statement.call);
        if (statement.else) items(statement.else.statements).forEach(visit);
        break;
      case "Let":
      case "Var":
      case "Set":
        onExpression(statement.value);
        if (statement.else) items(statement.else.statements).forEach(visit);
        break;
      case "RunStatement":
        onExpression(statement.run);
        break;
      case "Return":
        onExpression(statement.value);
        break;
      case "If":
        onExpression(statement.condition);
        if (statement.then) items(statement.then.statements).forEach(visit);
        if (statement.else) visit(statement.else);
        break;
      case "Match":
        onExpression(statement.subject);
        for (const arm of items(statement.arms)) {
          items(arm.patterns).forEach(onExpression);
          if (arm.body) visit(arm.body);
        }
        break;
      case "Random":
        for (const arm of items(statement.arms)) if (arm.body) visit(arm.body);
        break;
      case "Handoff":
        onExpression(statement.department);
        break;
      case "Block":
        items(statement.statements).forEach(visit);
        break;
      default: {
        const unknown: never = statement;
        void unknown;
      }
    }
  };
  for (const statement of statements) visit(statement);
}

/** Visits an expression and its sub-expressions (interpolations included), parents first. */
function walkExpression(expression: A.Expression | undefined, visit: (expression: A.Expression) => void): void {
  if (!expression || typeof expression !== "object") return;
  visit(expression);
  switch (expression.kind) {
    case "String":
      for (const part of items(expression.parts)) if (part.kind === "Interpolation") walkExpression(part.expression, visit);
      break;
    case "Number":
    case "Duration":
    case "Boolean":
    case "Null":
    case "ContextRef":
    case "NameRef":
      break;
    case "List":
      for (const element of items(expression.elements)) walkExpression(element, visit);
      break;
    case "Record":
      for (const field of items(expression.fields)) walkExpression(field.value, visit);
      break;
    case "Member":
      walkExpression(expression.object, visit);
      break;
    case "Index":
      walkExpression(expression.object, visit);
      walkExpression(expression.index, visit);
      break;
    case "Call":
    case "Run":
      for (const arg of items(expression.args)) walkExpression(arg, visit);
      break;
    case "Unary":
      walkExpression(expression.operand, visit);
      break;
    case "Binary":
      walkExpression(expression.left, visit);
      walkExpression(expression.right, visit);
      break;
    case "Paren":
      walkExpression(expression.expression, visit);
      break;
    default: {
      const unknown: never = expression;
      void unknown;
    }
  }
}

/** A type as written, for messages (`integer`, `"a" | "b"`, `Order?`). */
function typeText(type: A.TypeNode | undefined): string {
  if (!type || typeof type !== "object") return "?";
  switch (type.kind) {
    case "TypeRef":
      return type.name?.text ?? "?";
    case "LiteralType": {
      const literal = type.literal;
      if (!literal) return "?";
      switch (literal.kind) {
        case "String": {
          const text = items(literal.parts)
            .map((part) => (part.kind === "StringText" ? part.value : "{…}"))
            .join("");
          return JSON.stringify(text);
        }
        case "Number":
          return literal.raw;
        case "Boolean":
          return String(literal.value);
        case "Null":
          return "null";
        default:
          return "?";
      }
    }
    case "UnionType":
      return items(type.types).map(typeText).join(" | ");
    case "OptionalType":
      return `${type.type?.kind === "UnionType" ? `(${typeText(type.type)})` : typeText(type.type)}?`;
    case "ListType":
      return `${type.element?.kind === "UnionType" ? `(${typeText(type.element)})` : typeText(type.element)}[]`;
    case "RecordType":
      return `{ ${items(type.fields)
        .map((field) => `${field.name?.text ?? "?"}: ${typeText(field.type)}`)
        .join("; ")} }`;
    case "ParenType":
      return `(${typeText(type.type)})`;
    default: {
      const unknown: never = type;
      void unknown;
      return "?";
    }
  }
}

/** The last character of a braced node: its `}`. */
function closingBrace(range: A.Range): A.Range {
  return { start: Math.max(range.start, range.end - 1), end: range.end };
}

/** The leading keyword of a node whose name was lost to recovery. */
function keywordRange(range: A.Range, keyword: string): A.Range {
  return { start: range.start, end: Math.min(range.end, range.start + keyword.length) };
}
