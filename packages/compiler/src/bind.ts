//! Binding: the project-wide symbol table. Collects the top-level
//! declarations of every file (flows, actions, type aliases, the merged
//! `context`), resolves imports, and reports what can be known without types:
//! duplicate top-level names and imports (FX2006), import errors (FX2008),
//! and duplicate triggers (FX2009 across flows, FX2006 within one flow).
//!
//! Names are unique per project (bundles and the SDK key them by name), so
//! one map serves every file; what a file may *see* is its own declarations
//! plus its imports, while `test` blocks see everything.

import type * as A from "./ast.js";
import { stringValue } from "./ast.js";
import { diagnostic, type Diagnostic } from "./diagnostics.js";

export type DeclarationKind = "flow" | "action" | "type";

/** A top-level declaration of the project. */
export interface DeclarationSymbol {
  kind: DeclarationKind;
  name: string;
  uri: string;
  node: A.FlowDecl | A.ActionDecl | A.TypeDecl;
  /** The name's own node (for go-to-definition and related information). */
  nameNode: A.Name;
}

/** A field of the merged project `context`. */
export interface ContextFieldSymbol {
  name: string;
  uri: string;
  field: A.FieldDecl;
}

export interface BoundFile {
  uri: string;
  file: A.SourceFile;
  /** Where the parser reported syntax errors (FX1001–FX1004): names it recovered after one are not reported again. */
  syntaxErrors?: readonly A.Range[];
}

/** Everything the binder knows about a project. */
export interface ProjectIndex {
  files: readonly BoundFile[];
  /** First declaration of each top-level name, in project order. */
  declarations: ReadonlyMap<string, DeclarationSymbol>;
  /**
   * Each file's own flows, actions and types by name (the first of each name
   * in the file): the same symbol as `declarations` for a project's first
   * declaration, and one of its own for a declaration that repeats another
   * file's name (FX2006 on it), which the file's uses still mean.
   */
  declaredIn: ReadonlyMap<string, ReadonlyMap<string, DeclarationSymbol>>;
  /** Every declaration of the context, in project order (fields merge; see the checker). */
  contextFields: readonly ContextFieldSymbol[];
  /** Names each file imports: local name → declaration (only resolved imports). */
  imports: ReadonlyMap<string, ReadonlyMap<string, DeclarationSymbol>>;
  /** Files each file imports (resolved), for invalidation. */
  importedFiles: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Names each file's failed imports declare (file or name not found, path
   * not literal, names recovered after a syntax error). The import carries
   * the one error; uses of these names are silent (LANGUAGE §8: no cascade).
   */
  failedImports: ReadonlyMap<string, ReadonlySet<string>>;
  /** Flows by normalised trigger keyword and by event name. */
  keywordFlows: ReadonlyMap<string, DeclarationSymbol>;
  eventFlows: ReadonlyMap<string, DeclarationSymbol>;
  startFlow: DeclarationSymbol | undefined;
  diagnostics: readonly Diagnostic[];
}

/**
 * Normalises text for keywords and options (LANGUAGE §3.4): Unicode NFD with
 * combining marks removed, lower-cased, every run of non-letters/digits
 * turned into one space, ends trimmed.
 */
export function normalizeText(text: string): string {
  // Labels and keywords repeat across options, steps and edits: remember the
  // recent ones (Unicode normalisation and two regex passes per label were a
  // visible part of checking a large flow).
  let normal = normalized.get(text);
  if (normal === undefined) {
    normal = text
      .normalize("NFD")
      .replace(/\p{M}+/gu, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
    if (normalized.size >= MAX_NORMALIZED) normalized.clear();
    normalized.set(text, normal);
  }
  return normal;
}

/** Recent results of `normalizeText` (bounded: a long session does not grow it without end). */
const normalized = new Map<string, string>();
const MAX_NORMALIZED = 4096;

/** Resolves an import path against the importing file's URI; `.flow` is optional. */
export function resolveImportPath(fromUri: string, path: string, exists: (uri: string) => boolean): string | undefined {
  const candidates = path.endsWith(".flow") ? [path] : [path, `${path}.flow`];
  for (const candidate of candidates) {
    let resolved: string;
    try {
      resolved = new URL(candidate, fromUri).href;
    } catch {
      // Non-hierarchical URIs (e.g. `untitled:`): resolve textually.
      const base = fromUri.slice(0, fromUri.lastIndexOf("/") + 1);
      resolved = base + candidate.replace(/^\.\//, "");
    }
    if (exists(resolved)) return resolved;
  }
  return undefined;
}

function kindOf(node: A.Declaration): DeclarationKind | undefined {
  switch (node.kind) {
    case "Flow":
      return "flow";
    case "Action":
      return "action";
    case "TypeAlias":
      return "type";
    default:
      return undefined;
  }
}

const kindWords: Record<DeclarationKind, string> = { flow: "flow", action: "action", type: "type" };

/** The arguments of FX1001 for a string with `{…}` where `what` must be literal text (a keyword, an event name, an import path). */
export function interpolated(what: string): { expected: string; found: string } {
  return { expected: `${what} without interpolation`, found: "an interpolated string" };
}

/** Builds the project index. Files must be in project order (sorted by URI). */
export function bindProject(files: readonly BoundFile[]): ProjectIndex {
  const diagnostics: Diagnostic[] = [];
  const declarations = new Map<string, DeclarationSymbol>();
  const contextFields: ContextFieldSymbol[] = [];
  const uris = new Set(files.map((f) => f.uri));
  const declaredIn = new Map<string, Map<string, DeclarationSymbol>>();

  for (const { uri, file } of files) {
    const own = new Map<string, DeclarationSymbol>();
    declaredIn.set(uri, own);
    for (const node of file.declarations) {
      if (node.kind === "Context") {
        for (const field of node.fields) if (field.name) contextFields.push({ name: field.name.text, uri, field });
        continue;
      }
      const kind = kindOf(node);
      if (!kind || (node.kind !== "Flow" && node.kind !== "Action" && node.kind !== "TypeAlias") || !node.name) continue;
      const name = node.name.text;
      const symbol: DeclarationSymbol = { kind, name, uri, node: node as DeclarationSymbol["node"], nameNode: node.name };
      if (!own.has(name)) own.set(name, symbol);
      const existing = declarations.get(name);
      if (existing) {
        diagnostics.push(
          diagnostic(
            "FX2006",
            { what: kindWords[kind], name, detail: `: '${name}' is already declared as ${existing.kind === "action" ? "an" : "a"} ${kindWords[existing.kind]}` },
            uri,
            node.name,
            [{ uri: existing.uri, range: existing.nameNode, message: `'${name}' is first declared here` }],
          ),
        );
        continue;
      }
      declarations.set(name, symbol);
    }
  }

  // Imports. A file's names are its own declarations plus the names it
  // imports, each bound once: a name imported twice, or imported and declared
  // in the file, is FX2006 on the later one (LANGUAGE §8), like TypeScript's
  // "Duplicate identifier" and "Import declaration conflicts with local
  // declaration".
  const imports = new Map<string, Map<string, DeclarationSymbol>>();
  const importedFiles = new Map<string, Set<string>>();
  const failedImports = new Map<string, Set<string>>();
  for (const { uri, file, syntaxErrors = [] } of files) {
    const local = new Map<string, DeclarationSymbol>();
    const targets = new Set<string>();
    const failed = new Set<string>();
    const own = declaredIn.get(uri)!;
    /** The first import of each name in this file. */
    const imported = new Map<string, A.Name>();
    imports.set(uri, local);
    importedFiles.set(uri, targets);
    failedImports.set(uri, failed);
    for (const node of file.declarations) {
      if (node.kind !== "Import") continue;
      // Names from the first syntax error in the import on are the parser's
      // recovery (`import { A as X }` keeps `as` and `X`): the syntax error
      // is their one report.
      const recoveredFrom = Math.min(
        ...syntaxErrors.filter((e) => e.start >= node.start && e.start < node.end).map((e) => e.start),
      );
      // Names imported again are reported here, whatever becomes of the import.
      const names: A.Name[] = [];
      for (const name of node.names) {
        if (name.start >= recoveredFrom) {
          names.push(name);
          continue;
        }
        const first = imported.get(name.text);
        if (first) {
          diagnostics.push(
            diagnostic("FX2006", { what: "import", name: name.text, detail: "" }, uri, name, [
              { uri, range: first, message: `'${name.text}' is first imported here` },
            ]),
          );
          continue;
        }
        imported.set(name.text, name);
        names.push(name);
      }
      const fail = (): void => names.forEach((name) => failed.add(name.text));
      if (!node.path) {
        // The parser reported the missing path.
        fail();
        continue;
      }
      const path = stringValue(node.path);
      if (path === undefined) {
        diagnostics.push(diagnostic("FX1001", interpolated("an import path"), uri, node.path));
        fail();
        continue;
      }
      const target = resolveImportPath(uri, path, (u) => uris.has(u));
      if (!target) {
        diagnostics.push(diagnostic("FX2008", { problem: `cannot find file '${path}' to import from` }, uri, node.path));
        fail();
        continue;
      }
      targets.add(target);
      for (const name of names) {
        const recovered = name.start >= recoveredFrom;
        const symbol = declarations.get(name.text);
        const declaredThere = declaredIn.get(target)?.has(name.text) ?? false;
        const declaredHere = own.get(name.text);
        if (declaredThere && declaredHere && symbol?.uri === uri && !recovered) {
          // The file declares the name and imports it (from itself, or from
          // a file whose declaration is a project duplicate): one conflict,
          // on the later of the two. (A local declaration that is itself a
          // project duplicate already has its FX2006.)
          const importIsLater = name.start > declaredHere.nameNode.start;
          diagnostics.push(
            importIsLater
              ? diagnostic("FX2006", { what: "import", name: name.text, detail: `: '${name.text}' is declared in this file` }, uri, name, [
                  { uri, range: declaredHere.nameNode, message: `'${name.text}' is first declared here` },
                ])
              : diagnostic(
                  "FX2006",
                  { what: kindWords[declaredHere.kind], name: name.text, detail: `: '${name.text}' is already imported from '${path}'` },
                  uri,
                  declaredHere.nameNode,
                  [{ uri, range: name, message: `'${name.text}' is first imported here` }],
                ),
          );
          continue;
        }
        if (symbol && symbol.uri === target) {
          local.set(name.text, symbol);
          continue;
        }
        failed.add(name.text);
        // The target declares the name, but as a duplicate of an earlier
        // declaration: that declaration has the one error.
        if (declaredThere || recovered) continue;
        diagnostics.push(diagnostic("FX2008", { problem: `'${name.text}' is not declared in '${path}'` }, uri, name));
      }
    }
  }

  // Triggers: keywords after normalisation, event names, and `trigger start`.
  const keywordFlows = new Map<string, DeclarationSymbol>();
  const keywordSites = new Map<string, { uri: string; range: A.Range }>();
  const eventFlows = new Map<string, DeclarationSymbol>();
  const eventSites = new Map<string, { uri: string; range: A.Range }>();
  let startFlow: DeclarationSymbol | undefined;
  let startSite: { uri: string; range: A.Range } | undefined;
  for (const { uri, file } of files) {
    for (const node of file.declarations) {
      if (node.kind !== "Flow" || !node.name) continue;
      const symbol = declarations.get(node.name.text);
      if (!symbol || symbol.node !== node) continue;
      for (const trigger of node.triggers) {
        if (trigger.kind === "KeywordTrigger") {
          for (const keyword of trigger.keywords) {
            const text = stringValue(keyword);
            if (text === undefined) {
              diagnostics.push(diagnostic("FX1001", interpolated("a keyword"), uri, keyword));
              continue;
            }
            const normal = normalizeText(text);
            if (normal === "") {
              diagnostics.push(
                diagnostic("FX1001", { expected: "a keyword with letters or digits", found: `'${text}', which normalises to nothing` }, uri, keyword),
              );
              continue;
            }
            const first = keywordFlows.get(normal);
            if (first === symbol) {
              diagnostics.push(
                diagnostic(
                  "FX2006",
                  { what: "keyword", name: text, detail: ` (normalised '${normal}' is already a keyword of this flow)` },
                  uri,
                  keyword,
                  [{ uri: keywordSites.get(normal)!.uri, range: keywordSites.get(normal)!.range, message: "first used here" }],
                ),
              );
              continue;
            }
            if (first) {
              diagnostics.push(
                diagnostic("FX2009", { what: "keyword", name: normal, other: first.name }, uri, keyword, [
                  { uri: keywordSites.get(normal)!.uri, range: keywordSites.get(normal)!.range, message: `first used here` },
                ]),
              );
              continue;
            }
            keywordFlows.set(normal, symbol);
            keywordSites.set(normal, { uri, range: keyword });
          }
        } else if (trigger.kind === "EventTrigger") {
          if (!trigger.event) continue;
          const name = stringValue(trigger.event);
          if (name === undefined) {
            diagnostics.push(diagnostic("FX1001", interpolated("an event name"), uri, trigger.event));
            continue;
          }
          const first = eventFlows.get(name);
          if (first === symbol) {
            diagnostics.push(
              diagnostic("FX2006", { what: "event trigger", name, detail: " in this flow" }, uri, trigger.event, [
                { uri: eventSites.get(name)!.uri, range: eventSites.get(name)!.range, message: "first used here" },
              ]),
            );
            continue;
          }
          if (first) {
            diagnostics.push(
              diagnostic("FX2009", { what: "event", name, other: first.name }, uri, trigger.event, [
                { uri: eventSites.get(name)!.uri, range: eventSites.get(name)!.range, message: "first used here" },
              ]),
            );
            continue;
          }
          eventFlows.set(name, symbol);
          eventSites.set(name, { uri, range: trigger.event });
        } else {
          if (startFlow === symbol && startSite) {
            diagnostics.push(
              diagnostic("FX2006", { what: "trigger", name: "start", detail: " in this flow" }, uri, trigger, [
                { uri: startSite.uri, range: startSite.range, message: "first used here" },
              ]),
            );
            continue;
          }
          if (startFlow && startSite) {
            diagnostics.push(
              diagnostic("FX2009", { what: "trigger", name: "start", other: startFlow.name }, uri, trigger, [
                { uri: startSite.uri, range: startSite.range, message: "first used here" },
              ]),
            );
            continue;
          }
          startFlow = symbol;
          startSite = { uri, range: trigger };
        }
      }
    }
  }

  return { files, declarations, declaredIn, contextFields, imports, importedFiles, failedImports, keywordFlows, eventFlows, startFlow, diagnostics };
}

/**
 * The flow a test's trigger text starts (LANGUAGE §3.4): the earliest match
 * in the message wins, then the longer keyword, then project order.
 */
export function matchKeyword(index: ProjectIndex, text: string): DeclarationSymbol | undefined {
  const words = normalizeText(text).split(" ").filter(Boolean);
  let best: { at: number; length: number; order: number; symbol: DeclarationSymbol } | undefined;
  let order = 0;
  for (const [keyword, symbol] of index.keywordFlows) {
    order++;
    const keywordWords = keyword.split(" ");
    for (let at = 0; at + keywordWords.length <= words.length; at++) {
      if (keywordWords.every((w, i) => words[at + i] === w)) {
        const candidate = { at, length: keywordWords.length, order, symbol };
        if (
          !best ||
          candidate.at < best.at ||
          (candidate.at === best.at && candidate.length > best.length) ||
          (candidate.at === best.at && candidate.length === best.length && candidate.order < best.order)
        ) {
          best = candidate;
        }
        break;
      }
    }
  }
  return best?.symbol;
}
