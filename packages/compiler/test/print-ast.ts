//! A compact, readable rendering of a parse result, for golden files.
//!
//! One node per line, indented by depth: `role: Kind summary @line:col-line:col`
//! (1-based lines and UTF-16 columns, half-open end). Children are printed in
//! source order, each labelled with the AST field that holds it, so a golden
//! reads like the program. Names (`Name` nodes) are folded into their parent's
//! summary; a string without interpolations is printed as its decoded value.
//! Comments follow the declarations, then the diagnostics, with code, range
//! and message.
//!
//! The printer is generic over `kind`-tagged objects: a field it does not know
//! is still printed (`key=value`), so a new AST field shows up in every golden
//! diff instead of being silently ignored.

import { LineIndex, type Diagnostic, type Range, type SourceFile } from "@fluxo/compiler";

type AnyNode = { kind: string; start: number; end: number; [key: string]: unknown };

function isNode(value: unknown): value is AnyNode {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

/** Fields holding a `Name` that is printed inline in the parent's summary. */
const inlineNames = new Set(["name", "callee", "target", "flow", "action"]);

/** Scalar fields printed by the per-kind summary (not repeated as `key=value`). */
const summarised: Record<string, readonly string[]> = {
  String: ["block"],
  StringText: ["value"],
  Number: ["raw", "value", "integer", "invalid"],
  Duration: ["raw", "ms", "invalid"],
  Boolean: ["value"],
  Binary: ["operator"],
  Unary: ["operator"],
  Member: ["optional"],
  SayMedia: ["media"],
  Http: ["method"],
  ExpectSay: ["contains"],
  MatchArm: ["isElse"],
  Comment: ["style", "text"],
  Name: ["text"],
  SourceFile: ["uri"],
};

function quote(text: string): string {
  return JSON.stringify(text);
}

/** The decoded text of a string literal made of text parts only, else undefined. */
function plainString(node: AnyNode): string | undefined {
  const parts = node["parts"] as AnyNode[] | undefined;
  if (!parts || parts.some((p) => p.kind !== "StringText")) return undefined;
  return parts.map((p) => p["value"] as string).join("");
}

function summary(node: AnyNode): string[] {
  const out: string[] = [];
  switch (node.kind) {
    case "String": {
      if (node["block"]) out.push("block");
      const plain = plainString(node);
      if (plain !== undefined) out.push(quote(plain));
      break;
    }
    case "StringText":
      out.push(quote(node["value"] as string));
      break;
    case "Number":
      out.push(node["raw"] as string);
      if (!node["invalid"] && Number(node["raw"]) !== node["value"]) out.push(`value=${String(node["value"])}`);
      if (!node["invalid"] && node["integer"] !== !(node["raw"] as string).includes(".")) out.push(`integer=${String(node["integer"])}`);
      if (node["invalid"]) out.push("invalid");
      break;
    case "Duration":
      out.push(node["raw"] as string);
      if (node["invalid"]) out.push("invalid");
      else out.push(`=${String(node["ms"])}ms`);
      break;
    case "Boolean":
      out.push(String(node["value"]));
      break;
    case "Binary":
    case "Unary":
      out.push(node["operator"] as string);
      break;
    case "Member":
      out.push(`${node["optional"] ? "?." : "."}${(node["name"] as AnyNode | undefined)?.["text"] ?? "<missing>"}`);
      break;
    case "SayMedia":
      out.push(node["media"] as string);
      break;
    case "Http":
      out.push((node["method"] as string | undefined) ?? "<no method>");
      break;
    case "ExpectSay":
      if (node["contains"]) out.push("contains");
      break;
    case "MatchArm":
      if (node["isElse"]) out.push("else");
      break;
    case "Comment":
      out.push(node["style"] as string, quote(node["text"] as string));
      break;
    case "Name":
      out.push(node["text"] as string);
      break;
    case "Import":
      out.push(`{${((node["names"] as AnyNode[]) ?? []).map((n) => n["text"]).join(", ")}}`);
      break;
    default:
      break;
  }
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (key === "kind" || key === "start" || key === "end" || value === undefined) continue;
    if ((summarised[node.kind] ?? []).includes(key)) continue;
    if (node.kind === "Import" && key === "names") continue;
    if (node.kind === "Member" && key === "name") continue;
    if (inlineNames.has(key) && isNode(value) && value.kind === "Name") {
      out.push(value["text"] as string);
      continue;
    }
    if (isNode(value) || (Array.isArray(value) && (value.length === 0 || value.some(isNode) || value.every((v) => v == null)))) continue;
    if (key === "parts" && node.kind === "String") continue;
    if (key === "doc") {
      out.push(`doc=${quote(value as string)}`);
      continue;
    }
    out.push(`${key}=${JSON.stringify(value)}`);
  }
  return out;
}

/** Stands for an `undefined` or `null` entry of a node list (placed after the entry before it). */
function missing(previous: AnyNode): AnyNode {
  return { kind: "<missing>", start: previous.start, end: previous.start };
}

/** The children of a node, as `[role, node]` pairs in source order. */
function children(node: AnyNode): [string, AnyNode][] {
  const out: [string, AnyNode][] = [];
  for (const key of Object.keys(node)) {
    if (key === "comments") continue;
    const value = node[key];
    if (node.kind === "Member" && key === "name") continue;
    if (node.kind === "Import" && key === "names") continue;
    if (inlineNames.has(key) && isNode(value) && value.kind === "Name") continue;
    if (node.kind === "String" && key === "parts" && plainString(node) !== undefined) continue;
    if (isNode(value)) out.push([key, value]);
    else if (Array.isArray(value)) {
      // A hole in a node list is an AST bug: print it where it is, so a golden shows it.
      let previous: AnyNode = node;
      for (const item of value) {
        const child = isNode(item) ? item : missing(previous);
        out.push([key, child]);
        previous = child;
      }
    }
  }
  // Stable sort: equal starts keep field order.
  return out
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry[1].start - b.entry[1].start || a.index - b.index)
    .map(({ entry }) => entry);
}

/** Renders a parse result: the tree, then comments, then diagnostics. */
export function printParse(text: string, file: SourceFile, diagnostics: readonly Diagnostic[]): string {
  const lines = new LineIndex(text);
  const at = (range: Range): string => {
    const start = lines.positionAt(range.start);
    const end = lines.positionAt(range.end);
    return `@${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
  };
  const out: string[] = [];
  const visit = (role: string | undefined, node: AnyNode, depth: number): void => {
    const head = [node.kind, ...summary(node)].join(" ");
    out.push(`${"  ".repeat(depth)}${role ? `${role}: ` : ""}${head} ${at(node)}`);
    for (const [childRole, child] of children(node)) visit(childRole, child, depth + 1);
  };
  visit(undefined, file as unknown as AnyNode, 0);
  for (const comment of file.comments) visit("comment", comment as unknown as AnyNode, 1);
  if (diagnostics.length === 0) out.push("-- no diagnostics");
  else {
    out.push("-- diagnostics");
    for (const d of diagnostics) out.push(`${d.code} ${d.severity} ${at(d.range)} ${d.message}`);
  }
  return `${out.join("\n")}\n`;
}
