//! The Fluxo extension for VS Code (TOOLING §3): starts the bundled language
//! server (`dist/server.js`, the same server `fluxo lsp --stdio` runs) with
//! `vscode-languageclient` over stdio, and adds two commands:
//!
//! - "Fluxo: Show Flow Graph" draws the flow under the cursor in a webview
//!   with Mermaid, redrawn as the document changes. The graph comes from the
//!   compiler's `buildFlowGraph`/`toMermaid`, bundled here, so it is the same
//!   as `fluxo graph FILE --flow NAME --format mermaid`.
//! - "Fluxo: Run Flow in Terminal" types `fluxo run FILE --flow NAME` into a
//!   new terminal (the workspace's `fluxo` when installed, else `npx fluxo`).
//!
//! Settings: `fluxo.trace.server` is read by the client library itself (the
//! client's id is `fluxo`); `fluxo.format.enable` is applied here, in the
//! client's formatting middleware, so turning it off takes effect at once.
//! Everything that can be tested without VS Code lives in the modules this
//! one imports (`flows.ts`, `run-command.ts`, `graph-page.ts`).

import { existsSync } from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import { contributedSnippets, withoutSnippets } from "./completion.js";
import { flowAt, flowMermaid } from "./flows.js";
import { graphHtml, newNonce, type FlowGraphView, type ShowGraphMessage } from "./graph-page.js";
import { findFluxo, runCommandLine, shellKindOf } from "./run-command.js";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const graphs = new FlowGraphPanel(context.extensionUri);
  context.subscriptions.push(
    graphs,
    vscode.commands.registerCommand("fluxo.showFlowGraph", (uri?: vscode.Uri) => showFlowGraph(graphs, uri)),
    vscode.commands.registerCommand("fluxo.runFlowInTerminal", (uri?: vscode.Uri) => runFlowInTerminal(uri)),
  );

  client = new LanguageClient("fluxo", "Fluxo Language Server", serverOptions(context), clientOptions());
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  const module = context.asAbsolutePath(path.join("dist", "server.js"));
  return {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
}

function formatEnabled(document: vscode.TextDocument): boolean {
  return vscode.workspace.getConfiguration("fluxo", document).get<boolean>("format.enable", true);
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: "file", language: "fluxo" },
      { scheme: "untitled", language: "fluxo" },
    ],
    outputChannelName: "Fluxo Language Server",
    initializationOptions: {
      settings: { format: { enable: vscode.workspace.getConfiguration("fluxo").get<boolean>("format.enable", true) } },
    },
    middleware: {
      provideDocumentFormattingEdits: (document, options, token, next) => (formatEnabled(document) ? next(document, options, token) : []),
      provideDocumentRangeFormattingEdits: (document, range, options, token, next) =>
        formatEnabled(document) ? next(document, range, options, token) : [],
      provideCompletionItem: async (document, position, completionContext, token, next) =>
        withoutSnippets(await next(document, position, completionContext, token), contributedSnippets, vscode.CompletionItemKind.Snippet),
    },
  };
}

/** The Fluxo document a command acts on: the one it was invoked for, else the active editor's. */
async function targetDocument(uri: vscode.Uri | undefined): Promise<{ document: vscode.TextDocument; offset: number } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (uri && editor?.document.uri.toString() !== uri.toString()) {
    const document = await vscode.workspace.openTextDocument(uri);
    return { document, offset: 0 };
  }
  if (!editor || editor.document.languageId !== "fluxo") {
    void vscode.window.showInformationMessage("Open a .flow file to use this command.");
    return undefined;
  }
  return { document: editor.document, offset: editor.document.offsetAt(editor.selection.active) };
}

/** The flow under the cursor, or the one the user picks. */
async function chooseFlow(document: vscode.TextDocument, offset: number): Promise<string | undefined> {
  const choice = flowAt(document.getText(), offset);
  switch (choice.kind) {
    case "flow":
      return choice.name;
    case "choose":
      return vscode.window.showQuickPick(choice.names, { placeHolder: "Which flow?" });
    case "none":
      void vscode.window.showInformationMessage(`${path.basename(document.fileName)} declares no flow.`);
      return undefined;
    default: {
      const unknown: never = choice;
      throw new Error(`unknown choice ${JSON.stringify(unknown)}`);
    }
  }
}

async function showFlowGraph(graphs: FlowGraphPanel, uri: vscode.Uri | undefined): Promise<void> {
  const target = await targetDocument(uri);
  if (!target) return;
  const flow = await chooseFlow(target.document, target.offset);
  if (flow) graphs.show(target.document, flow);
}

async function runFlowInTerminal(uri: vscode.Uri | undefined): Promise<void> {
  const target = await targetDocument(uri);
  if (!target) return;
  const { document } = target;
  if (document.isUntitled) {
    void vscode.window.showWarningMessage("Save the file before running one of its flows.");
    return;
  }
  const flow = await chooseFlow(document, target.offset);
  if (!flow) return;
  // The CLI reads the file from disk.
  if (document.isDirty && !(await document.save())) return;
  const file = document.uri.fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  const cwd = folder ?? path.dirname(file);
  const program = findFluxo(path.dirname(file), folder, existsSync, process.platform, process.env);
  const terminal = vscode.window.createTerminal({ name: `Fluxo: ${flow}`, cwd });
  terminal.show();
  terminal.sendText(runCommandLine(program, file, flow, cwd, shellKindOf(vscode.env.shell, process.platform)));
}

/**
 * The "Flow Graph" webview: one panel, showing the last flow asked for and
 * redrawn (debounced) while its document changes.
 */
class FlowGraphPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: { uri: string; flow: string } | undefined;
  /** The graph shown last: a page hidden and shown again starts from its first graph, and gets this one. */
  private latest: FlowGraphView | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly extensionUri: vscode.Uri) {
    this.listeners = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.panel && event.document.uri.toString() === this.target?.uri) {
          clearTimeout(this.timer);
          this.timer = setTimeout(() => this.refresh(event.document), 300);
        }
      }),
    ];
  }

  show(document: vscode.TextDocument, flow: string): void {
    this.target = { uri: document.uri.toString(), flow };
    const view = this.view(document, flow);
    if (this.panel) {
      this.panel.title = `Flow: ${flow}`;
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      this.post(view);
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, "dist");
    const panel = vscode.window.createWebviewPanel(
      "fluxo.flowGraph",
      `Flow: ${flow}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: false },
    );
    panel.webview.html = graphHtml(view, {
      cspSource: panel.webview.cspSource,
      nonce: newNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, "webview.js")).toString(),
    });
    panel.onDidChangeViewState(({ webviewPanel }) => {
      if (webviewPanel.visible && this.latest) void webviewPanel.webview.postMessage({ type: "show", ...this.latest } satisfies ShowGraphMessage);
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.target = undefined;
      this.latest = undefined;
    });
    this.panel = panel;
    this.latest = view;
  }

  private post(view: FlowGraphView): void {
    this.latest = view;
    void this.panel?.webview.postMessage({ type: "show", ...view } satisfies ShowGraphMessage);
  }

  private view(document: vscode.TextDocument, flow: string): FlowGraphView {
    return { flow, file: path.basename(document.fileName), mermaid: flowMermaid(document.getText(), flow, document.uri.toString()) };
  }

  private refresh(document: vscode.TextDocument): void {
    if (!this.panel || !this.target) return;
    this.post(this.view(document, this.target.flow));
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const listener of this.listeners) listener.dispose();
    this.panel?.dispose();
  }
}
