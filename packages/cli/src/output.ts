//! Printing the outcome of a check to the streams, shared by a single
//! `fluxo check` and the watch loop.

import type { OutputFormat } from "./commands.js";
import { shouldColor, type CliContext } from "./context.js";
import { displayPath } from "./files.js";
import { renderGithub } from "./render-github.js";
import { renderJson } from "./render-json.js";
import { renderPretty } from "./render-pretty.js";
import { buildReport, summaryLine, type CheckReport } from "./report.js";
import { uriToPath, type Workspace } from "./workspace.js";

export interface CheckSettings {
  paths: string[];
  format: OutputFormat;
  /** `--pretty`: undefined when not given (colour decided by the terminal). */
  pretty?: boolean;
  watch: boolean;
  verbose: boolean;
}

/** The report of the workspace as it is now. */
export function reportOf(workspace: Workspace): CheckReport {
  return buildReport(
    workspace.diagnostics(),
    workspace.filesInScope.length,
    workspace.cwd,
    (file) => workspace.getText(file),
    uriToPath,
  );
}

/**
 * Prints a report. pretty and github go to stdout, summary included; json
 * puts only the array on stdout and the summary on stderr.
 */
export function writeReport(report: CheckReport, settings: CheckSettings, context: CliContext): void {
  switch (settings.format) {
    case "pretty":
      context.stdout.write(renderPretty(report, shouldColor(context.stdout, context.env, settings.pretty)));
      break;
    case "json":
      context.stdout.write(renderJson(report));
      context.stderr.write(`${summaryLine(report)}\n`);
      break;
    case "github":
      context.stdout.write(renderGithub(report));
      break;
    default: {
      const unreachable: never = settings.format;
      throw new Error(`unknown format ${String(unreachable)}`);
    }
  }
}

/** With `--verbose`: which projects were found, with which settings, and how many files. */
export function describeWorkspace(workspace: Workspace, context: CliContext): void {
  for (const loaded of workspace.projects) {
    const { config, options } = loaded.project;
    const name = config ? `project ${displayPath(config.path, context.cwd)}` : "project of the named paths (no fluxo.json)";
    const count = loaded.files.files.length;
    context.stderr.write(
      `fluxo: ${name}: ${count} file${count === 1 ? "" : "s"}, locale ${options.locale}, time zone ${options.timeZone}\n`,
    );
  }
}
