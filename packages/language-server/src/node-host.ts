//! The Node host: reads the workspace's `.flow` files and `fluxo.json` from
//! disk. A `fluxo.json` that cannot be read or parsed still makes a project
//! (with default options): the editor must keep working while it is edited.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Host, ProjectConfig } from "./host.js";

function toPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

const toUri = (file: string): string => pathToFileURL(file).href;

function walk(file: string, out: string[]): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return;
  }
  if (stat.isFile()) {
    if (file.endsWith(".flow")) out.push(toUri(file));
    return;
  }
  if (!stat.isDirectory()) return;
  let entries: string[];
  try {
    entries = fs.readdirSync(file).sort();
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    walk(path.join(file, entry), out);
  }
}

function readConfig(configPath: string): ProjectConfig {
  const root = path.dirname(configPath);
  let raw: Record<string, unknown> = {};
  try {
    // fluxo.json may hold comments and trailing commas (JSONC, as the CLI reads it).
    const text = fs.readFileSync(configPath, "utf8").replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, s: string | undefined) => s ?? "").replace(/,(\s*[}\]])/g, "$1");
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
  } catch {
    // Unreadable or invalid: defaults (the CLI reports the problem).
  }
  const include = Array.isArray(raw["include"]) && raw["include"].every((i) => typeof i === "string") ? (raw["include"] as string[]) : ["."];
  const options: ProjectConfig["options"] = {};
  if (raw["locale"] === "en" || raw["locale"] === "pt-BR" || raw["locale"] === "es") options.locale = raw["locale"];
  if (typeof raw["timeZone"] === "string") options.timeZone = raw["timeZone"];
  return { rootUri: toUri(root), include: include.map((i) => toUri(path.resolve(root, i))), options };
}

export const nodeHost: Host = {
  readFile(uri) {
    const file = toPath(uri);
    if (!file) return undefined;
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  },
  listFlowFiles(uri) {
    const file = toPath(uri);
    const out: string[] = [];
    if (file) walk(file, out);
    return out;
  },
  findProjectConfig(fileUri) {
    const file = toPath(fileUri);
    if (!file) return undefined;
    let current = path.dirname(file);
    for (;;) {
      const candidate = path.join(current, "fluxo.json");
      try {
        if (fs.statSync(candidate).isFile()) return readConfig(candidate);
      } catch {
        // Not here: keep looking upward.
      }
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  },
  normalizeUri(uri) {
    const file = toPath(uri);
    return file ? toUri(file) : uri;
  },
};
