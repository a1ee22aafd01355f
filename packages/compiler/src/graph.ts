//! The flow graph (`fluxo graph`, the editor's "Show Flow Graph"): the
//! conversation's shape as nodes (questions, menus, branches, actions,
//! subflows, steps, ends) and edges (sequence, options, branch outcomes,
//! gotos). Messages and assignments are left out: the graph shows where a
//! conversation can go, not everything it says.
//!
//! Built from the AST (it is a view of the source, like symbols and
//! folding), rendered to Mermaid or Graphviz DOT.

import type * as A from "./ast.js";
import { stringValue } from "./ast.js";
import { builtins } from "./check.js";

export type GraphShape = "start" | "question" | "decision" | "action" | "subflow" | "step" | "end" | "handoff";

export interface GraphNode {
  id: string;
  label: string;
  shape: GraphShape;
  /** The flow the node belongs to. */
  flow: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
}

export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** An open end of the graph being built: the node an edge will leave from, and its label. */
interface Tail {
  from: string;
  label?: string;
}

const maxLabel = 48;

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > maxLabel ? `${oneLine.slice(0, maxLabel - 1)}…` : oneLine;
}

/** Source text of a node, for labels (strings show their text, interpolations as written). */
function sourceOf(text: string, node: A.Node | undefined): string {
  if (!node) return "?";
  if (node.kind === "String") {
    const value = stringValue(node);
    if (value !== undefined) return value;
    return node.parts.map((p) => (p.kind === "StringText" ? p.value : text.slice(p.start, p.end))).join("");
  }
  return text.slice(node.start, node.end);
}

/** Builds the graph of the given flows of one file (all of them when `names` is empty). */
export function buildFlowGraph(file: A.SourceFile, text: string, names: readonly string[] = []): FlowGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let next = 0;
  const flows = file.declarations.filter((d): d is A.FlowDecl => d.kind === "Flow" && d.name !== undefined && (names.length === 0 || names.includes(d.name.text)));

  for (const flow of flows) {
    const flowName = flow.name!.text;
    const add = (label: string, shape: GraphShape): string => {
      const id = `n${++next}`;
      nodes.push({ id, label: shorten(label), shape, flow: flowName });
      return id;
    };
    const connect = (tails: readonly Tail[], to: string): void => {
      for (const tail of tails) edges.push(tail.label === undefined ? { from: tail.from, to } : { from: tail.from, to, label: shorten(tail.label) });
    };

    const triggers = flow.triggers.map((t) =>
      t.kind === "KeywordTrigger"
        ? t.keywords.map((k) => `"${sourceOf(text, k)}"`).join(", ")
        : t.kind === "EventTrigger"
          ? `event ${sourceOf(text, t.event)}`
          : "start",
    );
    const start = add(`${flowName}${triggers.length > 0 ? ` (${triggers.join("; ")})` : ""}`, "start");
    const stepIds = new Map<string, string>();
    for (const step of flow.steps) if (step.name && !stepIds.has(step.name.text)) stepIds.set(step.name.text, add(`step ${step.name.text}`, "step"));

    const arm = (statement: A.Statement | undefined, tails: Tail[]): Tail[] => (statement ? lowerStatement(statement, tails) : tails);

    const lowerStatements = (statements: readonly A.Statement[], tails: Tail[]): Tail[] => {
      let current = tails;
      for (const statement of statements) current = lowerStatement(statement, current);
      return current;
    };

    const questionArms = (clauses: readonly A.QuestionClause[], node: string): Tail[] => {
      const out: Tail[] = [];
      for (const clause of clauses) {
        if (clause.kind === "Invalid") {
          if (clause.then) out.push(...lowerStatement(clause.then, [{ from: node, label: "invalid" }]));
          else connect([{ from: node, label: "invalid" }], add("end (invalid)", "end"));
        } else if (clause.kind === "Timeout") {
          if (clause.then) out.push(...lowerStatement(clause.then, [{ from: node, label: `timeout ${clause.duration?.raw ?? ""}` }]));
          else connect([{ from: node, label: `timeout ${clause.duration?.raw ?? ""}` }], add("end (timeout)", "end"));
        }
      }
      return out;
    };

    const callNode = (call: A.CallExpression, tails: Tail[], otherwise: A.Block | undefined, target?: string): Tail[] => {
      const node = add(`${target ? `${target} = ` : ""}${call.callee.text}(${call.args.map((a) => sourceOf(text, a)).join(", ")})`, "action");
      connect(tails, node);
      const out: Tail[] = [{ from: node }];
      if (otherwise) out.push(...lowerStatements(otherwise.statements, [{ from: node, label: "fails" }]));
      return out;
    };

    const lowerStatement = (statement: A.Statement, tails: Tail[]): Tail[] => {
      switch (statement.kind) {
        case "Ask": {
          const what = statement.type ? sourceOf(text, statement.type) : `from ${sourceOf(text, statement.from)}`;
          const node = add(`ask ${statement.name?.text ?? "?"}: ${what}\n${sourceOf(text, statement.prompt)}`, "question");
          connect(tails, node);
          return [{ from: node }, ...questionArms(statement.clauses, node)];
        }
        case "Choose": {
          const node = add(`choose: ${sourceOf(text, statement.prompt)}`, "question");
          connect(tails, node);
          const out: Tail[] = [];
          for (const option of statement.options) {
            const label = sourceOf(text, option.labels[0]);
            out.push(...arm(option.then, [{ from: node, label }]));
          }
          return [...out, ...questionArms(statement.clauses, node)];
        }
        case "CallStatement":
          return callNode(statement.call, tails, statement.else);
        case "Let":
        case "Var":
        case "Set":
          if (statement.value?.kind === "Run") {
            const node = add(`${statement.name?.text ?? "?"} = run ${statement.value.flow?.text ?? "?"}`, "subflow");
            connect(tails, node);
            return [{ from: node }];
          }
          // Built-in functions compute values; any other call is an action.
          if (statement.value?.kind === "Call" && !builtins.has(statement.value.callee.text)) {
            return callNode(statement.value, tails, statement.else, statement.name?.text);
          }
          return tails;
        case "RunStatement": {
          const node = add(`run ${statement.run.flow?.text ?? "?"}`, "subflow");
          connect(tails, node);
          return [{ from: node }];
        }
        case "If": {
          const node = add(`if ${sourceOf(text, statement.condition)}`, "decision");
          connect(tails, node);
          const yes = lowerStatements(statement.then?.statements ?? [], [{ from: node, label: "yes" }]);
          const no = statement.else ? lowerStatement(statement.else, [{ from: node, label: "no" }]) : [{ from: node, label: "no" }];
          return [...yes, ...no];
        }
        case "Match": {
          const node = add(`match ${sourceOf(text, statement.subject)}`, "decision");
          connect(tails, node);
          const out: Tail[] = [];
          for (const matchArm of statement.arms) {
            const label = matchArm.isElse ? "else" : matchArm.patterns.map((p) => sourceOf(text, p)).join(", ");
            out.push(...arm(matchArm.body, [{ from: node, label }]));
          }
          return out;
        }
        case "Random": {
          const node = add("random", "decision");
          connect(tails, node);
          return statement.arms.flatMap((a) => arm(a.body, [{ from: node, label: a.weight?.raw ?? "?" }]));
        }
        case "Goto": {
          const target = statement.target ? stepIds.get(statement.target.text) : undefined;
          if (target) connect(tails, target);
          return [];
        }
        case "End":
          connect(tails, add("end", "end"));
          return [];
        case "Handoff":
          connect(tails, add(`handoff${statement.department ? ` to ${sourceOf(text, statement.department)}` : ""}`, "handoff"));
          return [];
        case "Return":
          connect(tails, add(`return${statement.value ? ` ${sourceOf(text, statement.value)}` : ""}`, "end"));
          return [];
        case "Block":
          return lowerStatements(statement.statements, tails);
        default:
          // Messages, waits and assignments do not change where the conversation goes.
          return tails;
      }
    };

    const finish = (tails: Tail[]): void => {
      if (tails.length > 0) connect(tails, add(flow.returnType ? "return" : "end (done)", "end"));
    };
    finish(lowerStatements(flow.body, [{ from: start }]));
    for (const step of flow.steps) {
      const id = step.name ? stepIds.get(step.name.text) : undefined;
      if (id) finish(lowerStatements(step.body, [{ from: id }]));
    }
  }
  return { nodes, edges };
}

function mermaidText(label: string): string {
  return `"${label.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;
}

const mermaidShapes: Record<GraphShape, [string, string]> = {
  start: ["([", "])"],
  question: ["{{", "}}"],
  decision: ["{", "}"],
  action: ["[/", "/]"],
  subflow: ["[[", "]]"],
  step: ["[", "]"],
  end: ["((", "))"],
  handoff: [">", "]"],
};

/** Mermaid `flowchart` text; several flows become subgraphs. */
export function toMermaid(graph: FlowGraph): string {
  const lines = ["flowchart TD"];
  const flows = [...new Set(graph.nodes.map((n) => n.flow))];
  for (const flow of flows) {
    const nodes = graph.nodes.filter((n) => n.flow === flow);
    const indent = flows.length > 1 ? "    " : "  ";
    if (flows.length > 1) lines.push(`  subgraph ${flow}`);
    for (const node of nodes) {
      const [open, close] = mermaidShapes[node.shape];
      lines.push(`${indent}${node.id}${open}${mermaidText(node.label)}${close}`);
    }
    if (flows.length > 1) lines.push("  end");
  }
  for (const edge of graph.edges) {
    lines.push(edge.label === undefined ? `  ${edge.from} --> ${edge.to}` : `  ${edge.from} -->|${mermaidText(edge.label)}| ${edge.to}`);
  }
  return `${lines.join("\n")}\n`;
}

const dotShapes: Record<GraphShape, string> = {
  start: "oval",
  question: "hexagon",
  decision: "diamond",
  action: "parallelogram",
  subflow: "box3d",
  step: "box",
  end: "doublecircle",
  handoff: "cds",
};

function dotText(label: string): string {
  return `"${label.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** Graphviz DOT text; several flows become clusters. */
export function toDot(graph: FlowGraph): string {
  const lines = ["digraph flows {", "  rankdir=TB;", '  node [fontname="sans-serif"];', '  edge [fontname="sans-serif"];'];
  const flows = [...new Set(graph.nodes.map((n) => n.flow))];
  flows.forEach((flow, index) => {
    lines.push(`  subgraph cluster_${index} {`, `    label=${dotText(flow)};`);
    for (const node of graph.nodes.filter((n) => n.flow === flow)) {
      lines.push(`    ${node.id} [label=${dotText(node.label)}, shape=${dotShapes[node.shape]}];`);
    }
    lines.push("  }");
  });
  for (const edge of graph.edges) {
    lines.push(`  ${edge.from} -> ${edge.to}${edge.label === undefined ? "" : ` [label=${dotText(edge.label)}]`};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
