//! The Fluxo language server: the only package that speaks LSP (ARCHITECTURE
//! invariant 4). It keeps one compiler `Program` per project (see
//! `projects.ts`), feeds it the open documents (incremental sync), pushes
//! debounced diagnostics for the changed document and the files that import
//! it, and answers requests with the language service's pure functions,
//! converting offsets to UTF-16 positions.
//!
//! Robustness rules: every handler runs inside `guard`, which logs an
//! exception and answers an empty result, so no document or request sequence
//! can crash the server; a request cancelled before or while it runs answers
//! `RequestCancelled`; diagnostics computed for an older version of a
//! document are dropped.

import type { Program } from "@fluxo/compiler";
import * as service from "@fluxo/language-service";
import {
  CodeActionKind,
  CompletionItemKind,
  DidChangeWatchedFilesNotification,
  DocumentHighlightKind,
  ErrorCodes,
  FoldingRangeKind,
  InlayHintKind,
  InsertTextFormat,
  InsertTextMode,
  LSPErrorCodes,
  MarkupKind,
  ResponseError,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type ClientCapabilities,
  type CompletionItem,
  type Connection,
  type DocumentSymbol,
  type InitializeResult,
  type Location,
  type TextEdit,
  type SelectionRange,
  type SymbolInformation,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { encodeSemanticTokens, fromRange, semanticTokensLegend, toDiagnostic, toOffset, toPosition, toRange, toWorkspaceEdit, type DiagnosticSupport } from "./convert.js";
import type { Host } from "./host.js";
import { Projects, type Project } from "./projects.js";

/** Options a client may pass in `initializationOptions`. */
export interface ServerOptions {
  /**
   * Delay between the last edit and the diagnostics push, in milliseconds.
   * Unset: adaptive (see `diagnosticsDelayFor`): none while re-checking is
   * fast, up to 150 ms when it is slow.
   */
  diagnosticsDelay?: number;
}

/** Where the formatter comes from (the Prettier plugin's API), if it is available. */
export type FormatterLoader = () => Promise<service.Formatter | undefined>;

const completionKinds: Record<service.CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  variable: CompletionItemKind.Variable,
  parameter: CompletionItemKind.Variable,
  step: CompletionItemKind.Reference,
  flow: CompletionItemKind.Function,
  action: CompletionItemKind.Method,
  function: CompletionItemKind.Function,
  type: CompletionItemKind.Class,
  field: CompletionItemKind.Field,
  case: CompletionItemKind.EnumMember,
};

const symbolKinds: Record<service.SymbolNode["kind"], SymbolKind> = {
  flow: SymbolKind.Function,
  step: SymbolKind.Event,
  type: SymbolKind.Interface,
  action: SymbolKind.Method,
  test: SymbolKind.Class,
  context: SymbolKind.Struct,
  field: SymbolKind.Field,
};

/** A snippet as plain text, for clients without snippet support. */
function plainSnippet(text: string): string {
  return text.replace(/\$\{\d+:([^}]*)\}/g, "$1").replace(/\$\{\d+\}|\$\d+/g, "").replace(/\\\$/g, "$");
}

/** Re-checks faster than this are not debounced at all (adaptive delay). */
const FAST_CHECK_MS = 100;
/** The longest adaptive delay: a pause in typing. */
const MAX_DELAY_MS = 150;

/**
 * The adaptive diagnostics delay after an edit, from the time the last
 * re-check took. A fast re-check runs at once (on the next turn of the event
 * loop, so that changes already queued are taken together): the user sees
 * diagnostics as soon as they can be computed. A slow one waits for a pause in
 * typing (as long as the check itself took, at most 150 ms), so that a large
 * project does not re-check on every key while the user types.
 */
export function diagnosticsDelayFor(lastCheckMs: number): number {
  return lastCheckMs < FAST_CHECK_MS ? 0 : Math.min(MAX_DELAY_MS, Math.round(lastCheckMs));
}

/** Starts serving on a connection. Resolves when the connection closes. */
export function startServer(connection: Connection, host: Host, loadFormatter: FormatterLoader = async () => undefined): void {
  const documents = new TextDocuments(TextDocument);
  /** The client's spelling of each URI the server normalised. */
  const clientUris = new Map<string, string>();
  /** `fluxo.json` files showing a problem (as a diagnostic on the file). */
  const brokenConfigs = new Set<string>();
  const projects = new Projects(
    host,
    (uri) => documents.get(clientUri(uri))?.getText(),
    (project) => showConfigProblem(project),
  );
  /** Files whose last published diagnostics were not empty. */
  const published = new Set<string>();
  /** Changed files waiting for the debounced diagnostics push, by project. */
  const pending = new Map<Project, Set<string>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** A fixed delay from `diagnosticsDelay`; undefined: adaptive. */
  let fixedDelay: number | undefined;
  /** How long the last diagnostics push took (checking included), for the adaptive delay. */
  let lastCheckMs = 0;
  let capabilities: ClientCapabilities = {};
  let diagnosticSupport: DiagnosticSupport = { relatedInformation: false, tags: false };

  const log = (message: string): void => {
    try {
      connection.console.error(message);
    } catch {
      // The connection may be gone; nothing else to do.
    }
  };
  const normalize = (uri: string): string => {
    const normal = host.normalizeUri(uri);
    if (normal !== uri) clientUris.set(normal, uri);
    return normal;
  };
  const clientUri = (uri: string): string => clientUris.get(uri) ?? uri;

  const cancelled = (): ResponseError<void> => new ResponseError(LSPErrorCodes.RequestCancelled, "The request was cancelled.");

  /**
   * Wraps a request handler: honours cancellation before and after the work,
   * and turns an exception into a log line and `fallback`, never a crash.
   */
  function guard<P, R>(name: string, fallback: R, handler: (params: P, token: CancellationToken) => R | Promise<R>) {
    return async (params: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
      if (token?.isCancellationRequested) return cancelled();
      try {
        const result = await handler(params, token);
        if (token?.isCancellationRequested) return cancelled();
        return result;
      } catch (error) {
        if (error instanceof ResponseError) return error as ResponseError<void>;
        log(`fluxo: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return fallback;
      }
    };
  }

  /** Wraps a notification handler: an exception is logged, never thrown. */
  function safely<P>(name: string, handler: (params: P) => void) {
    return (params: P): void => {
      try {
        handler(params);
      } catch (error) {
        log(`fluxo: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    };
  }

  /** The program holding a document (its project's, loaded on first use). */
  function programOf(uri: string): { program: Program; uri: string } {
    const normal = normalize(uri);
    const project = projects.projectOf(normal);
    const document = documents.get(uri);
    if (document && project.program.getText(normal) !== document.getText()) {
      project.program.setFile({ uri: normal, text: document.getText() });
      // An import added by the edit brings its file in before the request is answered.
      projects.update(project, [normal]);
    }
    return { program: project.program, uri: normal };
  }

  /**
   * Shows the problem of a project's `fluxo.json` (what `fluxo check` refuses)
   * as a diagnostic on that file, or clears the one shown. Called when a
   * project is loaded, which is once per change of the file (watched files),
   * not on every keystroke.
   */
  function showConfigProblem(project: Project): void {
    const uri = project.configUri;
    if (!uri) return;
    const problem = project.configProblem;
    if (!problem) {
      if (brokenConfigs.delete(uri)) void connection.sendDiagnostics({ uri: clientUri(uri), diagnostics: [] });
      return;
    }
    brokenConfigs.add(uri);
    const position = { line: problem.line, character: problem.character };
    void connection.sendDiagnostics({
      uri: clientUri(uri),
      diagnostics: [{ range: { start: position, end: position }, severity: 1, source: "fluxo", message: problem.message }],
    });
  }

  /** Clears the problems shown on `fluxo.json` files that no loaded project reads any more (deleted, or left). */
  function clearStaleConfigProblems(): void {
    const read = new Set(projects.all().map((p) => p.configUri));
    for (const uri of [...brokenConfigs]) {
      if (read.has(uri)) continue;
      brokenConfigs.delete(uri);
      void connection.sendDiagnostics({ uri: clientUri(uri), diagnostics: [] });
    }
  }

  /** Re-checks every open document (after the projects were forgotten), loading their projects again. */
  function rescheduleOpenDocuments(): void {
    for (const document of documents.all()) {
      const uri = normalize(document.uri);
      for (const project of projectsOf(uri)) schedule(project, uri);
    }
    clearStaleConfigProblems();
  }

  /**
   * The programs of the other loaded projects that hold a document because
   * they import it, given the editor's text: cross-file requests (references,
   * rename) answer from them too, so a file shared by two projects is
   * renamed in both.
   */
  function importersOf(documentUri: string, own: Program): Program[] {
    const normal = normalize(documentUri);
    const document = documents.get(documentUri);
    const out: Program[] = [];
    for (const project of projects.containing(normal)) {
      if (project.program === own) continue;
      if (document && project.program.getText(normal) !== document.getText()) project.program.setFile({ uri: normal, text: document.getText() });
      out.push(project.program);
    }
    return out;
  }

  /** A file's own project (loaded on first use) and the loaded projects that import it. */
  function projectsOf(uri: string): Project[] {
    return [...new Set([projects.projectOf(uri), ...projects.containing(uri)])];
  }

  /** Folders outside the workspace that the client was asked to watch (`baseUri pattern`). */
  const watching = new Set<string>();

  /**
   * Asks the client to watch, too, the folders outside the workspace that
   * projects read (imported files, `include` entries outside), so that a
   * change there on disk reaches `didChangeWatchedFiles` like one inside.
   * Needs dynamic registration with relative patterns (LSP 3.17); without
   * them, such a file is re-read when it is opened and closed.
   */
  function watchOutsideFolders(): void {
    const watchedFiles = capabilities.workspace?.didChangeWatchedFiles;
    if (!watchedFiles?.dynamicRegistration || !watchedFiles.relativePatternSupport) return;
    const watchers = projects.outsideWatches().filter(({ baseUri, pattern }) => !watching.has(`${baseUri} ${pattern}`));
    if (watchers.length === 0) return;
    for (const { baseUri, pattern } of watchers) watching.add(`${baseUri} ${pattern}`);
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: watchers.map(({ baseUri, pattern }) => ({ globPattern: { baseUri: clientUri(baseUri), pattern } })) })
      .catch(() => undefined);
  }

  // ------------------------------------------------------------ diagnostics

  /**
   * Whether the pending push follows an edit. Only those pushes time a
   * re-check for the adaptive delay: the first check of a project (open,
   * settings) does the whole work and says nothing about editing.
   */
  let edited = false;
  /** Documents just opened: the content event that follows the open is not an edit. */
  const opening = new Set<string>();

  function schedule(project: Project, uri: string, edit = false): void {
    if (edit) edited = true;
    let set = pending.get(project);
    if (!set) pending.set(project, (set = new Set()));
    set.add(uri);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const start = performance.now();
      try {
        publishPending();
        watchOutsideFolders();
      } catch (error) {
        log(`fluxo: diagnostics failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      if (edited) lastCheckMs = performance.now() - start;
      edited = false;
    }, fixedDelay ?? diagnosticsDelayFor(lastCheckMs));
  }

  /**
   * The files whose diagnostics a change can alter: the open ones, the files
   * that import a changed file (open or not), and those showing diagnostics.
   * A changed file that is not open (closed, or changed on disk) is not shown.
   */
  function affected(project: Project, changed: ReadonlySet<string>): Set<string> {
    const program = project.program;
    const out = new Set<string>();
    const open = new Set<string>();
    for (const document of documents.all()) {
      const uri = normalize(document.uri);
      open.add(uri);
      if (projects.publisherOf(uri) === project) out.add(uri);
    }
    const stale = new Set(changed);
    let grew = true;
    const imported = program.getIndex().importedFiles;
    while (grew) {
      grew = false;
      for (const [uri, targets] of imported) {
        if (stale.has(uri)) continue;
        if ([...targets].some((t) => stale.has(t))) {
          stale.add(uri);
          grew = true;
        }
      }
    }
    // A file held by several projects is published from one (its own project's, when loaded).
    for (const uri of stale) if ((open.has(uri) || !changed.has(uri)) && projects.publisherOf(uri) === project) out.add(uri);
    for (const uri of published) {
      const publisher = projects.publisherOf(uri);
      if (publisher === project || publisher === undefined) out.add(uri);
    }
    return out;
  }

  function publishPending(): void {
    const work = [...pending];
    pending.clear();
    for (const [project, changed] of work) {
      for (const uri of changed) {
        const document = documents.get(clientUri(uri));
        if (document && project.program.getText(uri) !== document.getText()) project.program.setFile({ uri, text: document.getText() });
      }
      // An import added or removed by the edits brings its file in or lets it go.
      projects.update(project, changed);
      for (const uri of affected(project, changed)) {
        // One file the compiler fails on must not keep the others' diagnostics back.
        try {
          publish(project.program, uri);
        } catch (error) {
          log(`fluxo: diagnostics of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
      }
    }
  }

  function publish(program: Program, uri: string): void {
    const document = documents.get(clientUri(uri));
    // A result for an older version of the document is dropped: a newer push is scheduled.
    if (document && program.getText(uri) !== document.getText()) return;
    const diagnostics = program.hasFile(uri)
      ? service.getDiagnostics(program, uri).map((d) => toDiagnostic(program, uri, d, diagnosticSupport, clientUri))
      : [];
    if (diagnostics.length === 0 && !published.has(uri) && !document) return;
    if (diagnostics.length > 0) published.add(uri);
    else published.delete(uri);
    void connection.sendDiagnostics({ uri: clientUri(uri), ...(document ? { version: document.version } : {}), diagnostics });
  }

  // ------------------------------------------------------------ lifecycle

  connection.onInitialize((params): InitializeResult => {
    capabilities = params.capabilities ?? {};
    const options = (params.initializationOptions ?? {}) as ServerOptions;
    if (typeof options.diagnosticsDelay === "number" && options.diagnosticsDelay >= 0) fixedDelay = options.diagnosticsDelay;
    const publishCaps = capabilities.textDocument?.publishDiagnostics;
    diagnosticSupport = { relatedInformation: publishCaps?.relatedInformation === true, tags: (publishCaps?.tagSupport?.valueSet?.length ?? 0) > 0 };
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    projects.setFolders(folders);
    return {
      capabilities: {
        positionEncoding: "utf-16",
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        // Only where a list is certainly wanted; elsewhere clients ask as the user types a word.
        completionProvider: { triggerCharacters: [".", ":"], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: capabilities.textDocument?.rename?.prepareSupport ? { prepareProvider: true } : true,
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: [","] },
        inlayHintProvider: true,
        semanticTokensProvider: { legend: semanticTokensLegend, full: true, range: true },
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: "fluxo", version: "0.1.0" },
    };
  });

  connection.onInitialized(
    safely("initialized", () => {
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        void connection.client
          .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.flow" }, { globPattern: "**/fluxo.json" }] })
          .catch(() => undefined);
      }
      if (capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders(
          safely("workspace folders", (event) => {
            // The folders the client has, not the roots of the projects loaded (a folder without fluxo.json is a project too).
            projects.changeFolders(
              event.added.map((f) => f.uri),
              event.removed.map((f) => f.uri),
            );
            rescheduleOpenDocuments();
          }),
        );
      }
    }),
  );

  // ------------------------------------------------------------ documents

  documents.onDidOpen(
    safely("didOpen", (event) => {
      const uri = normalize(event.document.uri);
      // `onDidChangeContent` follows for the same document: not an edit.
      opening.add(uri);
      for (const project of projectsOf(uri)) {
        project.program.setFile({ uri, text: event.document.getText() });
        projects.update(project, [uri]);
        schedule(project, uri);
      }
    }),
  );

  // The program takes the new text lazily (the next request or the debounced
  // diagnostics): fast typing in a large file parses once per pause, not per key.
  documents.onDidChangeContent(
    safely("didChange", (event) => {
      const uri = normalize(event.document.uri);
      const edit = !opening.delete(uri);
      for (const project of projectsOf(uri)) schedule(project, uri, edit);
    }),
  );

  documents.onDidClose(
    safely("didClose", (event) => {
      const uri = normalize(event.document.uri);
      // The document is gone from `documents`: the disk's text (if any) takes its place, in every project holding it.
      const touched = projects.reload([uri]).get(uri) ?? [];
      // The closed file's diagnostics are cleared; files that import it are re-checked.
      published.delete(uri);
      void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
      for (const project of touched) schedule(project, uri);
    }),
  );

  connection.onDidChangeWatchedFiles(
    safely("didChangeWatchedFiles", (params) => {
      let configChanged = false;
      const files: string[] = [];
      for (const change of params.changes) {
        const uri = normalize(change.uri);
        if (uri.endsWith("/fluxo.json")) {
          // A project's shape may have changed: load every project again (once for the whole batch), keeping the workspace folders.
          configChanged = true;
          continue;
        }
        if (!uri.endsWith(".flow") || documents.get(clientUri(uri))) continue;
        files.push(uri);
      }
      // Also files that projects hold only because they import them, or that a failed import names.
      for (const [uri, touched] of projects.reload(files)) for (const project of touched) schedule(project, uri);
      if (configChanged) {
        projects.reset();
        rescheduleOpenDocuments();
      }
    }),
  );

  // ------------------------------------------------------------ requests

  connection.onCompletion(
    guard("completion", null, (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const result = service.getCompletions(program, uri, toOffset(program, uri, params.position));
      const completion = capabilities.textDocument?.completion;
      const snippets = completion?.completionItem?.snippetSupport === true;
      // Multi-line items are indented relative to the cursor's line: a client that adjusts indentation (the usual
      // default) is told so explicitly where it can be; one whose default is "as is" gets the line's indentation written in.
      const adjusts = completion?.completionItem?.insertTextModeSupport?.valueSet.includes(InsertTextMode.adjustIndentation) === true;
      const asIs = !adjusts && completion?.insertTextMode === InsertTextMode.asIs;
      const range = toRange(program, uri, result.range);
      const items = result.items.map((item): CompletionItem => {
        let text = item.snippet && !snippets ? plainSnippet(item.insertText) : item.insertText;
        const multiline = text.includes("\n");
        if (multiline && asIs) text = text.replace(/\n/g, `\n${result.indentation}`);
        return {
          ...(multiline && adjusts ? { insertTextMode: InsertTextMode.adjustIndentation } : {}),
          label: item.label,
          kind: completionKinds[item.kind],
          ...(item.detail ? { detail: item.detail } : {}),
          ...(item.documentation ? { documentation: { kind: MarkupKind.Markdown, value: item.documentation } } : {}),
          sortText: item.sortText,
          ...(item.filterText ? { filterText: item.filterText } : {}),
          textEdit: { range, newText: text },
          insertTextFormat: item.snippet && snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
          ...(item.additionalEdits ? { additionalTextEdits: item.additionalEdits.map((e) => ({ range: toRange(program, uri, e.range), newText: e.newText })) } : {}),
        };
      });
      return { isIncomplete: false, items };
    }),
  );

  connection.onHover(
    guard("hover", null, (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const hover = service.getHover(program, uri, toOffset(program, uri, params.position));
      if (!hover) return null;
      const markdown = capabilities.textDocument?.hover?.contentFormat?.includes(MarkupKind.Markdown) ?? true;
      const value = markdown ? hover.contents : hover.contents.replace(/```fluxo\n|\n?```/g, "");
      return { contents: { kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range: toRange(program, uri, hover.range) };
    }),
  );

  connection.onDefinition(
    guard("definition", [], (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      return service
        .getDefinition(program, uri, toOffset(program, uri, params.position))
        .map((l) => ({ uri: clientUri(l.uri), range: toRange(program, l.uri, l.range) }));
    }),
  );

  connection.onReferences(
    guard("references", [], (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const offset = toOffset(program, uri, params.position);
      // Also in the projects that import the file, each reference once.
      const found = new Map<string, Location>();
      for (const each of [program, ...importersOf(params.textDocument.uri, program)]) {
        for (const l of service.getReferences(each, uri, offset, params.context.includeDeclaration)) {
          const location = { uri: clientUri(l.uri), range: toRange(each, l.uri, l.range) };
          found.set(JSON.stringify(location), location);
        }
      }
      return [...found.values()];
    }),
  );

  connection.onDocumentHighlight(
    guard("documentHighlight", [], (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      return service.getHighlights(program, uri, toOffset(program, uri, params.position)).map((h) => ({
        range: toRange(program, uri, h.range),
        kind: h.kind === "write" ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
      }));
    }),
  );

  connection.onPrepareRename(
    guard("prepareRename", null, (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const target = service.prepareRename(program, uri, toOffset(program, uri, params.position));
      if ("error" in target) throw new ResponseError(ErrorCodes.InvalidRequest, target.error);
      return { range: toRange(program, uri, target.range), placeholder: target.placeholder };
    }),
  );

  connection.onRenameRequest(
    guard("rename", null, (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const offset = toOffset(program, uri, params.position);
      // Also in the projects that import the file: a rename that one of them refuses (a clash there) is refused.
      // The same edit found by several programs is kept once, in the order first found (a set of ranges per file, not a scan).
      const changes: Record<string, TextEdit[]> = {};
      const seen = new Map<string, Set<string>>();
      const keyOf = ({ start, end }: TextEdit["range"]): string => `${start.line}:${start.character}-${end.line}:${end.character}`;
      for (const each of [program, ...importersOf(params.textDocument.uri, program)]) {
        const edit = service.rename(each, uri, offset, params.newName);
        if ("error" in edit) throw new ResponseError(ErrorCodes.InvalidRequest, edit.error);
        for (const [target, edits] of Object.entries(toWorkspaceEdit(each, edit, clientUri).changes ?? {})) {
          const into = (changes[target] ??= []);
          let known = seen.get(target);
          if (!known) seen.set(target, (known = new Set()));
          for (const e of edits) {
            const key = keyOf(e.range);
            if (known.has(key)) continue;
            known.add(key);
            into.push(e);
          }
        }
      }
      return { changes };
    }),
  );

  connection.onDocumentSymbol(
    guard("documentSymbol", [], (params): DocumentSymbol[] | SymbolInformation[] => {
      const { program, uri } = programOf(params.textDocument.uri);
      const symbols = service.getDocumentSymbols(program, uri);
      if (capabilities.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport) {
        const convert = (s: service.SymbolNode): DocumentSymbol => ({
          name: s.name,
          kind: symbolKinds[s.kind],
          ...(s.detail ? { detail: s.detail } : {}),
          range: toRange(program, uri, s.range),
          selectionRange: toRange(program, uri, s.selectionRange),
          children: s.children.map(convert),
        });
        return symbols.map(convert);
      }
      const flat: SymbolInformation[] = [];
      const visit = (s: service.SymbolNode, container?: string): void => {
        flat.push({ name: s.name, kind: symbolKinds[s.kind], location: { uri: clientUri(uri), range: toRange(program, uri, s.range) }, ...(container ? { containerName: container } : {}) });
        s.children.forEach((c) => visit(c, s.name));
      };
      symbols.forEach((s) => visit(s));
      return flat;
    }),
  );

  connection.onWorkspaceSymbol(
    guard("workspaceSymbol", [], (params, token): SymbolInformation[] => {
      projects.loadWorkspace();
      for (const document of documents.all()) programOf(document.uri);
      const out: SymbolInformation[] = [];
      for (const project of projects.all()) {
        if (token.isCancellationRequested) return out;
        for (const s of service.getWorkspaceSymbols(project.program, params.query)) {
          // A file held by several projects (its own, and those importing it) is listed once.
          if (projects.publisherOf(s.uri) !== project) continue;
          out.push({
            name: s.name,
            kind: symbolKinds[s.kind],
            location: { uri: clientUri(s.uri), range: toRange(project.program, s.uri, s.range) },
            ...(s.container ? { containerName: s.container } : {}),
          });
        }
      }
      return out;
    }),
  );

  connection.onSignatureHelp(
    guard("signatureHelp", null, (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const help = service.getSignatureHelp(program, uri, toOffset(program, uri, params.position));
      if (!help) return null;
      const { signature } = help;
      let from = signature.label.indexOf("(") + 1;
      const parameters = signature.params.map((p) => {
        const start = signature.label.indexOf(p.label, from);
        from = start + p.label.length;
        return { label: [start, start + p.label.length] as [number, number] };
      });
      return {
        signatures: [{ label: signature.label, ...(signature.doc ? { documentation: { kind: MarkupKind.Markdown, value: signature.doc } } : {}), parameters }],
        activeSignature: 0,
        activeParameter: help.activeParameter,
      };
    }),
  );

  connection.languages.inlayHint.on(
    guard("inlayHint", [], (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      return service.getInlayHints(program, uri, fromRange(program, uri, params.range)).map((h) => ({
        position: toPosition(program, uri, h.offset),
        label: h.label,
        kind: InlayHintKind.Type,
      }));
    }),
  );

  connection.languages.semanticTokens.on(
    guard("semanticTokens", { data: [] }, (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      return { data: encodeSemanticTokens(program, uri, service.getSemanticTokens(program, uri)) };
    }),
  );

  connection.languages.semanticTokens.onRange(
    guard("semanticTokens/range", { data: [] }, (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      return { data: encodeSemanticTokens(program, uri, service.getSemanticTokens(program, uri, fromRange(program, uri, params.range))) };
    }),
  );

  connection.onFoldingRanges(
    guard("foldingRange", [], (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const kinds = { comment: FoldingRangeKind.Comment, imports: FoldingRangeKind.Imports, region: FoldingRangeKind.Region };
      return service.getFoldingRanges(program, uri).map((r) => ({ startLine: r.startLine, endLine: r.endLine, ...(r.kind ? { kind: kinds[r.kind] } : {}) }));
    }),
  );

  connection.onSelectionRanges(
    guard("selectionRange", [], (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const offsets = params.positions.map((p) => toOffset(program, uri, p));
      const convert = (r: service.SelectionRange): SelectionRange => ({ range: toRange(program, uri, r.range), ...(r.parent ? { parent: convert(r.parent) } : {}) });
      return service.getSelectionRanges(program, uri, offsets).map(convert);
    }),
  );

  connection.onCodeAction(
    guard("codeAction", [], (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      if (params.context.only && !params.context.only.some((kind) => kind === CodeActionKind.QuickFix || kind === CodeActionKind.Empty)) return [];
      return service.getCodeActions(program, uri, fromRange(program, uri, params.range)).map((action) => ({
        title: action.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: action.diagnostics.map((d) =>
          toDiagnostic(program, uri, { ...d, title: "", related: d.related ?? [], tags: d.tags ?? [] }, diagnosticSupport, clientUri),
        ),
        edit: toWorkspaceEdit(program, action.edit, clientUri),
        ...(action.isPreferred ? { isPreferred: true } : {}),
      }));
    }),
  );

  /** Runs the formatter; a file it refuses (syntax errors) gets a clear error, not an empty answer. */
  const runFormatter = async (format: (formatter: service.Formatter) => Promise<service.TextEdit[]>): Promise<service.TextEdit[]> => {
    const formatter = await loadFormatter();
    if (!formatter) throw new ResponseError(ErrorCodes.InternalError, "Formatting is not available: this build of the Fluxo language server has no formatter.");
    try {
      return await format(formatter);
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new ResponseError(LSPErrorCodes.RequestFailed, `Cannot format this file: ${message}`);
    }
  };

  connection.onDocumentFormatting(
    guard("formatting", null, async (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const text = program.getText(uri) ?? "";
      const edits = await runFormatter((formatter) => service.formatDocument(text, formatter));
      if (program.getText(uri) !== text) throw cancelled();
      return edits.map((e) => ({ range: toRange(program, uri, e.range), newText: e.newText }));
    }),
  );

  connection.onDocumentRangeFormatting(
    guard("rangeFormatting", null, async (params) => {
      const { program, uri } = programOf(params.textDocument.uri);
      const text = program.getText(uri) ?? "";
      const range = fromRange(program, uri, params.range);
      const edits = await runFormatter((formatter) => service.formatRange(text, range, formatter));
      if (program.getText(uri) !== text) throw cancelled();
      return edits.map((e) => ({ range: toRange(program, uri, e.range), newText: e.newText }));
    }),
  );

  documents.listen(connection);
  connection.listen();
}
