//! The projects of a command line, loaded: one compiler `Program` per
//! project, fed with the text of its files.
//!
//! This is the seam between file I/O and the compiler, which never touches
//! the disk. In watch mode the same `Workspace` is refreshed: the file list
//! is walked again (cheap), and only files that appeared, vanished or were
//! reported changed are read and handed to `Program.setFile`/`removeFile`,
//! so the compiler re-parses only those.
//!
//! A project is its listed files plus every file they import, transitively
//! (LANGUAGE §3; as tsc pulls in the files its root files import). Without
//! this, `fluxo check main.flow` with no `fluxo.json` would check `main.flow`
//! alone and report its imports as missing (FX2008).

import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createProgram, resolveImportPath, stringValue, type Diagnostic, type Program } from "@fluxo/compiler";
import { configFileName } from "./config.js";
import { displayPath, readSourceFile, sourceExtension, statOrUndefined } from "./files.js";
import { discoverProjects, isInScope, listProjectFiles, type Project, type ProjectFiles } from "./project.js";

/** A project with its compiler program. */
export interface LoadedProject {
  project: Project;
  program: Program;
  files: ProjectFiles;
}

/** A diagnostic with the text of its file, ready to be located and shown. */
export interface DiagnosticInFile {
  diagnostic: Diagnostic;
  /** Absolute path of the file the diagnostic is in. */
  file: string;
}

/** The file a compiler URI names. */
export function uriToPath(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

export class Workspace {
  private constructor(
    readonly paths: readonly string[],
    readonly cwd: string,
    readonly projects: LoadedProject[],
  ) {}

  /** Discovers the projects of `paths` and reads all their files. Throws `CliError`. */
  static load(paths: readonly string[], cwd: string): Workspace {
    const show = (file: string): string => displayPath(file, cwd);
    const projects = discoverProjects(paths, cwd).map((project) => {
      const listed = listProjectFiles(project, cwd);
      const inputs = listed.files.map((file) => ({ uri: pathToUri(file), text: readSourceFile(file, show(file)) }));
      const program = createProgram(inputs, project.options);
      return { project, program, files: addImportedFiles(program, listed, new Set(), show) };
    });
    return new Workspace(paths, cwd, projects);
  }

  /** Every folder a watcher should look at (project folders, and the folders of `fluxo.json` files). */
  get folders(): string[] {
    return [...new Set(this.projects.flatMap((loaded) => loaded.files.folders))].sort();
  }

  /** The configuration files in use. */
  get configFiles(): string[] {
    return this.projects.flatMap((loaded) => (loaded.project.config ? [loaded.project.config.path] : []));
  }

  /**
   * Brings the programs up to date after the files in `changed` (absolute
   * paths) were created, modified or deleted. Returns false when a project's
   * shape may have changed (a `fluxo.json` changed) and the caller should
   * `load` again instead.
   */
  refresh(changed: ReadonlySet<string>): boolean {
    for (const file of changed) {
      if (path.basename(file) === configFileName) return false;
    }
    const show = (file: string): string => displayPath(file, this.cwd);
    for (const loaded of this.projects) {
      const before = new Set(loaded.files.files);
      const listed = listProjectFiles(loaded.project, this.cwd);
      for (const file of listed.files) {
        if (before.has(file) && !changed.has(file)) continue;
        if (!statOrUndefined(file)) {
          // Gone between the walk and now (a named file deleted while watching).
          loaded.program.removeFile(pathToUri(file));
          continue;
        }
        loaded.program.setFile({ uri: pathToUri(file), text: readSourceFile(file, show(file)) });
      }
      // Imports are followed after the listed files are up to date, so an
      // import added or removed by this change counts.
      loaded.files = addImportedFiles(loaded.program, listed, changed, show);
      const now = new Set(loaded.files.files);
      for (const file of before) {
        if (!now.has(file)) loaded.program.removeFile(pathToUri(file));
      }
    }
    return true;
  }

  /** The files whose diagnostics are reported (below the named paths), sorted. */
  get filesInScope(): string[] {
    const files = new Set<string>();
    for (const loaded of this.projects) {
      for (const uri of loaded.program.uris) {
        const file = uriToPath(uri);
        if (isInScope(loaded.project, file)) files.add(file);
      }
    }
    return [...files].sort();
  }

  /** The diagnostics of the files in scope, sorted by file and position. */
  diagnostics(): DiagnosticInFile[] {
    const out: DiagnosticInFile[] = [];
    for (const loaded of this.projects) {
      for (const diagnostic of loaded.program.getDiagnostics()) {
        const file = uriToPath(diagnostic.uri);
        if (isInScope(loaded.project, file)) out.push({ diagnostic, file });
      }
    }
    return out.sort(
      (a, b) =>
        compareText(a.file, b.file) ||
        a.diagnostic.range.start - b.diagnostic.range.start ||
        a.diagnostic.range.end - b.diagnostic.range.end,
    );
  }

  /** The text of a file as the compiler saw it, from whichever project has it. */
  getText(file: string): string | undefined {
    const uri = pathToUri(file);
    for (const loaded of this.projects) {
      const text = loaded.program.getText(uri);
      if (text !== undefined) return text;
    }
    return undefined;
  }
}

/**
 * Adds to `program` the files that the `listed` files import, transitively,
 * resolved as the compiler resolves them (`resolveImportPath`: relative to
 * the importing file, `.flow` optional), and returns the listed files plus
 * those, with their folders (to watch). Only existing `.flow` files are
 * followed, as a folder walk takes only those: an import of anything else
 * stays unresolved and the compiler reports it (FX2008). A followed file is
 * read when it is new to the program or in `changed`. Cycles are fine: each
 * file is visited once.
 */
function addImportedFiles(program: Program, listed: ProjectFiles, changed: ReadonlySet<string>, show: (file: string) => string): ProjectFiles {
  const files = new Set(listed.files);
  const folders = new Set(listed.folders);
  const importable = (uri: string): boolean => {
    if (!uri.startsWith("file:")) return false;
    const file = uriToPath(uri);
    if (files.has(file)) return true;
    if (!file.endsWith(sourceExtension)) return false;
    try {
      return statOrUndefined(file)?.isFile() === true;
    } catch {
      return false; // cannot be looked at (a folder without search permission): unresolved, FX2008
    }
  };
  const queue = [...listed.files];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const uri = pathToUri(next);
    const tree = program.getSourceFile(uri);
    if (!tree) continue;
    for (const node of tree.declarations) {
      if (node.kind !== "Import") continue;
      const written = stringValue(node.path);
      if (written === undefined) continue;
      const target = resolveImportPath(uri, written, importable);
      if (target === undefined) continue;
      const file = uriToPath(target);
      if (files.has(file)) continue;
      files.add(file);
      folders.add(path.dirname(file));
      if (!program.hasFile(pathToUri(file)) || changed.has(file)) {
        program.setFile({ uri: pathToUri(file), text: readSourceFile(file, show(file)) });
      }
      queue.push(file);
    }
  }
  return { files: [...files].sort(), folders: [...folders].sort() };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
