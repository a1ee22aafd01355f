//! `fluxo graph FILE [--flow NAME] [--format mermaid|dot]`: prints the flows
//! of a file (or one of them) as a diagram on stdout.
//!
//! The file is checked first, in its project, as `fluxo run` does: a diagram
//! of a broken file would be partial and silently wrong (a `goto` to a step
//! that does not exist, a statement the parser dropped). On errors the
//! diagnostics are printed as `check` prints them, but on stderr, so that
//! stdout stays the diagram only (`fluxo graph f.flow > f.mmd`), nothing is
//! drawn, and the exit status is 1, as for `check`. Warnings are printed on
//! stderr too, and the diagram is drawn.

import path from "node:path";
import { buildFlowGraph, toDot, toMermaid } from "@fluxo/compiler";
import type { CliContext } from "../context.js";
import { CliError } from "../errors.js";
import { displayPath, statOrUndefined } from "../files.js";
import { reportOf, writeReport } from "../output.js";
import { exitStatus } from "../report.js";
import { pathToUri, Workspace } from "../workspace.js";

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

  const workspace = Workspace.load([settings.file], context.cwd);
  const report = reportOf(workspace);
  const status = exitStatus(report);
  if (report.diagnostics.length > 0) {
    writeReport(report, { paths: [settings.file], format: "pretty", watch: false, verbose: false }, { ...context, stdout: context.stderr });
  }
  if (status !== 0) {
    context.stderr.write("fluxo: graph: no diagram drawn, fix the errors above first\n");
    return status;
  }

  const program = workspace.projects[0]!.program;
  const tree = program.getSourceFile(pathToUri(file));
  const text = program.getText(pathToUri(file));
  if (!tree || text === undefined) throw new Error(`${shown} is not in its project`);
  const flows = tree.declarations.flatMap((d) => (d.kind === "Flow" && d.name ? [d.name.text] : []));
  if (flows.length === 0) throw new CliError(`${shown} declares no flow`);
  if (settings.flow !== undefined && !flows.includes(settings.flow)) {
    throw new CliError(`${shown} has no flow '${settings.flow}'; its flows: ${flows.join(", ")}`);
  }
  const graphOf = buildFlowGraph(tree, text, settings.flow === undefined ? [] : [settings.flow]);
  context.stdout.write(settings.format === "dot" ? toDot(graphOf) : toMermaid(graphOf));
  return 0;
}
