//! `fluxo diff OLD.json NEW.json`: what a redeploy from one built bundle to
//! another would drop (RUNTIME §2 "Redeploys"), for CI: the steps (and
//! flows) the new bundle no longer has, where waiting sessions would be
//! refused, and the variables whose declaration disappeared or whose type
//! changed, which moved sessions would lose. The comparison is the runtime's
//! own (`diffBundles`), so it says exactly what the engine will do.
//!
//! Exit status: 0 nothing would be dropped, 1 something would, 2 usage or a
//! file that is not a valid bundle.

import fs from "node:fs";
import path from "node:path";
import { BundleError, diffBundles, loadBundle, type Bundle, type BundleDiff } from "@fluxo/runtime";
import type { CliContext } from "../context.js";
import { CliError, describeFsError } from "../errors.js";
import { displayPath } from "../files.js";

export interface DiffSettings {
  previous: string;
  next: string;
  json: boolean;
}

function readBundle(file: string, context: CliContext): Bundle {
  const full = path.resolve(context.cwd, file);
  const shown = displayPath(full, context.cwd);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch (error) {
    throw new CliError(`cannot read '${shown}': ${describeFsError(error)}`);
  }
  try {
    return loadBundle(text);
  } catch (error) {
    if (error instanceof BundleError) throw new CliError(`${shown} is not a bundle fluxo can load: ${error.message}`);
    throw error;
  }
}

/** `pedido` for a flow's body, `pedido.quantidade` for a step. */
function stepName(flow: string, step: string): string {
  return step === "" ? `${flow} (flow body)` : `${flow}.${step}`;
}

/** The human-readable report: one line per loss, then a summary. */
export function renderDiff(diff: BundleDiff, from: string, to: string): string {
  const lines: string[] = [];
  const removed = new Set(diff.flows);
  for (const flow of diff.flows) lines.push(`flow ${flow}: removed; sessions in it would be refused`);
  for (const { flow, step } of diff.steps) {
    if (!removed.has(flow)) lines.push(`step ${stepName(flow, step)}: removed; sessions waiting there would be refused`);
  }
  for (const { flow, variable, from: before, to: after } of diff.variables) {
    lines.push(after === null ? `variable ${flow}.${variable}: no longer declared (was ${before}); moved sessions would lose it` : `variable ${flow}.${variable}: type changed from ${before} to ${after}; moved sessions would lose it`);
  }
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const steps = diff.steps.filter(({ flow }) => !removed.has(flow)).length;
  const parts = [
    ...(diff.flows.length > 0 ? [count(diff.flows.length, "flow", "flows")] : []),
    ...(steps > 0 ? [count(steps, "step", "steps")] : []),
    ...(diff.variables.length > 0 ? [count(diff.variables.length, "variable", "variables")] : []),
  ];
  const versions = `bundle ${from} → ${to}`;
  lines.push(parts.length === 0 ? `${versions}: a redeploy would drop nothing` : `${versions}: a redeploy would drop ${parts.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

export function diff(settings: DiffSettings, context: CliContext): number {
  const previous = readBundle(settings.previous, context);
  const next = readBundle(settings.next, context);
  const result = diffBundles(previous, next);
  const dropsSomething = result.steps.length > 0 || result.variables.length > 0;
  if (settings.json) context.stdout.write(`${JSON.stringify({ from: previous.version, to: next.version, ...result })}\n`);
  else context.stdout.write(renderDiff(result, previous.version, next.version));
  return dropsSomething ? 1 : 0;
}
