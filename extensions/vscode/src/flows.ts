//! The flows of a document and the one under the cursor, for the commands
//! "Show Flow Graph" and "Run Flow in Terminal". Uses the compiler's own
//! parser (one implementation of the language), which never fails: a file
//! being edited still yields the flows it can recover. Pure functions, no
//! `vscode` import, so they are unit-tested directly.

import { buildFlowGraph, parse, toMermaid } from "@fluxo/compiler";

/** A flow declared in a document: its name and the UTF-16 offsets it spans (`flow` to `}`). */
export interface FlowSpan {
  name: string;
  start: number;
  end: number;
}

/** The named flows of `text`, in source order. */
export function flowsOf(text: string): FlowSpan[] {
  const { file } = parse(text);
  const flows: FlowSpan[] = [];
  for (const declaration of file.declarations) {
    if (declaration.kind === "Flow" && declaration.name) {
      flows.push({ name: declaration.name.text, start: declaration.start, end: declaration.end });
    }
  }
  return flows;
}

/** What the commands act on: a flow, or the flows to choose from when the cursor settles none. */
export type FlowChoice = { kind: "flow"; name: string } | { kind: "choose"; names: string[] } | { kind: "none" };

/**
 * The flow a command at `offset` is about: the flow whose text contains the
 * cursor (its doc comment and the line it starts on count too); else the
 * only flow of the file; else a choice among all of them.
 */
export function flowAt(text: string, offset: number): FlowChoice {
  const flows = flowsOf(text);
  if (flows.length === 0) return { kind: "none" };
  for (const flow of flows) {
    if (offset >= leadingStart(text, flow.start) && offset <= flow.end) return { kind: "flow", name: flow.name };
  }
  if (flows.length === 1) return { kind: "flow", name: flows[0]!.name };
  return { kind: "choose", names: flows.map((f) => f.name) };
}

/** Where the lines before `start` that belong to it begin: its line, and the `///` doc comment lines right above. */
function leadingStart(text: string, start: number): number {
  let lineStart = text.lastIndexOf("\n", start - 1) + 1;
  for (;;) {
    if (lineStart === 0) return 0;
    const previousStart = text.lastIndexOf("\n", lineStart - 2) + 1;
    if (!/^\s*\/\/\//.test(text.slice(previousStart, lineStart - 1))) return lineStart;
    lineStart = previousStart;
  }
}

/** The Mermaid text of one flow of `text` (the same as `fluxo graph FILE --flow NAME --format mermaid`). */
export function flowMermaid(text: string, flow: string, uri = "untitled.flow"): string {
  const { file } = parse(text, uri);
  return toMermaid(buildFlowGraph(file, text, [flow]));
}
