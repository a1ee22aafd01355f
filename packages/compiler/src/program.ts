//! A program: the source files of one project, as `{uri, text}` inputs, with
//! everything the compiler knows about them (parse trees, the project index,
//! types and name resolutions, diagnostics).
//!
//! The CLI and the language server both go through this object (one checker,
//! two front ends). It does no I/O: callers read files and pass their text.
//! Work is cached and redone only where a change can matter:
//! - a changed file is re-parsed (only the step an edit falls in, when it
//!   can: `reparse.ts`); the others keep their trees;
//! - binding (the project index) is cheap and is redone on any change;
//! - a file's check is redone when the file changed, when a file it imports
//!   (directly or not) changed, or when it holds tests (tests see the whole
//!   project); when the project's declarations changed shape (a signature,
//!   an alias, the context, a trigger), every file is rechecked. A changed
//!   file of a project that kept its shape replays the check of each step
//!   whose node and reads are unchanged (`StepCheck` in check.ts).

import type * as A from "./ast.js";
import { bindProject, type ProjectIndex } from "./bind.js";
import { checkFile, ProjectTypes, type FileCheckResult } from "./check.js";
import type { Diagnostic } from "./diagnostics.js";
import { analyzeFlows } from "./flow-analysis.js";
import { LineIndex } from "./line-index.js";
import { parse, type ParseResult } from "./parser.js";
import { reparse } from "./reparse.js";
import { supportedLocales } from "./locales.js";

/** A file handed to the compiler: its identity and its full text. */
export interface SourceInput {
  uri: string;
  text: string;
}

export type Locale = (typeof supportedLocales)[number];

/** Project settings (from `fluxo.json`, or the defaults of LANGUAGE §3). */
export interface ProjectOptions {
  locale: Locale;
  timeZone: string;
}

export const defaultProjectOptions: ProjectOptions = { locale: "en", timeZone: "UTC" };

interface FileEntry {
  text: string;
  parsed: ParseResult;
  lineIndex?: LineIndex;
  /** The text of the file's declaration headers: what other files can see of it. */
  shape: string;
}

interface ProjectState {
  index: ProjectIndex;
  types: ProjectTypes;
  checks: Map<string, FileCheckResult>;
  flowDiagnostics?: Map<string, Diagnostic[]>;
  shape: string;
}

/**
 * What other files can depend on: declaration headers, alias and context
 * texts, triggers, and where declarations are (other files hold resolutions
 * that point at them).
 */
function shapeOf(file: A.SourceFile, text: string): string {
  const parts: string[] = [];
  for (const declaration of file.declarations) {
    if (declaration.kind === "Context") parts.push(declaration.fields.map((f) => `${f.start}`).join(","));
    else if (declaration.kind !== "Test" && declaration.kind !== "Import" && declaration.name) parts.push(`@${declaration.name.start}`);
  }
  const slice = (range: A.Range | undefined): string => (range ? text.slice(range.start, range.end) : "");
  for (const declaration of file.declarations) {
    switch (declaration.kind) {
      case "Flow":
        parts.push(
          `flow ${declaration.name?.text}(${declaration.params.map((p) => slice(p)).join(",")})->${slice(declaration.returnType)}`,
          ...declaration.triggers.map((t) => slice(t)),
        );
        break;
      case "Test":
        break;
      default:
        parts.push(slice(declaration));
    }
  }
  return parts.join("\n");
}

/** The files of a project and everything the compiler knows about them. */
export class Program {
  private readonly files = new Map<string, FileEntry>();
  private state: ProjectState | undefined;
  /** Files changed since the last check. */
  private changed = new Set<string>();
  private sortedUris: string[] | undefined;
  /** The last checks of files changed since, when the project kept its shape: their unchanged steps are replayed. */
  private readonly previousChecks = new Map<string, FileCheckResult>();
  readonly options: ProjectOptions;

  constructor(inputs: readonly SourceInput[] = [], options: Partial<ProjectOptions> = {}) {
    this.options = { ...defaultProjectOptions, ...options };
    for (const input of inputs) this.setFile(input);
  }

  /** Adds or replaces a file; re-parses only when its text changed. */
  setFile(input: SourceInput): void {
    const existing = this.files.get(input.uri);
    if (existing && existing.text === input.text) return;
    // An edit inside one step re-parses that step only (see reparse.ts).
    const parsed = (existing && reparse(existing, input.text, input.uri)) ?? parse(input.text, input.uri);
    this.files.set(input.uri, { text: input.text, parsed, shape: shapeOf(parsed.file, input.text) });
    if (!existing) this.sortedUris = undefined;
    this.changed.add(input.uri);
  }

  /** Removes a file from the program. */
  removeFile(uri: string): void {
    if (!this.files.delete(uri)) return;
    this.sortedUris = undefined;
    this.changed.add(uri);
  }

  hasFile(uri: string): boolean {
    return this.files.has(uri);
  }

  /** The URIs of the program's files, in project order (sorted). */
  get uris(): string[] {
    this.sortedUris ??= [...this.files.keys()].sort();
    return this.sortedUris;
  }

  getText(uri: string): string | undefined {
    return this.files.get(uri)?.text;
  }

  getSourceFile(uri: string): A.SourceFile | undefined {
    return this.files.get(uri)?.parsed.file;
  }

  getLineIndex(uri: string): LineIndex | undefined {
    const entry = this.files.get(uri);
    if (!entry) return undefined;
    entry.lineIndex ??= new LineIndex(entry.text);
    return entry.lineIndex;
  }

  /** The project index (declarations, imports, triggers). */
  getIndex(): ProjectIndex {
    return this.ensureState().index;
  }

  /** Project-wide types (context, aliases, signatures). */
  getProjectTypes(): ProjectTypes {
    return this.ensureState().types;
  }

  /** Types and name resolutions of one file (checked on demand, cached). */
  getCheckResult(uri: string): FileCheckResult | undefined {
    const state = this.ensureState();
    const entry = this.files.get(uri);
    if (!entry) return undefined;
    let result = state.checks.get(uri);
    if (!result) {
      result = checkFile(uri, entry.parsed.file, state.types, this.previousChecks.get(uri));
      this.previousChecks.delete(uri);
      state.checks.set(uri, result);
    }
    return result;
  }

  private ensureState(): ProjectState {
    if (this.state && this.changed.size === 0) return this.state;
    const uris = this.uris;
    const index = bindProject(
      uris.map((uri) => {
        const { file, diagnostics } = this.files.get(uri)!.parsed;
        return { uri, file, syntaxErrors: diagnostics.map((d) => d.range) };
      }),
    );
    const shape = uris.map((uri) => `${uri}\n${this.files.get(uri)!.shape}`).join("\n\u0000");
    const previous = this.state;
    const checks = new Map<string, FileCheckResult>();
    this.previousChecks.clear();
    if (previous && previous.shape === shape) {
      // A changed file is checked again, but its steps that did not change
      // can be replayed from its previous check (`StepCheck` in check.ts).
      for (const uri of this.changed) {
        const result = previous.checks.get(uri);
        if (result) this.previousChecks.set(uri, result);
      }
      // Only the changed files, their importers (transitively) and test files are rechecked.
      const stale = new Set(this.changed);
      let grew = true;
      while (grew) {
        grew = false;
        for (const [uri, targets] of index.importedFiles) {
          if (stale.has(uri)) continue;
          for (const target of targets) {
            if (stale.has(target)) {
              stale.add(uri);
              grew = true;
              break;
            }
          }
        }
      }
      for (const [uri, result] of previous.checks) {
        const file = this.files.get(uri)?.parsed.file;
        if (!file || stale.has(uri) || file.declarations.some((d) => d.kind === "Test")) continue;
        checks.set(uri, result);
      }
    }
    this.state = { index, types: new ProjectTypes(index), checks, shape };
    this.changed.clear();
    return this.state;
  }

  /** Control-flow diagnostics (FX4xxx) of every file; they depend on the whole project's flows. */
  private flowDiagnostics(): Map<string, Diagnostic[]> {
    const state = this.ensureState();
    if (state.flowDiagnostics) return state.flowDiagnostics;
    const uris = this.uris;
    const exhaustive = new Set<A.MatchStatement>();
    const unchecked = new Set<A.MatchStatement>();
    for (const uri of uris) {
      const result = this.getCheckResult(uri)!;
      for (const match of result.exhaustiveMatches) exhaustive.add(match);
      for (const match of result.uncheckedMatches) unchecked.add(match);
    }
    const byUri = new Map<string, Diagnostic[]>();
    const project = state.types;
    const all = analyzeFlows(
      uris.map((uri) => ({ uri, file: this.files.get(uri)!.parsed.file })),
      {
        isExhaustive: (match) => (unchecked.has(match) ? "unknown" : exhaustive.has(match)),
        // `run` means what the checker resolves it to (its file's own flow, else an imported one).
        resolveRun: (uri, name) => {
          const symbol = project.visible(uri, name, false);
          return symbol?.kind === "flow" ? (symbol.node as A.FlowDecl) : undefined;
        },
      },
    );
    for (const d of all) {
      let list = byUri.get(d.uri);
      if (!list) byUri.set(d.uri, (list = []));
      list.push(d);
    }
    state.flowDiagnostics = byUri;
    return byUri;
  }

  /** Diagnostics of one file, or of every file when no URI is given, in project order. */
  getDiagnostics(uri?: string): Diagnostic[] {
    const uris = uri === undefined ? this.uris : [uri];
    const state = this.ensureState();
    const flow = this.flowDiagnostics();
    const out: Diagnostic[] = [];
    for (const u of uris) {
      const entry = this.files.get(u);
      if (!entry) continue;
      const fileDiagnostics = [
        ...entry.parsed.diagnostics,
        ...state.index.diagnostics.filter((d) => d.uri === u),
        ...this.getCheckResult(u)!.diagnostics,
        ...(flow.get(u) ?? []),
      ];
      fileDiagnostics.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
      out.push(...fileDiagnostics);
    }
    return out;
  }
}

/** Creates a program over the given files. */
export function createProgram(inputs: readonly SourceInput[], options: Partial<ProjectOptions> = {}): Program {
  return new Program(inputs, options);
}
