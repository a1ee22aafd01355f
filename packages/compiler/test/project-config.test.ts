//! The rules of `fluxo.json` (`parseProjectConfig`), shared by `fluxo check`
//! and the language server: a table of texts and what is read from them.
//!
//! Each problem is written `line:column message` (1-based, as the CLI shows
//! syntax errors); `settings` is what a caller can still use (the language
//! server keeps serving with it while the file is being fixed).
//!
//! Include entries on the fake disk: names ending in `.flow` and `notes.txt`
//! are files, names containing `missing` do not exist, anything else is a folder.

import { LineIndex } from "@fluxo/compiler";
import { parseProjectConfig, type ProjectConfigSettings } from "@fluxo/compiler/project-config";
import { describe, expect, test } from "vitest";

const exists = (entry: string): "folder" | "file" | undefined =>
  entry.includes("missing") ? undefined : entry.endsWith(".flow") || entry.endsWith("notes.txt") ? "file" : "folder";

interface Case {
  text: string;
  settings: ProjectConfigSettings;
  /** `line:column message`, for the first problem. */
  problem?: string;
}

const cases: Record<string, Case> = {
  "an empty object: every default is the caller's": { text: "{}", settings: {} },
  "every setting": {
    text: '{ "$schema": "x", "include": ["flows", "shared/common.flow"], "outDir": "out", "locale": "pt-BR", "timeZone": "America/Sao_Paulo" }',
    settings: { include: ["flows", "shared/common.flow"], outDir: "out", locale: "pt-BR", timeZone: "America/Sao_Paulo" },
  },
  "a byte-order mark is dropped, and positions count from after it": {
    text: '\uFEFF{ "locale": "es", }',
    settings: { locale: "es" },
    problem: "1:19 invalid JSON: expected a property name in double quotes",
  },
  "a later duplicate key wins, as in JSON.parse": { text: '{ "locale": "es", "locale": "en" }', settings: { locale: "en" } },

  // Not strict JSON: the first syntax error, with what a lenient read still finds.
  "empty text": { text: "", settings: {}, problem: "1:1 invalid JSON: expected a value" },
  "a trailing comma (settings kept)": {
    text: '{\n  "locale": "pt-BR",\n}',
    settings: { locale: "pt-BR" },
    problem: "3:1 invalid JSON: expected a property name in double quotes",
  },
  "a comment (settings kept)": {
    text: '{ "locale": "en" // comment\n, "include": ["flows"] }',
    settings: { locale: "en", include: ["flows"] },
    problem: "1:18 invalid JSON: comments are not allowed in JSON",
  },
  "a block comment that is not closed (a comment first)": {
    text: '{ "locale": "en" /* ',
    settings: {},
    problem: "1:18 invalid JSON: comments are not allowed in JSON",
  },
  "broken beyond comments and commas (no settings)": {
    text: '{ "locale": "es", invalid json ',
    settings: {},
    problem: "1:19 invalid JSON: unexpected character",
  },
  "a missing comma": { text: '{ "locale": "es"\n  "outDir": "out" }', settings: {}, problem: "2:3 invalid JSON: expected ','" },
  "an unterminated string": { text: '{ "locale": "es', settings: {}, problem: "1:13 invalid JSON: unterminated string" },
  "text after the object": { text: "{} {}", settings: {}, problem: "1:4 invalid JSON: expected the end of the file" },
  "nesting deeper than the parser can follow (not an overflow of the stack)": {
    text: `{ "include": ${"[".repeat(20_000)}${"]".repeat(20_000)} }`,
    settings: {},
    problem: "1:113 invalid JSON: more than 100 nested arrays or objects",
  },
  "a syntax error before such nesting comes first": {
    text: `{ "locale": "es" "include": ${"[".repeat(200)} }`,
    settings: {},
    problem: "1:18 invalid JSON: expected ','",
  },
  "brackets in strings and comments do not nest": {
    text: `{ "$schema": "${"[".repeat(200)}" /* ${"{".repeat(200)} */ }`,
    settings: {},
    problem: "1:217 invalid JSON: comments are not allowed in JSON",
  },
  "a syntax error comes before a wrong setting": {
    text: '{ "locale": "fr", "timeZone": "UTC", }',
    settings: { timeZone: "UTC" },
    problem: "1:38 invalid JSON: expected a property name in double quotes",
  },

  // JSON, but not a valid fluxo.json: the problem points at the key (or the include entry).
  "not an object": { text: "\n[1]", settings: {}, problem: "2:1 expected a JSON object" },
  "an unknown key, with a suggestion": {
    text: '{ "locale": "es",\n  "locle": "en" }',
    settings: { locale: "es" },
    problem: '2:3 unknown setting "locle" (did you mean "locale"?); known settings: include, outDir, locale, timeZone',
  },
  "an unknown key, nothing close": {
    text: '{ "flows": ["x"] }',
    settings: {},
    problem: '1:3 unknown setting "flows"; known settings: include, outDir, locale, timeZone',
  },
  "an unknown locale (the other settings kept)": {
    text: '{\n  "locale": "fr",\n  "timeZone": "Europe/Lisbon"\n}',
    settings: { timeZone: "Europe/Lisbon" },
    problem: '2:3 "locale" must be one of "en", "pt-BR", "es"; found "fr"',
  },
  "a locale in the wrong case": { text: '{ "locale": "pt-br" }', settings: {}, problem: '1:3 "locale" must be one of "en", "pt-BR", "es"; found "pt-br"' },
  "an unknown time zone": {
    text: '{ "timeZone": "Nowhere/City" }',
    settings: {},
    problem: '1:3 "timeZone" must be an IANA time zone such as "UTC" or "America/Sao_Paulo"; found "Nowhere/City"',
  },
  "a time zone that is not a string": {
    text: '{ "timeZone": 3 }',
    settings: {},
    problem: '1:3 "timeZone" must be an IANA time zone such as "UTC" or "America/Sao_Paulo"; found 3',
  },
  "an empty outDir": { text: '{ "outDir": " " }', settings: {}, problem: '1:3 "outDir" must be a folder name; found " "' },
  "include as a string": {
    text: '{ "include": "flows" }',
    settings: {},
    problem: '1:3 "include" must be a non-empty list of folders, such as ["flows"]; found "flows"',
  },
  "an empty include": { text: '{ "include": [] }', settings: {}, problem: '1:3 "include" must be a non-empty list of folders, such as ["flows"]; found []' },
  "an empty include entry": {
    text: '{ "include": ["flows", ""] }',
    settings: {},
    problem: '1:3 "include" must be a non-empty list of folders, such as ["flows"]; found ["flows",""]',
  },
  "a missing include entry (include kept)": {
    text: '{ "include": ["flows",\n  "missing"] }',
    settings: { include: ["flows", "missing"] },
    problem: '2:3 "include" names "missing", which does not exist',
  },
  "an include entry that is a file but not a .flow file": {
    text: '{ "include": ["notes.txt"] }',
    settings: { include: ["notes.txt"] },
    problem: '1:15 "include" names "notes.txt", which is neither a folder nor a .flow file',
  },
  "the first problem in the CLI's order: unknown keys, locale, timeZone, outDir, include": {
    text: '{ "include": ["missing"], "outDir": "", "timeZone": "X", "locale": "fr", "extra": 1 }',
    settings: { include: ["missing"] },
    problem: '1:74 unknown setting "extra"; known settings: include, outDir, locale, timeZone',
  },
};

/** A result as the table writes it. */
function shown(text: string): Case {
  const { settings, problem } = parseProjectConfig(text, { exists });
  if (!problem) return { text, settings };
  const at = new LineIndex(text.replace(/^\uFEFF/, "")).positionAt(problem.offset);
  expect(problem.syntax).toBe(problem.message.startsWith("invalid JSON:"));
  return { text, settings, problem: `${at.line + 1}:${at.character + 1} ${problem.message}` };
}

describe("parseProjectConfig", () => {
  test.each(Object.entries(cases))("%s", (_, expected) => {
    expect(shown(expected.text)).toEqual(expected);
  });

  test("include entries are asked about as `resolve` makes them", () => {
    const asked: string[] = [];
    const result = parseProjectConfig('{ "include": ["flows", "main.flow/."] }', {
      exists: (entry) => (asked.push(entry), entry.endsWith(".flow") ? "file" : "folder"),
      resolve: (entry) => `/project/${entry.replace(/\/\.$/, "")}`,
    });
    expect(asked).toEqual(["/project/flows", "/project/main.flow"]);
    expect(result).toEqual({ settings: { include: ["flows", "main.flow/."] } });
  });
});
