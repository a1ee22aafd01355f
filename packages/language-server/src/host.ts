//! What the server needs from its environment, so that the same server runs
//! over stdio in Node (reading the workspace from disk) and in a browser
//! worker (open documents only). The compiler and the language service do
//! no I/O; this interface is the server's only door to files.

import type { ProjectOptions } from "@fluxo/compiler";

/** Why a `fluxo.json` could not be used as written, where in it (0-based, UTF-16). */
export interface ConfigProblem {
  message: string;
  line: number;
  character: number;
}

/** A project found from a `fluxo.json`. */
export interface ProjectConfig {
  /** URI of the folder holding `fluxo.json`: the project's identity. */
  rootUri: string;
  /** URI of the `fluxo.json` itself. */
  configUri: string;
  /**
   * What `fluxo check` would refuse in the file (invalid JSON, an unknown
   * setting, a bad value), if anything. The project is still made, with the
   * settings that could be read (defaults otherwise), so the editor keeps
   * working while the file is edited; the server shows the problem on it.
   */
  problem?: ConfigProblem;
  /** URIs of the folders (or files) whose `.flow` files make the project. */
  include: string[];
  options: Partial<ProjectOptions>;
}

export interface Host {
  /** The text of a file, or undefined when it cannot be read. */
  readFile(uri: string): string | undefined;
  /** Every `.flow` file below a folder URI (skipping `node_modules` and dot folders), or the file itself. */
  listFlowFiles(uri: string): string[];
  /** The project of a file: the nearest `fluxo.json` above it, if any. */
  findProjectConfig(fileUri: string): ProjectConfig | undefined;
  /** The canonical form of a URI (so that client and disk spellings of one file agree). */
  normalizeUri(uri: string): string;
}

/** A host without a disk: only the documents the client opens exist. */
export const memoryHost: Host = {
  readFile: () => undefined,
  listFlowFiles: () => [],
  findProjectConfig: () => undefined,
  normalizeUri: (uri) => uri,
};
