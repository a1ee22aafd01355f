//! `fluxo check [paths…]`: load the projects, run the compiler, print the
//! diagnostics in the chosen format, exit 0 (no errors), 1 (errors) or 2
//! (usage or I/O problem, raised as `CliError` and reported by `main`).

import { performance } from "node:perf_hooks";
import type { CliContext } from "../context.js";
import { describeWorkspace, reportOf, writeReport, type CheckSettings } from "../output.js";
import { exitStatus } from "../report.js";
import { watchCheck } from "../watch.js";
import { Workspace } from "../workspace.js";

export type { CheckSettings };

export async function check(settings: CheckSettings, context: CliContext): Promise<number> {
  if (settings.watch) return watchCheck(settings, context);
  const started = performance.now();
  const workspace = Workspace.load(settings.paths, context.cwd);
  if (settings.verbose) describeWorkspace(workspace, context);
  const report = reportOf(workspace);
  writeReport(report, settings, context);
  if (settings.verbose) context.stderr.write(`fluxo: checked in ${Math.round(performance.now() - started)} ms\n`);
  return exitStatus(report);
}
