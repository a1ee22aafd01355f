//! The script of the "Flow Graph" webview (bundled with Mermaid into
//! `dist/webview.js`): draws the graph embedded in the page, then each graph
//! the extension posts (`{ type: "show", … }`) as the flow is edited. A graph
//! Mermaid cannot draw shows the error and keeps the source visible.

import mermaid from "mermaid";
import type { FlowGraphView, ShowGraphMessage } from "./graph-page.js";

function isDark(): boolean {
  return document.body.classList.contains("vscode-dark") || document.body.classList.contains("vscode-high-contrast");
}

mermaid.initialize({
  startOnLoad: false,
  securityLevel: "strict",
  theme: isDark() ? "dark" : "default",
  flowchart: { useMaxWidth: true },
});

const element = (id: string): HTMLElement => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
};

let drawing = 0;

async function show(view: FlowGraphView): Promise<void> {
  const id = ++drawing;
  element("title").textContent = `Flow ${view.flow}`;
  element("file").textContent = view.file;
  element("source").textContent = view.mermaid;
  try {
    const { svg } = await mermaid.render(`fluxo-graph-${id}`, view.mermaid);
    if (id !== drawing) return; // a newer graph arrived meanwhile
    element("graph").innerHTML = svg;
    element("error").textContent = "";
  } catch (error) {
    if (id !== drawing) return;
    element("error").textContent = `Could not draw the graph: ${error instanceof Error ? error.message : String(error)}`;
  }
}

window.addEventListener("message", (event: MessageEvent<ShowGraphMessage>) => {
  if (event.data?.type === "show") void show(event.data);
});

const initial = document.getElementById("fluxo-graph")?.textContent;
if (initial) void show(JSON.parse(initial) as FlowGraphView);
