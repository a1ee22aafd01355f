//! The Node host: reads the workspace's `.flow` files and `fluxo.json` from
//! disk, by the CLI's rules, so that the server and `fluxo check` see the same
//! projects. `fluxo.json` is read by `parseProjectConfig`
//! (@fluxo/compiler/project-config), which the CLI's `parseConfig` uses too. The walk restates the CLI's
//! (packages/cli/src/files.ts `walkFlowFiles`; the server cannot import the
//! CLI, which depends on it), and the tests hold both to it.
//!
//! A `fluxo.json` that cannot be read, parsed or validated still makes a
//! project (with the settings that could be read, defaults otherwise): the
//! editor must keep working while it is edited. The problem is returned with
//! the config, and the server shows it on the file.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LineIndex } from "@fluxo/compiler";
import { parseProjectConfig, type ProjectConfigSettings } from "@fluxo/compiler/project-config";
import type { ConfigProblem, Host, ProjectConfig } from "./host.js";

function toPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

const toUri = (file: string): string => pathToFileURL(file).href;

/** Skipped while walking, as the CLI does: `node_modules` and names starting with a dot. */
const isSkippedName = (name: string): boolean => name === "node_modules" || name.startsWith(".");

/**
 * Every `.flow` file below `folder` (or `folder` itself when it is a file),
 * as the CLI walks: symbolic links to files are followed, links to folders
 * are not, so a link cycle (`ln -s . self`) neither loops nor loads a file
 * twice. Unreadable folders are skipped (the CLI reports them; the editor
 * keeps going).
 */
function walk(root: string, out: string[]): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    return;
  }
  if (!stat.isDirectory()) {
    if (root.endsWith(".flow")) out.push(toUri(root));
    return;
  }
  const visit = (folder: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (isSkippedName(entry.name)) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith(".flow") && (entry.isFile() || (entry.isSymbolicLink() && !isLinkToFolder(full)))) out.push(toUri(full));
    }
  };
  visit(root);
}

function isLinkToFolder(link: string): boolean {
  try {
    return fs.statSync(link).isDirectory();
  } catch {
    return false; // broken: kept, as the CLI keeps it (reading it fails and it is left out)
  }
}

/** What an `include` entry names, as `fluxo check` asks it (packages/cli/src/config.ts `statKind`). */
function entryKind(file: string): "folder" | "file" | undefined {
  try {
    return fs.statSync(file).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

function readConfig(configPath: string): ProjectConfig {
  const root = path.dirname(configPath);
  let settings: ProjectConfigSettings = {};
  let problem: ConfigProblem | undefined;
  let text: string | undefined;
  try {
    text = fs.readFileSync(configPath, "utf8");
  } catch (error) {
    problem = { message: `cannot read fluxo.json: ${error instanceof Error ? error.message : String(error)}`, line: 0, character: 0 };
  }
  if (text !== undefined) {
    const read = parseProjectConfig(text, { exists: entryKind, resolve: (entry) => path.resolve(root, entry) });
    settings = read.settings;
    // Offsets count from after a byte-order mark, as editors show the file.
    if (read.problem) problem = { message: read.problem.message, ...new LineIndex(text.replace(/^\uFEFF/, "")).positionAt(read.problem.offset) };
  }
  const options: ProjectConfig["options"] = {};
  if (settings.locale !== undefined) options.locale = settings.locale;
  if (settings.timeZone !== undefined) options.timeZone = settings.timeZone;
  return {
    rootUri: toUri(root),
    configUri: toUri(configPath),
    include: (settings.include ?? ["."]).map((entry) => toUri(path.resolve(root, entry))),
    options,
    ...(problem ? { problem } : {}),
  };
}

export const nodeHost: Host = {
  readFile(uri) {
    const file = toPath(uri);
    if (!file) return undefined;
    try {
      // A leading byte-order mark is dropped, as the CLI and editors do, so offsets agree.
      return fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    } catch {
      return undefined;
    }
  },
  listFlowFiles(uri) {
    const file = toPath(uri);
    const out: string[] = [];
    if (file) walk(file, out);
    return out;
  },
  findProjectConfig(fileUri) {
    const file = toPath(fileUri);
    if (!file) return undefined;
    let current = path.dirname(file);
    for (;;) {
      const candidate = path.join(current, "fluxo.json");
      try {
        if (fs.statSync(candidate).isFile()) return readConfig(candidate);
      } catch {
        // Not here: keep looking upward.
      }
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  },
  normalizeUri(uri) {
    const file = toPath(uri);
    return file ? toUri(file) : uri;
  },
};
