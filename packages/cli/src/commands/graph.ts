//! `fluxo graph FILE [--flow NAME] [--format mermaid|dot]`: prints the flows
//! of a file (or one of them) as a diagram on stdout.

import path from "node:path";
import { buildFlowGraph, toDot, toMermaid } from "@fluxo/compiler";
import type { CliContext } from "../context.js";
import { CliError } from "../errors.js";
import { displayPath, readSourceFile, statOrUndefined } from "../files.js";
import { parse } from "@fluxo/compiler";

export interface GraphSettings {
  file: string;
  flow?: string;
  format: "mermaid" | "dot";
}

export function graph(settings: GraphSettings, context: CliContext): number {
  const file = path.resolve(context.cwd, settings.file);
  const shown = displayPath(file, context.cwd);
  const stat = statOrUndefined(file);
  if (!stat) throw new CliError(`${shown}: no such file`);
  if (stat.isDirectory()) throw new CliError(`${shown} is a folder; 'fluxo graph' takes one .flow file`);
  const text = readSourceFile(file, shown);
  const { file: tree } = parse(text, file);
  const flows = tree.declarations.flatMap((d) => (d.kind === "Flow" && d.name ? [d.name.text] : []));
  if (flows.length === 0) throw new CliError(`${shown} declares no flow`);
  if (settings.flow !== undefined && !flows.includes(settings.flow)) {
    throw new CliError(`${shown} has no flow '${settings.flow}'; its flows: ${flows.join(", ")}`);
  }
  const graphOf = buildFlowGraph(tree, text, settings.flow === undefined ? [] : [settings.flow]);
  context.stdout.write(settings.format === "dot" ? toDot(graphOf) : toMermaid(graphOf));
  return 0;
}
