//! The projects the server knows, each one compiler `Program`. A document
//! belongs to the project of the nearest `fluxo.json` above it; without one,
//! to the workspace folder holding it (LANGUAGE §3); outside every folder, to
//! a project of its own. A project's files are read from disk when it is
//! first needed; open documents replace their disk text, and edits go to the
//! program with `setFile`, which re-checks only what the change can affect.

import { createProgram, type Program } from "@fluxo/compiler";
import type { Host } from "./host.js";

export interface Project {
  /** The folder (or, for a lone file, the file) the project is keyed by. */
  key: string;
  program: Program;
  /** Folder or file URIs whose `.flow` files belong to the project. */
  roots: string[];
}

const isWithin = (uri: string, root: string): boolean => uri === root || uri.startsWith(root.endsWith("/") ? root : `${root}/`);

export class Projects {
  private readonly byKey = new Map<string, Project>();
  private readonly byUri = new Map<string, Project>();
  private folders: string[] = [];
  private workspaceLoaded = false;

  constructor(private readonly host: Host) {}

  /** Sets the workspace folders (URIs) and forgets every project. */
  setFolders(folders: readonly string[]): void {
    this.folders = folders.map((f) => this.host.normalizeUri(f).replace(/\/$/, ""));
    this.byKey.clear();
    this.byUri.clear();
    this.workspaceLoaded = false;
  }

  all(): Project[] {
    return [...this.byKey.values()];
  }

  /** The project a file belongs to, loaded from disk on first use. */
  projectOf(uri: string): Project {
    const known = this.byUri.get(uri);
    if (known) return known;
    const config = this.host.findProjectConfig(uri);
    let key: string;
    let roots: string[];
    let options = {};
    if (config) {
      key = config.rootUri;
      roots = config.include;
      options = config.options;
    } else {
      const folder = this.folders.filter((f) => isWithin(uri, f)).sort((a, b) => b.length - a.length)[0];
      key = folder ?? uri;
      roots = folder ? [folder] : [];
    }
    let project = this.byKey.get(key);
    if (!project) {
      project = { key, program: createProgram([], options), roots };
      this.byKey.set(key, project);
      for (const root of roots) {
        for (const file of this.host.listFlowFiles(root)) {
          if (this.byUri.has(file)) continue;
          const text = this.host.readFile(file);
          if (text === undefined) continue;
          project.program.setFile({ uri: file, text });
          this.byUri.set(file, project);
        }
      }
    }
    this.byUri.set(uri, project);
    return project;
  }

  /** The loaded project holding a file, without loading anything. */
  loadedProjectOf(uri: string): Project | undefined {
    return this.byUri.get(uri) ?? this.all().find((p) => p.roots.some((root) => isWithin(uri, root)));
  }

  /** Loads the projects of every `.flow` file of the workspace folders (for workspace-wide requests). */
  loadWorkspace(): void {
    if (this.workspaceLoaded) return;
    this.workspaceLoaded = true;
    for (const folder of this.folders) for (const file of this.host.listFlowFiles(folder)) if (!this.byUri.has(file)) this.projectOf(file);
  }

  /** Forgets that a file belongs to its project (after it was deleted or closed and is not on disk). */
  forget(uri: string): void {
    this.byUri.delete(uri);
  }
}
