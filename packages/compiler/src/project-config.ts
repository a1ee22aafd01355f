//! The rules of `fluxo.json` (LANGUAGE §3):
//! `{ "include": ["flows"], "outDir": "dist", "locale": "pt-BR", "timeZone": "America/Sao_Paulo" }`,
//! written once for the CLI (packages/cli/src/config.ts, which stops at the
//! first problem) and the language server (packages/language-server/src/node-host.ts,
//! which shows the problem on the file and keeps serving with what it could read).
//!
//! No I/O: whether an include entry is there is asked of the caller.
//!
//! The file is strict JSON (no comments, no trailing commas), read with
//! jsonc-parser so that a syntax error has a position and plain wording.
//! Unknown keys are errors (with a suggestion), as tsc does for
//! `compilerOptions`; `$schema` is allowed for editors. A leading byte-order
//! mark is dropped, and offsets count from after it (as editors do).

import * as jsonc from "jsonc-parser";
import { isTimeZone } from "./hours.js";
import { supportedLocales as locales } from "./locales.js";
import type { Locale } from "./program.js";
import { didYouMean } from "./suggest.js";

/** The settings of a `fluxo.json`, as written (a missing key is left out; the defaults are the caller's). */
export interface ProjectConfigSettings {
  locale?: Locale;
  timeZone?: string;
  /** The output folder, as written (relative to the folder of `fluxo.json`, or absolute). */
  outDir?: string;
  /** The folders (or `.flow` files) making the project, as written. */
  include?: string[];
}

/** The first thing `fluxo check` refuses in a `fluxo.json`. */
export interface ProjectConfigProblem {
  /** What is wrong, in the CLI's words: `invalid JSON: expected ','`, `"locale" must be one of …`. */
  message: string;
  /** Where: an offset in the text (after a leading byte-order mark, if any). */
  offset: number;
  /**
   * True when the text is not strict JSON (`message` starts with `invalid JSON:`);
   * the CLI shows such a problem with its line and column.
   */
  syntax: boolean;
}

export interface ProjectConfigResult {
  /**
   * Every setting when there is no problem. Otherwise, those that could still
   * be read: a key whose value is refused is left out, and a file that is not
   * strict JSON is read leniently (comments and trailing commas allowed) or,
   * when even that fails, gives no settings. An `include` naming a missing
   * entry is kept (the entry contributes no file).
   */
  settings: ProjectConfigSettings;
  problem?: ProjectConfigProblem;
}

export interface ProjectConfigHost {
  /** What an `include` entry names, if anything; asked with the entry as `resolve` returns it. */
  exists(entry: string): "folder" | "file" | undefined;
  /** The entry as `exists` should be asked about it (e.g. made absolute); by default, as written. */
  resolve?(entry: string): string;
}

/** The keys a `fluxo.json` may have. */
export const projectConfigKeys: readonly string[] = ["include", "outDir", "locale", "timeZone", "$schema"];


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

/**
 * How deep arrays and objects may nest (a `fluxo.json` needs 2). jsonc-parser
 * recurses, so a deeper text would overflow the stack: it is refused first.
 */
export const maxProjectConfigNesting = 100;

/** The offset of the first bracket nesting deeper than `maxProjectConfigNesting`, if any (strings and comments skipped). */
function tooDeep(text: string): number | undefined {
  const scanner = jsonc.createScanner(text, true);
  let depth = 0;
  for (;;) {
    scanner.scan();
    const offset = scanner.getTokenOffset();
    if (scanner.getTokenLength() === 0 || offset >= text.length) return undefined;
    const c = text[offset];
    if (c === "{" || c === "[") {
      if (++depth > maxProjectConfigNesting) return offset;
    } else if (c === "}" || c === "]") depth--;
  }
}

function syntaxProblem(error: jsonc.ParseError): ProjectConfigProblem {
  const code = jsonc.printParseErrorCode(error.error);
  return { message: `invalid JSON: ${jsonProblems[code] ?? code}`, offset: error.offset, syntax: true };
}

const strict: jsonc.ParseOptions = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };
const lenient: jsonc.ParseOptions = { disallowComments: false, allowTrailingComma: true, allowEmptyContent: false };

/**
 * Reads and validates the text of a `fluxo.json`: its settings, and the first
 * problem in the order the CLI checks (syntax, unknown keys, locale,
 * timeZone, outDir, include), if any.
 */
export function parseProjectConfig(text: string, host: ProjectConfigHost): ProjectConfigResult {
  text = text.replace(/^\uFEFF/, "");
  let problem: ProjectConfigProblem | undefined;

  const deep = tooDeep(text);
  if (deep !== undefined) {
    // Refused unparsed, unless what comes before already has a syntax error.
    const before: jsonc.ParseError[] = [];
    jsonc.parse(text.slice(0, deep), before, strict);
    const earlier = before.find((error) => error.offset < deep);
    return {
      settings: {},
      problem: earlier ? syntaxProblem(earlier) : { message: `invalid JSON: more than ${maxProjectConfigNesting} nested arrays or objects`, offset: deep, syntax: true },
    };
  }

  const errors: jsonc.ParseError[] = [];
  let value: unknown = jsonc.parse(text, errors, strict);
  if (errors[0]) {
    problem = syntaxProblem(errors[0]);
    // Keep what a lenient read finds, so that an editor keeps the settings while the file is fixed.
    const lenientErrors: jsonc.ParseError[] = [];
    value = jsonc.parse(text, lenientErrors, lenient);
    if (lenientErrors.length > 0) return { settings: {}, problem };
  }
  const tree = jsonc.parseTree(text, undefined, lenient);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { settings: {}, problem: problem ?? { message: "expected a JSON object", offset: tree?.offset ?? 0, syntax: false } };
  }
  const config = value as Record<string, unknown>;

  /** The last property named `key` (the one whose value counts). */
  const property = (key: string): jsonc.Node | undefined => {
    let found: jsonc.Node | undefined;
    for (const p of tree?.children ?? []) if (p.children?.[0]?.value === key) found = p;
    return found;
  };
  const keyOffset = (key: string): number => property(key)?.children?.[0]?.offset ?? 0;
  const refuse = (message: string, offset: number): void => {
    problem ??= { message, offset, syntax: false };
  };

  for (const key of Object.keys(config)) {
    if (!projectConfigKeys.includes(key)) {
      refuse(`unknown setting "${key}"${didYouMean(key, projectConfigKeys, '"')}; known settings: include, outDir, locale, timeZone`, keyOffset(key));
    }
  }

  const settings: ProjectConfigSettings = {};

  const locale = config["locale"];
  if (locale !== undefined) {
    if (typeof locale === "string" && (locales as readonly string[]).includes(locale)) settings.locale = locale as Locale;
    else refuse(`"locale" must be one of ${locales.map((l) => `"${l}"`).join(", ")}; found ${JSON.stringify(locale)}`, keyOffset("locale"));
  }

  const zone = config["timeZone"];
  if (zone !== undefined) {
    if (typeof zone === "string" && isTimeZone(zone)) settings.timeZone = zone;
    else refuse(`"timeZone" must be an IANA time zone such as "UTC" or "America/Sao_Paulo"; found ${JSON.stringify(zone)}`, keyOffset("timeZone"));
  }

  const outDir = config["outDir"];
  if (outDir !== undefined) {
    if (typeof outDir === "string" && outDir.trim() !== "") settings.outDir = outDir;
    else refuse(`"outDir" must be a folder name; found ${JSON.stringify(outDir)}`, keyOffset("outDir"));
  }

  const include = config["include"];
  if (include !== undefined) {
    if (!Array.isArray(include) || include.length === 0 || include.some((entry) => typeof entry !== "string" || entry === "")) {
      refuse(`"include" must be a non-empty list of folders, such as ["flows"]; found ${JSON.stringify(include)}`, keyOffset("include"));
    } else {
      const entries = include as string[];
      const entryNodes = property("include")?.children?.[1]?.children;
      entries.forEach((entry, i) => {
        const resolved = host.resolve ? host.resolve(entry) : entry;
        const kind = host.exists(resolved);
        const offset = entryNodes?.[i]?.offset ?? keyOffset("include");
        if (kind === undefined) refuse(`"include" names "${entry}", which does not exist`, offset);
        else if (kind === "file" && !resolved.endsWith(".flow")) refuse(`"include" names "${entry}", which is neither a folder nor a .flow file`, offset);
      });
      settings.include = entries;
    }
  }

  return problem ? { settings, problem } : { settings };
}
