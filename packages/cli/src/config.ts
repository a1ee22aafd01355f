//! Reading and validating `fluxo.json` (LANGUAGE §3):
//! `{ "include": ["flows"], "outDir": "dist", "locale": "pt-BR", "timeZone": "America/Sao_Paulo" }`.
//!
//! Every problem becomes one `CliError` line naming the file, the key and what
//! was expected, so a typo in the config never shows up as a stack trace or a
//! silently ignored setting. The rules themselves (strict JSON, unknown keys
//! refused with a suggestion, `$schema` allowed) are `parseProjectConfig`
//! (@fluxo/compiler/project-config), shared with the language server; this file does the
//! I/O and the wording of where.

import fs from "node:fs";
import path from "node:path";
import type { ProjectOptions } from "@fluxo/compiler";
import { parseProjectConfig } from "@fluxo/compiler/project-config";
import { CliError, describeFsError } from "./errors.js";

export const configFileName = "fluxo.json";

/** A validated `fluxo.json`, with paths made absolute. */
export interface ProjectConfig {
  /** Absolute path of the `fluxo.json` file. */
  path: string;
  /** The folder holding it: the project's root. */
  root: string;
  /** Absolute paths of the folders (or `.flow` files) whose `.flow` files make the project. */
  include: string[];
  /** Absolute path of the output folder (`fluxo build`; default `dist`). */
  outDir: string;
  options: ProjectOptions;
}

/** The nearest `fluxo.json` in `directory` or one of its ancestors. */
export function findConfig(directory: string): string | undefined {
  let current = path.resolve(directory);
  for (;;) {
    const candidate = path.join(current, configFileName);
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here (or not readable as a file): keep looking upward.
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Parses and validates the text of a `fluxo.json` (by the rules of
 * @fluxo/compiler/project-config's `parseProjectConfig`, which the language
 * server shares).
 * `shownPath` names the file in messages; `exists` is asked whether an
 * include entry is there.
 */
export function parseConfig(
  text: string,
  configPath: string,
  shownPath: string,
  exists: (absolutePath: string) => "folder" | "file" | undefined = statKind,
): ProjectConfig {
  const root = path.dirname(configPath);
  const { settings, problem } = parseProjectConfig(text, { exists, resolve: (entry) => path.resolve(root, entry) });
  if (problem?.syntax) {
    // Offsets count from after a byte-order mark; so do lines and columns.
    const before = text.replace(/^\uFEFF/, "").slice(0, problem.offset);
    const line = before.split("\n").length;
    const column = problem.offset - before.lastIndexOf("\n");
    throw new CliError(`${shownPath}:${line}:${column}: ${problem.message}`);
  }
  if (problem) throw new CliError(`${shownPath}: ${problem.message}`);
  return {
    path: configPath,
    root,
    include: settings.include?.map((entry) => path.resolve(root, entry)) ?? [root],
    outDir: settings.outDir === undefined ? path.join(root, "dist") : path.resolve(root, settings.outDir),
    options: { locale: settings.locale ?? "en", timeZone: settings.timeZone ?? "UTC" },
  };
}

function statKind(absolutePath: string): "folder" | "file" | undefined {
  try {
    const stat = fs.statSync(absolutePath);
    return stat.isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

/** Reads and validates a `fluxo.json` file. */
export function loadConfig(configPath: string, shownPath: string): ProjectConfig {
  let text: string;
  try {
    text = fs.readFileSync(configPath, "utf8");
  } catch (error) {
    throw new CliError(`cannot read '${shownPath}': ${describeFsError(error)}`);
  }
  return parseConfig(text, configPath, shownPath);
}
