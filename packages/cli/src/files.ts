//! Finding and reading `.flow` files: the CLI is where the toolchain's file
//! I/O lives (STYLE invariant 6), so this is the one place that walks folders.
//!
//! Synchronous on purpose: a check reads every file before it can say
//! anything, and sync calls keep the watch loop free of interleavings.

import fs from "node:fs";
import path from "node:path";
import { CliError, describeFsError, isSystemError } from "./errors.js";

export const sourceExtension = ".flow";

/** The result of walking a folder: its `.flow` files and the folders visited (for watching). */
export interface WalkResult {
  files: string[];
  folders: string[];
}

/**
 * Skipped while walking: `node_modules` and names starting with a dot
 * (`.git`, editor backups and Emacs' `.#file.flow` lock links). A path named
 * on the command line is never skipped.
 */
export function isSkippedName(name: string): boolean {
  return name === "node_modules" || name.startsWith(".");
}

/**
 * Every `.flow` file below `folder`, sorted. Symbolic links to files are
 * followed; links to folders are not (no cycles, no file seen twice). A link
 * named `*.flow` that leads nowhere is kept, so that reading it reports it.
 */
export function walkFlowFiles(folder: string, show: (file: string) => string = (file) => file): WalkResult {
  const files: string[] = [];
  const folders: string[] = [];
  const visit = (current: string): void => {
    folders.push(current);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch (error) {
      throw new CliError(`cannot read folder '${show(current)}': ${describeFsError(error)}`);
    }
    for (const entry of entries) {
      if (isSkippedName(entry.name)) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith(sourceExtension)) {
        if (entry.isFile()) files.push(full);
        else if (entry.isSymbolicLink() && !isLinkToFolder(full)) files.push(full);
      }
    }
  };
  visit(folder);
  files.sort();
  return { files, folders };
}

function isLinkToFolder(link: string): boolean {
  try {
    return fs.statSync(link).isDirectory();
  } catch {
    return false; // broken or unreadable: kept, and reading it says why
  }
}

/** Whether `file` is a folder (false when it does not exist or cannot be looked at). */
export function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** `fs.statSync`, or undefined when the path (or the target of a link) does not exist. */
export function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return undefined;
    throw error;
  }
}

/**
 * Reads a source file as UTF-8 (invalid bytes become U+FFFD, as the language
 * says files are UTF-8) and drops a leading byte-order mark, as editors do,
 * so offsets match what the language server sees.
 */
export function readSourceFile(file: string, shownPath: string): string {
  try {
    return fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    let reason = describeFsError(error);
    if (isSystemError(error) && error.code === "ENOENT" && isBrokenLink(file)) reason = "it is a symbolic link to a file that does not exist";
    throw new CliError(`cannot read '${shownPath}': ${reason}`);
  }
}

/** Whether `file` is a symbolic link whose target does not exist. */
export function isBrokenLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink() && statOrUndefined(file) === undefined;
  } catch {
    return false;
  }
}

/** A path for people: relative to `cwd` when below it (or near it), with `/` separators. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  if (relative === "") return ".";
  if (path.isAbsolute(relative)) return file.split(path.sep).join("/");
  return relative.split(path.sep).join("/");
}
