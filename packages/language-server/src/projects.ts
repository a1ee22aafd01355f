//! The projects the server knows, each one compiler `Program`. A document
//! belongs to the project of the nearest `fluxo.json` above it; without one,
//! to the innermost workspace folder holding it (LANGUAGE §3); outside every
//! folder, to a project of its own. Which project loads first never changes
//! that (a folder's walk leaves out the files of a nested `fluxo.json`). The
//! workspace folders are the client's, kept across `fluxo.json` changes (a
//! folder without one is a project too). A project's files are read from disk when it is
//! first needed; open documents replace their disk text, and edits go to the
//! program with `setFile`, which re-checks only what the change can affect.
//!
//! A project also takes in the files its files import, transitively, from
//! wherever they are (an import outside `include`, or outside the workspace
//! folder, brings that file in), as `fluxo check` does (ARCHITECTURE, "A
//! project takes in the files its files import"; the CLI's rule is
//! `addImportedFiles` in packages/cli/src/workspace.ts, restated here in
//! `followImports` because the server cannot import the CLI). So one file may
//! sit in several programs: its own project's, and those of the projects
//! that import it. Its diagnostics are published from one of them, its
//! publisher (`publisherOf`): its own project when that is loaded.

import { createProgram, resolveImportPath, stringValue, type Program, type SourceFile } from "@fluxo/compiler";
import type { ConfigProblem, Host, ProjectConfig } from "./host.js";

export interface Project {
  /** The folder (or, for a lone file, the file) the project is keyed by. */
  key: string;
  program: Program;
  /** Folder or file URIs whose `.flow` files belong to the project. */
  roots: string[];
  /** The `fluxo.json` of the project, if it has one. */
  configUri?: string;
  /** What is wrong in that `fluxo.json`, if anything (shown on it). */
  configProblem?: ConfigProblem;
  /** Files the program holds only because a file of the project imports them; dropped when no longer imported. */
  imported: Set<string>;
  /** The import paths of each file, as last followed: only a change there follows imports again. */
  importPaths: Map<string, string>;
}

const isWithin = (uri: string, root: string): boolean => uri === root || uri.startsWith(root.endsWith("/") ? root : `${root}/`);

/** The import paths a file writes, as one string (to notice when they change). */
function importPathsOf(tree: SourceFile | undefined): string[] {
  const out: string[] = [];
  for (const node of tree?.declarations ?? []) {
    if (node.kind !== "Import") continue;
    const written = stringValue(node.path);
    if (written !== undefined) out.push(written);
  }
  return out;
}

export class Projects {
  private readonly byKey = new Map<string, Project>();
  private readonly byUri = new Map<string, Project>();
  /** The `fluxo.json` governing each folder (URI ending in `/`), as looked up. */
  private readonly configs = new Map<string, ProjectConfig | undefined>();
  private folders: string[] = [];
  private workspaceLoaded = false;

  /**
   * `openText` gives the text of a file open in the editor (which wins over
   * the disk); `onLoad` is told of each project loaded (to show problems of
   * its `fluxo.json`).
   */
  constructor(
    private readonly host: Host,
    private readonly openText: (uri: string) => string | undefined = () => undefined,
    private readonly onLoad: (project: Project) => void = () => undefined,
  ) {}

  private normalFolder(folder: string): string {
    return this.host.normalizeUri(folder).replace(/\/$/, "");
  }

  /** Sets the workspace folders (URIs) and forgets every project. */
  setFolders(folders: readonly string[]): void {
    this.folders = [...new Set(folders.map((f) => this.normalFolder(f)))];
    this.reset();
  }

  /** Adds and removes workspace folders (URIs), and forgets every project. */
  changeFolders(added: readonly string[], removed: readonly string[]): void {
    const gone = new Set(removed.map((f) => this.normalFolder(f)));
    this.setFolders([...this.folders.filter((f) => !gone.has(f)), ...added]);
  }

  /** Forgets every project (after a `fluxo.json` changed), keeping the workspace folders. */
  reset(): void {
    this.configs.clear();
    this.byKey.clear();
    this.byUri.clear();
    this.workspaceLoaded = false;
  }

  all(): Project[] {
    return [...this.byKey.values()];
  }

  /** The text of a file: the editor's, else the disk's. */
  private read(uri: string): string | undefined {
    return this.openText(uri) ?? this.host.readFile(uri);
  }

  /** The project a file belongs to, loaded from disk on first use. */
  projectOf(uri: string): Project {
    const known = this.byUri.get(uri);
    if (known) return known;
    const { key, roots, config } = this.ownerOf(uri);
    const options = config?.options ?? {};
    let project = this.byKey.get(key);
    if (!project) {
      project = {
        key,
        program: createProgram([], options),
        roots,
        ...(config ? { configUri: config.configUri } : {}),
        ...(config?.problem ? { configProblem: config.problem } : {}),
        imported: new Set(),
        importPaths: new Map(),
      };
      this.byKey.set(key, project);
      for (const root of roots) {
        for (const file of this.host.listFlowFiles(root)) {
          // A file below another project's fluxo.json (or, for a workspace folder, in a nested workspace
          // folder) is that project's, whichever is loaded first; a file an `include` names outside any
          // fluxo.json is this project's too (and may also be in its folder's project).
          const owner = this.ownerOf(file);
          if (owner.key !== key && (owner.config !== undefined || config === undefined)) continue;
          const text = this.read(file);
          if (text === undefined) continue;
          project.program.setFile({ uri: file, text });
          if (!this.byUri.has(file)) this.byUri.set(file, project);
        }
      }
      this.byUri.set(uri, project);
      this.followImports(project);
      this.onLoad(project);
    }
    this.byUri.set(uri, project);
    return project;
  }

  /**
   * Which project a file belongs to (LANGUAGE §3): the nearest `fluxo.json`
   * above it, else the innermost workspace folder holding it, else the file
   * alone. Configs are looked up once per folder until the next `reset`.
   */
  private ownerOf(uri: string): { key: string; roots: string[]; config?: ProjectConfig } {
    const folderOfFile = uri.slice(0, uri.lastIndexOf("/") + 1);
    let config = this.configs.get(folderOfFile);
    if (!this.configs.has(folderOfFile)) this.configs.set(folderOfFile, (config = this.host.findProjectConfig(uri)));
    if (config) return { key: config.rootUri, roots: config.include, config };
    const folder = this.folders.filter((f) => isWithin(uri, f)).sort((a, b) => b.length - a.length)[0];
    return { key: folder ?? uri, roots: folder ? [folder] : [] };
  }

  /**
   * Whether a file below a project's roots is one of its own files, by the
   * rule of the folder walk in `projectOf`: the project `ownerOf` names, or a
   * project with a `fluxo.json` whose `include` names a file that no
   * `fluxo.json` governs. A file below a nested `fluxo.json` is not the outer
   * project's, even though the outer roots hold it.
   */
  private owns(project: Project, uri: string): boolean {
    if (!project.roots.some((root) => isWithin(uri, root))) return false;
    const owner = this.ownerOf(uri);
    return owner.key === project.key || (owner.config === undefined && project.configUri !== undefined);
  }

  /**
   * The loaded project a file belongs to, without loading anything: the one
   * it was opened in or listed by, else its owner (`ownerOf`) when that is
   * loaded, else a loaded project that owns it (a `fluxo.json` including it).
   */
  loadedProjectOf(uri: string): Project | undefined {
    return this.byUri.get(uri) ?? this.byKey.get(this.ownerOf(uri).key) ?? this.all().find((p) => this.owns(p, uri));
  }

  /** The loaded projects whose program holds a file (its own, and those importing it). */
  containing(uri: string): Project[] {
    return this.all().filter((p) => p.program.hasFile(uri));
  }

  /**
   * The project whose diagnostics of a file are published: its own when
   * loaded, else the first that imports it; undefined when no project holds it.
   */
  publisherOf(uri: string): Project | undefined {
    const own = this.loadedProjectOf(uri);
    if (own?.program.hasFile(uri)) return own;
    return this.containing(uri)[0] ?? own;
  }

  /**
   * After files of a project changed (their new text is in the program, or
   * they were removed): follows imports again if one of them imports
   * something else now (or is new or gone), so that an import added in the
   * editor brings its file in and one removed lets it go.
   */
  update(project: Project, uris: Iterable<string>): void {
    for (const uri of uris) {
      const tree = project.program.getSourceFile(uri);
      const paths = tree ? importPathsOf(tree).join("\0") : undefined;
      if (paths !== project.importPaths.get(uri)) {
        this.followImports(project);
        return;
      }
    }
  }

  /**
   * Brings into the program every file its files import, transitively,
   * resolved as the compiler resolves them (relative to the importing file,
   * `.flow` optional), and drops the files brought in earlier that nothing
   * imports any more. Only `.flow` files that can be read are followed, as
   * the CLI follows only existing `.flow` files: an import of anything else
   * stays unresolved and the compiler reports it (FX2008). Cycles are fine:
   * each file is visited once. A file new to the program is read from the
   * editor or the disk.
   */
  followImports(project: Project): void {
    const program = project.program;
    // A file brought in by an import that is now open as a document of this project stays while open.
    for (const uri of project.imported) if (this.byUri.get(uri) === project && this.openText(uri) !== undefined) project.imported.delete(uri);
    const queue = program.uris.filter((uri) => !project.imported.has(uri));
    const reached = new Set(queue);
    project.importPaths.clear();
    // A uri spelled otherwise than its file's own (`./lib.flow#x`, `?v=1`, `%6Cib.flow`) is not followed: the CLI keys
    // files by their normal uri and reports such an import (FX2008); following it would load a second copy of the file.
    const importable = (uri: string): boolean =>
      program.hasFile(uri) || (uri.endsWith(".flow") && this.host.normalizeUri(uri) === uri && this.read(uri) !== undefined);
    for (let uri = queue.pop(); uri !== undefined; uri = queue.pop()) {
      const paths = importPathsOf(program.getSourceFile(uri));
      project.importPaths.set(uri, paths.join("\0"));
      for (const written of paths) {
        const target = resolveImportPath(uri, written, importable);
        if (target === undefined || reached.has(target)) continue;
        reached.add(target);
        if (!program.hasFile(target)) {
          const text = this.read(target);
          if (text === undefined) continue;
          program.setFile({ uri: target, text });
          project.imported.add(target);
        }
        queue.push(target);
      }
    }
    for (const uri of [...project.imported]) {
      if (reached.has(uri)) continue;
      program.removeFile(uri);
      project.imported.delete(uri);
      if (this.byUri.get(uri) === project) this.byUri.delete(uri);
    }
  }

  /**
   * After files changed on disk or were closed: re-reads each (editor text
   * first, then disk) in every loaded project that holds it, or that should
   * (a file created in a loaded project: each project that `owns` it), drops it where it is gone, then
   * follows imports again everywhere (a new file may resolve an import, a
   * deleted one may leave files nothing imports). Returns, for each file, the
   * projects that held or now hold it.
   */
  reload(uris: readonly string[]): Map<string, Project[]> {
    if (uris.length === 0) return new Map();
    const touched = new Map<string, Set<Project>>();
    for (const uri of uris) {
      const text = this.read(uri);
      const projects = new Set(this.containing(uri));
      if (text !== undefined) {
        const own = this.loadedProjectOf(uri);
        if (own) projects.add(own);
        // A created file may be the own file of several loaded projects: its folder's, and a fluxo.json whose include names it.
        for (const project of this.all()) if (this.owns(project, uri)) projects.add(project);
      }
      for (const project of projects) {
        if (text === undefined) {
          project.program.removeFile(uri);
          project.imported.delete(uri);
          if (this.byUri.get(uri) === project) this.byUri.delete(uri);
        } else {
          project.program.setFile({ uri, text });
          // A file the project owns is its own; another one (such as a file of a nested fluxo.json that it imports), not open, stays only while imported.
          if (this.owns(project, uri)) project.imported.delete(uri);
          else if (this.openText(uri) === undefined) project.imported.add(uri);
        }
      }
      touched.set(uri, projects);
    }
    for (const project of this.all()) this.followImports(project);
    const out = new Map<string, Project[]>();
    for (const [uri, projects] of touched) out.set(uri, [...new Set([...projects, ...this.containing(uri)])]);
    return out;
  }

  /**
   * What a client watching only its workspace folders misses: the folders of
   * imported files and the roots of loaded projects that lie outside every
   * workspace folder, with the pattern to watch there.
   */
  outsideWatches(): { baseUri: string; pattern: string }[] {
    const outside = (uri: string): boolean => !this.folders.some((folder) => isWithin(uri, folder));
    const out = new Map<string, string>();
    for (const project of this.all()) {
      for (const root of project.roots) if (outside(root) && !root.endsWith(".flow")) out.set(root, "**/*.flow");
      for (const uri of project.imported) {
        const folder = uri.slice(0, uri.lastIndexOf("/"));
        if (outside(uri) && !out.has(folder) && !project.roots.some((root) => isWithin(uri, root))) out.set(folder, "*.flow");
      }
    }
    return [...out].map(([baseUri, pattern]) => ({ baseUri, pattern }));
  }

  /** Loads the projects of every `.flow` file of the workspace folders (for workspace-wide requests). */
  loadWorkspace(): void {
    if (this.workspaceLoaded) return;
    this.workspaceLoaded = true;
    for (const folder of this.folders) for (const file of this.host.listFlowFiles(folder)) if (!this.byUri.has(file)) this.projectOf(file);
  }
}
