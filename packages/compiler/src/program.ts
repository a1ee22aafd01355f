//! A program: the set of source files of one project, as `{uri, text}`
//! inputs, with their parse trees and diagnostics.
//!
//! The CLI and the language server both go through this object (one checker,
//! two front ends). It does no I/O: callers read files and pass their text.
//! Parse results are cached per file and reused while the text is unchanged,
//! so updating one file re-parses only that file.

import type { SourceFile } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import { parse, type ParseResult } from "./parser.js";

/** A file handed to the compiler: its identity and its full text. */
export interface SourceInput {
  uri: string;
  text: string;
}

/** Project settings (from `fluxo.json`, or the defaults of LANGUAGE §3). */
export interface ProjectOptions {
  locale: "en" | "pt-BR" | "es";
  timeZone: string;
}

export const defaultProjectOptions: ProjectOptions = { locale: "en", timeZone: "UTC" };

interface FileEntry {
  text: string;
  parsed: ParseResult;
}

/** The files of a project and everything the compiler knows about them. */
export class Program {
  private readonly files = new Map<string, FileEntry>();
  readonly options: ProjectOptions;

  constructor(inputs: readonly SourceInput[] = [], options: Partial<ProjectOptions> = {}) {
    this.options = { ...defaultProjectOptions, ...options };
    for (const input of inputs) this.setFile(input);
  }

  /** Adds or replaces a file; re-parses only when its text changed. */
  setFile(input: SourceInput): void {
    const existing = this.files.get(input.uri);
    if (existing && existing.text === input.text) return;
    this.files.set(input.uri, { text: input.text, parsed: parse(input.text, input.uri) });
  }

  /** Removes a file from the program. */
  removeFile(uri: string): void {
    this.files.delete(uri);
  }

  /** The URIs of the program's files, in project order (sorted by path). */
  get uris(): string[] {
    return [...this.files.keys()].sort();
  }

  getText(uri: string): string | undefined {
    return this.files.get(uri)?.text;
  }

  getSourceFile(uri: string): SourceFile | undefined {
    return this.files.get(uri)?.parsed.file;
  }

  /** Diagnostics of one file, or of every file when no URI is given, in project order. */
  getDiagnostics(uri?: string): Diagnostic[] {
    const uris = uri === undefined ? this.uris : [uri];
    const out: Diagnostic[] = [];
    for (const u of uris) {
      const entry = this.files.get(u);
      if (entry) out.push(...entry.parsed.diagnostics);
    }
    return out;
  }
}

/** Creates a program over the given files. */
export function createProgram(inputs: readonly SourceInput[], options: Partial<ProjectOptions> = {}): Program {
  return new Program(inputs, options);
}
