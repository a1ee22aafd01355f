//! `fluxo build [paths…] [--target json|ts] [--out DIR] [--format …]`:
//! check, and when there are no errors write each project's bundle
//! (`flows.json`) or, with `--target ts`, its TypeScript module for the SDK
//! (`flows.ts`). Exit status as `check`: 0 built, 1 errors (nothing written),
//! 2 usage or I/O.
//!
//! Diagnostics print as `check` prints them, in the same `--format` and
//! `--pretty` (TOOLING §1 gives the formats to every command that prints
//! diagnostics). With `--format json`, stdout is exactly one JSON array, on
//! every run (`[]` when the build is clean, so a script can always parse
//! it); the summary and build's own lines ("Wrote …", "not written") go to
//! stderr. pretty and github print the diagnostics only when there are some,
//! and "Wrote …" on stdout.
//! The TypeScript emitter (ts-morph, Prettier) is loaded only for `--target
//! ts`, through its own entry point, so other commands never load it.

import fs from "node:fs";
import path from "node:path";
import { emitJson, lowerProgram } from "@fluxo/compiler";
import type { Bundle } from "@fluxo/runtime/bundle";
import type { OutputFormat } from "../commands.js";
import type { CliContext } from "../context.js";
import { CliError, describeFsError } from "../errors.js";
import { displayPath } from "../files.js";
import { reportOf, writeReport } from "../output.js";
import { exitStatus } from "../report.js";
import { watchCheck } from "../watch.js";
import { uriToPath, Workspace, type LoadedProject } from "../workspace.js";

export interface BuildSettings {
  paths: string[];
  target: "json" | "ts";
  out?: string;
  /** How diagnostics print, as for `check`. */
  format: OutputFormat;
  /** `--pretty`: undefined when not given (colour decided by the terminal). */
  pretty?: boolean;
  watch: boolean;
  verbose: boolean;
}

/** The folder a project's output goes to: `--out`, its `outDir`, or `./dist`. */
function outputFolder(loaded: LoadedProject, settings: BuildSettings, context: CliContext): string {
  if (settings.out !== undefined) return path.resolve(context.cwd, settings.out);
  return loaded.project.config?.outDir ?? path.resolve(context.cwd, "dist");
}

/** Source names in the bundle's source map: paths relative to the project root (or the current folder). */
function sourceNamer(loaded: LoadedProject, context: CliContext): (uri: string) => string {
  const root = loaded.project.config?.root ?? context.cwd;
  return (uri) => path.relative(root, uriToPath(uri)).split(path.sep).join("/");
}

/** The output of a target: its file name and its text for a bundle. */
async function targetOf(target: BuildSettings["target"]): Promise<{ file: string; emit: (bundle: Bundle) => string | Promise<string> }> {
  if (target === "json") return { file: "flows.json", emit: emitJson };
  const { emitTs } = await import("@fluxo/compiler/emit-ts");
  return { file: "flows.ts", emit: emitTs };
}

/** Writes the bundles (or modules) of a checked workspace; resolves to the exit status. */
export async function writeBundles(workspace: Workspace, settings: BuildSettings, context: CliContext): Promise<number> {
  const report = reportOf(workspace);
  const status = exitStatus(report);
  if (settings.format === "json" || status !== 0 || report.diagnostics.length > 0) {
    writeReport(report, { paths: settings.paths, format: settings.format, ...(settings.pretty !== undefined ? { pretty: settings.pretty } : {}), watch: false, verbose: settings.verbose }, context);
  }
  if (status !== 0) {
    context.stderr.write("fluxo: build: not written, fix the errors above first\n");
    return status;
  }
  if (settings.out !== undefined && workspace.projects.length > 1) {
    throw new CliError(`--out names one folder, but the paths belong to ${workspace.projects.length} projects; build them one at a time`);
  }
  const target = await targetOf(settings.target);
  for (const loaded of workspace.projects) {
    const folder = outputFolder(loaded, settings, context);
    const bundle = lowerProgram(loaded.program, { sourceName: sourceNamer(loaded, context) });
    const file = path.join(folder, target.file);
    const bytes = await target.emit(bundle);
    try {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(file, bytes);
    } catch (error) {
      throw new CliError(`cannot write ${displayPath(file, context.cwd)}: ${describeFsError(error)}`);
    }
    const flows = Object.keys(bundle.flows).length;
    // With --format json, stdout holds the diagnostics array and nothing else.
    (settings.format === "json" ? context.stderr : context.stdout).write(
      `Wrote ${displayPath(file, context.cwd)}: ${flows} flow${flows === 1 ? "" : "s"}, ${(Buffer.byteLength(bytes) / 1024).toFixed(1)} KiB, version ${bundle.version}.\n`,
    );
  }
  return 0;
}

export async function build(settings: BuildSettings, context: CliContext): Promise<number> {
  if (settings.watch) {
    // Writes run one after another, so a slow write never lands after a newer one.
    let writing = Promise.resolve();
    return watchCheck(settings, context, (workspace) => {
      writing = writing
        .then(() => writeBundles(workspace, settings, context))
        .then(
          () => undefined,
          (error: unknown) => {
            if (error instanceof CliError) context.stderr.write(`fluxo: error: ${error.message}\n`);
            else throw error;
          },
        );
    });
  }
  return writeBundles(Workspace.load(settings.paths, context.cwd), settings, context);
}
