//! The Node host: reads the workspace's `.flow` files and `fluxo.json` from
//! disk, by the CLI's rules, so that the server and `fluxo check` see the same
//! projects (packages/cli/src/files.ts `walkFlowFiles`, config.ts
//! `parseConfig`; the server cannot import the CLI, which depends on it, so
//! the rules are restated here and the tests hold both to them).
//!
//! A `fluxo.json` that cannot be read, parsed or validated still makes a
//! project (with the settings that could be read, defaults otherwise): the
//! editor must keep working while it is edited. The problem is returned with
//! the config, and the server shows it on the file.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ConfigProblem, Host, ProjectConfig } from "./host.js";

function toPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

const toUri = (file: string): string => pathToFileURL(file).href;

/** Skipped while walking, as the CLI does: `node_modules` and names starting with a dot. */
const isSkippedName = (name: string): boolean => name === "node_modules" || name.startsWith(".");

/**
 * Every `.flow` file below `folder` (or `folder` itself when it is a file),
 * as the CLI walks: symbolic links to files are followed, links to folders
 * are not, so a link cycle (`ln -s . self`) neither loops nor loads a file
 * twice. Unreadable folders are skipped (the CLI reports them; the editor
 * keeps going).
 */
function walk(root: string, out: string[]): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    return;
  }
  if (!stat.isDirectory()) {
    if (root.endsWith(".flow")) out.push(toUri(root));
    return;
  }
  const visit = (folder: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (isSkippedName(entry.name)) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith(".flow") && (entry.isFile() || (entry.isSymbolicLink() && !isLinkToFolder(full)))) out.push(toUri(full));
    }
  };
  visit(root);
}

function isLinkToFolder(link: string): boolean {
  try {
    return fs.statSync(link).isDirectory();
  } catch {
    return false; // broken: kept, as the CLI keeps it (reading it fails and it is left out)
  }
}

const knownKeys = ["include", "outDir", "locale", "timeZone", "$schema"];
const locales = ["en", "pt-BR", "es"] as const;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The 0-based line and UTF-16 character of an offset. */
function locate(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

/** The first problem `fluxo check` would report in a `fluxo.json` text, and the settings read from it. */
function readConfigText(text: string, root: string): { raw: Record<string, unknown>; problem?: ConfigProblem } {
  text = text.replace(/^\uFEFF/, "");
  const at = (message: string, offset = 0): ConfigProblem => ({ message, ...locate(text, offset) });
  /** Where a key is written (its first quoted occurrence), for pointing at it. */
  const keyAt = (key: string): number => Math.max(0, text.indexOf(JSON.stringify(key)));
  let parsed: unknown;
  let problem: ConfigProblem | undefined;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Strict JSON, as the CLI reads it. Node says where: "… in JSON at position N".
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : /end of JSON input/i.test(message) ? text.length : 0;
    const problemText = message.replace(/\s*in JSON at position \d+.*$/s, "").replace(/^JSON\.parse: /, "");
    problem = at(`invalid JSON: ${problemText.charAt(0).toLowerCase()}${problemText.slice(1)}`, offset);
    // Keep what a lenient read (comments, trailing commas) finds, so the editor keeps the settings meanwhile.
    try {
      parsed = JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, s: string | undefined) => s ?? "").replace(/,(\s*[}\]])/g, "$1"));
    } catch {
      parsed = {};
    }
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { raw: {}, problem: problem ?? at("expected a JSON object") };
  const raw = { ...(parsed as Record<string, unknown>) };
  const fail = (message: string, key: string): void => {
    problem ??= at(message, keyAt(key));
    delete raw[key];
  };
  for (const key of Object.keys(raw)) {
    if (!knownKeys.includes(key)) fail(`unknown setting "${key}"; known settings: include, outDir, locale, timeZone`, key);
  }
  const locale = raw["locale"];
  if (locale !== undefined && (typeof locale !== "string" || !(locales as readonly string[]).includes(locale))) {
    fail(`"locale" must be one of ${locales.map((l) => `"${l}"`).join(", ")}; found ${JSON.stringify(locale)}`, "locale");
  }
  const zone = raw["timeZone"];
  if (zone !== undefined && (typeof zone !== "string" || !isValidTimeZone(zone))) {
    fail(`"timeZone" must be an IANA time zone such as "UTC" or "America/Sao_Paulo"; found ${JSON.stringify(zone)}`, "timeZone");
  }
  const outDir = raw["outDir"];
  if (outDir !== undefined && (typeof outDir !== "string" || outDir.trim() === "")) fail(`"outDir" must be a folder name; found ${JSON.stringify(outDir)}`, "outDir");
  const include = raw["include"];
  if (include !== undefined) {
    if (!Array.isArray(include) || include.length === 0 || include.some((entry) => typeof entry !== "string" || entry === "")) {
      fail(`"include" must be a non-empty list of folders, such as ["flows"]; found ${JSON.stringify(include)}`, "include");
    } else {
      for (const entry of include as string[]) {
        let stat: fs.Stats | undefined;
        try {
          stat = fs.statSync(path.resolve(root, entry));
        } catch {
          stat = undefined;
        }
        if (!stat) problem ??= at(`"include" names "${entry}", which does not exist`, keyAt(entry));
        else if (!stat.isDirectory() && !entry.endsWith(".flow")) problem ??= at(`"include" names "${entry}", which is neither a folder nor a .flow file`, keyAt(entry));
      }
    }
  }
  return problem ? { raw, problem } : { raw };
}

function readConfig(configPath: string): ProjectConfig {
  const root = path.dirname(configPath);
  let text: string | undefined;
  let problem: ConfigProblem | undefined;
  try {
    text = fs.readFileSync(configPath, "utf8");
  } catch (error) {
    problem = { message: `cannot read fluxo.json: ${error instanceof Error ? error.message : String(error)}`, line: 0, character: 0 };
  }
  const read = text === undefined ? { raw: {} as Record<string, unknown> } : readConfigText(text, root);
  problem ??= read.problem;
  const raw = read.raw;
  const include = Array.isArray(raw["include"]) ? (raw["include"] as string[]) : ["."];
  const options: ProjectConfig["options"] = {};
  if (typeof raw["locale"] === "string") options.locale = raw["locale"] as (typeof locales)[number];
  if (typeof raw["timeZone"] === "string") options.timeZone = raw["timeZone"];
  return {
    rootUri: toUri(root),
    configUri: toUri(configPath),
    include: include.map((i) => toUri(path.resolve(root, i))),
    options,
    ...(problem ? { problem } : {}),
  };
}

export const nodeHost: Host = {
  readFile(uri) {
    const file = toPath(uri);
    if (!file) return undefined;
    try {
      // A leading byte-order mark is dropped, as the CLI and editors do, so offsets agree.
      return fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
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
