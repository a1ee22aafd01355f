//! `fluxo fmt [paths…] [--check]`: rewrite `.flow` files in the canonical
//! layout (TOOLING §4), or with `--check` list the files that are not in it.
//!
//! Files are found as `check` finds them (the project of each path, or the
//! current folder's), and only those below the named paths are touched. The
//! formatting itself is `@fluxo/prettier-plugin/api`, the same code Prettier
//! and the language server run. A file is written only when its text
//! changes, and never when it cannot be formatted safely: a file with syntax
//! errors, or one that is not valid UTF-8 (rewriting it would replace the
//! bad bytes), is reported and left as it is.
//!
//! Output: stdout lists the files rewritten (or, with `--check`, the files
//! not formatted), one path a line; problems and the summary line go to
//! stderr. Exit status: 0; 1 when `--check` found unformatted files or a file
//! could not be formatted (syntax errors, not UTF-8); 2 for usage and I/O
//! problems, and for an internal error of the formatter.

import fs from "node:fs";
import { LineIndex } from "@fluxo/compiler";
import type { CliContext } from "../context.js";
import { CliError, describeFsError } from "../errors.js";
import { displayPath } from "../files.js";
import { discoverProjects, isInScope, listProjectFiles } from "../project.js";
import { pathToUri } from "../workspace.js";

export interface FmtSettings {
  paths: string[];
  /** List unformatted files instead of rewriting them. */
  check: boolean;
  verbose: boolean;
}

/** The files `fluxo fmt` works on: those of the paths' projects that lie below the paths. */
function filesToFormat(paths: readonly string[], cwd: string): string[] {
  const files = new Set<string>();
  for (const project of discoverProjects(paths, cwd)) {
    for (const file of listProjectFiles(project, cwd).files) {
      if (isInScope(project, file)) files.add(file);
    }
  }
  return [...files].sort();
}

interface SourceText {
  text: string;
  /** The file starts with a UTF-8 byte-order mark (kept when the file is rewritten). */
  bom: boolean;
}

/** The text of a file, or undefined when its bytes are not valid UTF-8. */
function readText(file: string, shown: string): SourceText | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new CliError(`cannot read '${shown}': ${describeFsError(error)}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const bom = text.startsWith("\uFEFF");
  return { text: bom ? text.slice(1) : text, bom };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export async function fmt(settings: FmtSettings, context: CliContext): Promise<number> {
  const files = filesToFormat(settings.paths, context.cwd);
  // Loaded after the paths are known good: Prettier takes a moment to load.
  const { formatDocument, FluxoSyntaxError, FormatterError } = await import("@fluxo/prettier-plugin/api");

  let changed = 0;
  let refused = 0;
  let internal = 0;
  for (const file of files) {
    const shown = displayPath(file, context.cwd);
    const source = readText(file, shown);
    if (!source) {
      context.stderr.write(`${shown}: not formatted: the file is not valid UTF-8\n`);
      refused++;
      continue;
    }
    let formatted: string;
    try {
      formatted = await formatDocument(source.text, { uri: pathToUri(file) });
    } catch (error) {
      if (error instanceof FluxoSyntaxError) {
        const first = error.diagnostics[0]!;
        const at = new LineIndex(source.text).positionAt(first.range.start);
        const more = error.diagnostics.length > 1 ? ` (and ${plural(error.diagnostics.length - 1, "more syntax error")})` : "";
        context.stderr.write(
          `${shown}:${at.line + 1}:${at.character + 1} - error ${first.code}: ${first.message}${more}; file not formatted\n`,
        );
        refused++;
        continue;
      }
      if (error instanceof FormatterError) {
        context.stderr.write(`fluxo: internal error: ${shown}: ${error.message}; file not formatted\n`);
        if (settings.verbose && error.stack) context.stderr.write(`${error.stack}\n`);
        internal++;
        continue;
      }
      throw error;
    }
    if (formatted === source.text) continue;
    changed++;
    if (!settings.check) {
      try {
        fs.writeFileSync(file, source.bom ? `\uFEFF${formatted}` : formatted);
      } catch (error) {
        throw new CliError(`cannot write '${shown}': ${describeFsError(error)}`);
      }
    }
    context.stdout.write(`${shown}\n`);
  }

  const total = plural(files.length, "file");
  // Files that could not be read as Fluxo are neither formatted nor not: "all formatted" counts only the others.
  const checked = files.length - refused - internal;
  if (settings.check) {
    context.stderr.write(
      changed > 0
        ? `${changed} of ${total} not formatted; run 'fluxo fmt' to format ${changed === 1 ? "it" : "them"}.\n`
        : checked === files.length
          ? `All ${total} formatted.\n`
          : `${checked} of ${total} formatted.\n`,
    );
  } else {
    context.stderr.write(`Formatted ${changed} of ${total}.\n`);
  }
  if (refused > 0) context.stderr.write(`${plural(refused, "file")} could not be formatted (see above).\n`);
  if (internal > 0) return 2;
  return refused > 0 || (settings.check && changed > 0) ? 1 : 0;
}
