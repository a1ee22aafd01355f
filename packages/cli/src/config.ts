//! Reading and validating `fluxo.json` (LANGUAGE §3):
//! `{ "include": ["flows"], "outDir": "dist", "locale": "pt-BR", "timeZone": "America/Sao_Paulo" }`.
//!
//! Every problem becomes one `CliError` line naming the file, the key and what
//! was expected, so a typo in the config never shows up as a stack trace or a
//! silently ignored setting. Unknown keys are errors (with a suggestion), as
//! tsc does for `compilerOptions`; `$schema` is allowed for editors.

import fs from "node:fs";
import path from "node:path";
import * as jsonc from "jsonc-parser";
import type { ProjectOptions } from "@fluxo/compiler";
import { CliError, describeFsError } from "./errors.js";
import { didYouMean } from "./suggest.js";

export const configFileName = "fluxo.json";

export const locales: readonly ProjectOptions["locale"][] = ["en", "pt-BR", "es"];

/** A validated `fluxo.json`, with paths made absolute. */
export interface ProjectConfig {
  /** Absolute path of the `fluxo.json` file. */
  path: string;
  /** The folder holding it: the project's root. */
  root: string;
  /** Absolute paths of the folders (or `.flow` files) whose `.flow` files make the project. */
  include: string[];
  /** Absolute path of the output folder (`fluxo build`; default `dist`). */
  outDir: string;
  options: ProjectOptions;
}

const knownKeys = ["include", "outDir", "locale", "timeZone", "$schema"];

/** The nearest `fluxo.json` in `directory` or one of its ancestors. */
export function findConfig(directory: string): string | undefined {
  let current = path.resolve(directory);
  for (;;) {
    const candidate = path.join(current, configFileName);
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here (or not readable as a file): keep looking upward.
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Whether `zone` is an IANA time zone this Node.js knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Wording for jsonc-parser's error codes, keyed by their printed names (the enum is `const`). */
const jsonProblems: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "expected the end of the file",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unexpected end of number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape",
  InvalidCharacter: "invalid character in a string",
};

/** Parses strict JSON; on a syntax error, throws a `CliError` pointing at its line and column. */
function parseJson(text: string, shownPath: string): unknown {
  const errors: jsonc.ParseError[] = [];
  const value: unknown = jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const before = text.slice(0, first.offset);
    const line = before.split("\n").length;
    const column = first.offset - before.lastIndexOf("\n");
    const problem = jsonProblems[jsonc.printParseErrorCode(first.error)] ?? jsonc.printParseErrorCode(first.error);
    throw new CliError(`${shownPath}:${line}:${column}: invalid JSON: ${problem}`);
  }
  return value;
}

/**
 * Parses and validates the text of a `fluxo.json`. `shownPath` names the
 * file in messages; `exists` is asked whether an include entry is there.
 */
export function parseConfig(
  text: string,
  configPath: string,
  shownPath: string,
  exists: (absolutePath: string) => "folder" | "file" | undefined = statKind,
): ProjectConfig {
  const fail = (problem: string): never => {
    throw new CliError(`${shownPath}: ${problem}`);
  };

  const raw = parseJson(text.replace(/^\uFEFF/, ""), shownPath);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("expected a JSON object");
  const config = raw as Record<string, unknown>;

  for (const key of Object.keys(config)) {
    if (!knownKeys.includes(key)) {
      fail(`unknown setting "${key}"${didYouMean(key, knownKeys, '"')}; known settings: include, outDir, locale, timeZone`);
    }
  }

  const root = path.dirname(configPath);
  const options: ProjectOptions = { locale: "en", timeZone: "UTC" };

  if (config["locale"] !== undefined) {
    const locale = config["locale"];
    if (typeof locale !== "string" || !(locales as readonly string[]).includes(locale)) {
      fail(`"locale" must be one of ${locales.map((l) => `"${l}"`).join(", ")}; found ${JSON.stringify(locale)}`);
    }
    options.locale = locale as ProjectOptions["locale"];
  }

  if (config["timeZone"] !== undefined) {
    const zone = config["timeZone"];
    if (typeof zone !== "string" || !isValidTimeZone(zone)) {
      fail(`"timeZone" must be an IANA time zone such as "UTC" or "America/Sao_Paulo"; found ${JSON.stringify(zone)}`);
    }
    options.timeZone = zone as string;
  }

  let outDir = path.join(root, "dist");
  if (config["outDir"] !== undefined) {
    const value = config["outDir"];
    if (typeof value !== "string" || value.trim() === "") fail(`"outDir" must be a folder name; found ${JSON.stringify(value)}`);
    outDir = path.resolve(root, value as string);
  }

  let include = [root];
  if (config["include"] !== undefined) {
    const value = config["include"];
    if (!Array.isArray(value) || value.length === 0 || value.some((entry) => typeof entry !== "string" || entry === "")) {
      fail(`"include" must be a non-empty list of folders, such as ["flows"]; found ${JSON.stringify(value)}`);
    }
    include = (value as string[]).map((entry) => {
      const absolute = path.resolve(root, entry);
      const kind = exists(absolute);
      if (kind === undefined) fail(`"include" names "${entry}", which does not exist`);
      if (kind === "file" && !absolute.endsWith(".flow")) fail(`"include" names "${entry}", which is neither a folder nor a .flow file`);
      return absolute;
    });
  }

  return { path: configPath, root, include, outDir, options };
}

function statKind(absolutePath: string): "folder" | "file" | undefined {
  try {
    const stat = fs.statSync(absolutePath);
    return stat.isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

/** Reads and validates a `fluxo.json` file. */
export function loadConfig(configPath: string, shownPath: string): ProjectConfig {
  let text: string;
  try {
    text = fs.readFileSync(configPath, "utf8");
  } catch (error) {
    throw new CliError(`cannot read '${shownPath}': ${describeFsError(error)}`);
  }
  return parseConfig(text, configPath, shownPath);
}
