//! The HTML of the "Flow Graph" webview and the messages it is sent. The
//! page loads one script, the extension's own `dist/webview.js` (Mermaid
//! bundled in: no CDN), under a strict Content Security Policy: scripts only
//! with the page's nonce, styles from the extension or inline (Mermaid puts a
//! `<style>` in each SVG it draws), images from the extension or `data:`.
//! Pure functions, no `vscode` import, so they are unit-tested directly.

import { randomBytes } from "node:crypto";

/** What the page shows: a flow's graph as Mermaid text. */
export interface FlowGraphView {
  /** The flow's name. */
  flow: string;
  /** The file's name, for the heading. */
  file: string;
  /** Mermaid flowchart text. */
  mermaid: string;
}

/** The message the extension posts to a page already open, to show another graph or an edited one. */
export interface ShowGraphMessage extends FlowGraphView {
  type: "show";
}

/** A fresh nonce for a page's `<script>` (base64, 128 bits). */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/** The Content-Security-Policy of the page. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a `<script>` element (no `</script>`, no line separators). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * The page: a heading, the drawing area, the Mermaid source (folded), the
 * graph to draw as JSON data, and the script.
 */
export function graphHtml(view: FlowGraphView, page: { cspSource: string; nonce: string; scriptUri: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.cspSource, page.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Flow ${escapeHtml(view.flow)}</title>
<style>
  body { padding: 0 16px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
  header { display: flex; align-items: baseline; gap: 12px; }
  h1 { font-size: 1.2em; font-weight: 600; }
  .file { opacity: 0.7; }
  #graph svg { max-width: 100%; height: auto; }
  #error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
  pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow: auto; }
</style>
</head>
<body>
<header><h1 id="title">Flow ${escapeHtml(view.flow)}</h1><span class="file" id="file">${escapeHtml(view.file)}</span></header>
<div id="error" role="alert"></div>
<div id="graph" aria-label="Flow graph"></div>
<details><summary>Mermaid source</summary><pre id="source"></pre></details>
<script type="application/json" id="fluxo-graph">${scriptJson(view)}</script>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}
