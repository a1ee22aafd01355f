//! Project discovery (LANGUAGE §3, TOOLING §1): which `.flow` files make up
//! the project(s) of the paths on a command line, and with which settings.
//!
//! For each path, the nearest `fluxo.json` at or above it (as tsc finds
//! `tsconfig.json`) names its project: every `.flow` file below the file's
//! folder, or below its `include` entries. Paths with no `fluxo.json` above
//! them together form one project with the default settings. No path means
//! the current folder.
//!
//! A project is always checked whole (imports and duplicate names need every
//! file), but only the diagnostics of files below the named paths are
//! reported, unless a named path is the project's folder itself.
//!
//! The files listed here are a project's roots: `Workspace` adds the files
//! they import, transitively (`addImportedFiles` in workspace.ts). Without a
//! `fluxo.json` every file of the project is reported, those imported too, as
//! tsc reports errors in the files it pulls in.

import fs from "node:fs";
import path from "node:path";
import { defaultProjectOptions, type ProjectOptions } from "@fluxo/compiler";
import { findConfig, loadConfig, type ProjectConfig } from "./config.js";
import { CliError } from "./errors.js";
import { displayPath, isBrokenLink, isFolder, sourceExtension, walkFlowFiles } from "./files.js";

/** A path the user gave (or the current folder, when they gave none). */
export interface NamedPath {
  /** Absolute. */
  path: string;
  kind: "file" | "folder";
  /** True for the current folder standing in for "no path". */
  implicit: boolean;
}

export interface Project {
  /** The `fluxo.json`, or undefined for the project made of the named paths. */
  config?: ProjectConfig;
  options: ProjectOptions;
  /** Folders to walk and files to take: the `include` entries plus the named paths (but the project folder). */
  sources: string[];
  /** The paths named for this project. */
  named: NamedPath[];
  /** Files whose diagnostics are reported: those below these paths; undefined means all. */
  scope?: string[];
}

/** The `.flow` files of a project, and the folders they were found in (to watch them). */
export interface ProjectFiles {
  files: string[];
  folders: string[];
}

/** Whether `file` is `folder` or below it. */
export function isWithin(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function namePath(given: string, cwd: string, implicit: boolean): NamedPath {
  const absolute = path.resolve(cwd, given);
  const shown = implicit ? "the current folder" : `'${given}'`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    if (isBrokenLink(absolute)) throw new CliError(`${shown} is a symbolic link to a file that does not exist`);
    throw new CliError(`${shown} does not exist`);
  }
  if (stat.isDirectory()) return { path: absolute, kind: "folder", implicit };
  if (!absolute.endsWith(sourceExtension)) throw new CliError(`'${given}' is not a ${sourceExtension} file`);
  return { path: absolute, kind: "file", implicit };
}

/** Groups the given paths (relative to `cwd`) into projects. Throws `CliError` on a bad path or `fluxo.json`. */
export function discoverProjects(paths: readonly string[], cwd: string): Project[] {
  const named = paths.length === 0 ? [namePath(".", cwd, true)] : paths.map((given) => namePath(given, cwd, false));

  const byConfig = new Map<string | undefined, NamedPath[]>();
  for (const entry of named) {
    const configPath = findConfig(entry.kind === "folder" ? entry.path : path.dirname(entry.path));
    const group = byConfig.get(configPath) ?? [];
    group.push(entry);
    byConfig.set(configPath, group);
  }

  const projects: Project[] = [];
  for (const [configPath, group] of byConfig) {
    if (configPath === undefined) {
      projects.push({ options: { ...defaultProjectOptions }, sources: unique(group.map((entry) => entry.path)), named: group });
      continue;
    }
    const config = loadConfig(configPath, displayPath(configPath, cwd));
    // The project's own folder stands for the project. Any other named path
    // joins it for this run: one outside the `include` entries, or one the
    // walk would skip (a file under node_modules, named on purpose).
    const others = group.filter((entry) => entry.path !== config.root);
    const whole = others.length < group.length;
    projects.push({
      config,
      options: config.options,
      sources: unique([...config.include, ...others.map((entry) => entry.path)]),
      named: group,
      scope: whole ? undefined : group.map((entry) => entry.path),
    });
  }
  return projects;
}

/**
 * Lists the `.flow` files of a project. A named folder without any `.flow`
 * file, or a project without any, is a `CliError`.
 */
export function listProjectFiles(project: Project, cwd: string): ProjectFiles {
  const show = (file: string): string => displayPath(file, cwd);
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const source of project.sources) {
    if (isFolder(source)) {
      const walk = walkFlowFiles(source, show);
      for (const file of walk.files) files.add(file);
      for (const folder of walk.folders) folders.add(folder);
    } else {
      // A named file, or an include entry naming one. One deleted while
      // watching is dropped by `Workspace.refresh`.
      files.add(source);
      folders.add(path.dirname(source));
    }
  }
  if (project.config) folders.add(project.config.root);

  const list = [...files].sort();
  for (const entry of project.named) {
    if (entry.kind !== "folder" || entry.path === project.config?.root) continue;
    if (!list.some((file) => isWithin(file, entry.path))) {
      throw new CliError(
        entry.implicit
          ? `no ${sourceExtension} files in the current folder (${entry.path})${project.config ? "" : " and no fluxo.json above it"}`
          : `no ${sourceExtension} files in '${show(entry.path)}'`,
      );
    }
  }
  if (list.length === 0 && project.config) {
    throw new CliError(`no ${sourceExtension} files in the project of '${show(project.config.path)}'`);
  }
  return { files: list, folders: [...folders].sort() };
}

/** Whether the diagnostics of `file` are reported for this project. */
export function isInScope(project: Project, file: string): boolean {
  return project.scope === undefined || project.scope.some((root) => isWithin(file, root));
}

/**
 * Whether the `test` blocks of `file` run: those of the files in scope, but
 * without a `fluxo.json` only those of the named files, not of the files
 * they import (`fluxo test main.flow` runs the tests of `main.flow`).
 */
export function isTestedFile(project: Project, file: string): boolean {
  if (project.config) return isInScope(project, file);
  return project.named.some((entry) => isWithin(file, entry.path));
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
