//! Checker fixtures with syntax errors (STYLE.md, "Tests are data"): each
//! `check-with-syntax-errors/*.flow` is a file whose every diagnostic, the
//! checker's and the parser's, is written under the code in the full form
//! of `annotations.ts`. They show what the checker makes of the tree the
//! parser recovered (`check.test.ts` keeps its fixtures to one code each).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createProgram } from "@fluxo/compiler";
import { describe, expect, it } from "vitest";
import { compareAnnotations, formatMismatch, readAnnotations } from "./annotations.js";

const fixturesDir = fileURLToPath(new URL("./check-with-syntax-errors/", import.meta.url));
const fixtures = readdirSync(fixturesDir).filter((name) => name.endsWith(".flow")).sort();

describe("checker fixtures with syntax errors", () => {
  it.each(fixtures)("%s", (name) => {
    const uri = pathToFileURL(join(fixturesDir, name)).href;
    const text = readFileSync(join(fixturesDir, name), "utf8");
    // Full form, and related information checked exactly.
    const expected = readAnnotations(text).map((e) => ({ ...e, related: e.related ?? [] }));
    const loose = expected.filter((e) => e.severity === undefined || e.endLine === undefined || e.message === undefined);
    expect(loose.map((e) => `${e.line}:${e.column} ${e.code}`), "annotations in the full form").toEqual([]);
    expect(expected.some((e) => e.code.startsWith("FX1")), "a syntax error").toBe(true);
    const program = createProgram([{ uri, text }], { locale: "pt-BR", timeZone: "America/Sao_Paulo" });
    expect(formatMismatch(text, compareAnnotations(text, program.getDiagnostics(uri), expected))).toBe("");
  });
});
