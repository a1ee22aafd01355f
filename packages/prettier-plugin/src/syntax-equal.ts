//! "The same program": the comparison of two parse trees that the formatter
//! must keep equal (TOOLING §4: formatting never changes what a program
//! means). Ranges are left out (layout moves every node), and so is the
//! file's `uri`. Comments are compared in order, by their text with each
//! line trimmed (the formatter trims trailing blanks of line comments and
//! re-indents the lines of `/* … */` comments); doc comments (`doc`) the
//! same way.
//!
//! The trees are walked side by side, without copies: the API compares the
//! input and the output of every formatting run.

import type { SourceFile } from "@fluxo/compiler";

function normalizeText(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .join("\n");
}

/** Keys that are not part of the program. */
const ignored = new Set(["start", "end", "uri"]);

function comparable(value: unknown, key: string, parent: Record<string, unknown> | undefined): unknown {
  if (typeof value === "string" && (key === "doc" || (key === "text" && parent?.["kind"] === "Comment"))) {
    return normalizeText(value);
  }
  return value;
}

/** A copy of a parse tree without ranges, as plain data (what `syntaxDifference` compares). */
export function syntaxOf(file: SourceFile): unknown {
  const strip = (value: unknown, key: string, parent: Record<string, unknown> | undefined): unknown => {
    if (Array.isArray(value)) return value.map((item) => strip(item, "", undefined));
    if (value === null || typeof value !== "object") return comparable(value, key, parent);
    const node = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(node).sort()) {
      if (ignored.has(name) || node[name] === undefined) continue;
      out[name] = strip(node[name], name, node);
    }
    return out;
  };
  return strip(file, "", undefined);
}

/**
 * Where two parse trees differ, as a path and the two values
 * (`declarations.0.body.2.text.parts.0.value: "a" ≠ "b"`), or undefined
 * when they are the same program.
 */
export function syntaxDifference(before: SourceFile, after: SourceFile): string | undefined {
  const walk = (a: unknown, b: unknown, at: string): string | undefined => {
    if (Object.is(a, b)) return undefined;
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b)) return `${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
      if (a.length !== b.length) return `${at}: ${a.length} items ≠ ${b.length} items`;
      for (let i = 0; i < a.length; i++) {
        const found = walk(a[i], b[i], `${at}.${i}`);
        if (found) return found;
      }
      return undefined;
    }
    if (a && b && typeof a === "object" && typeof b === "object") {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const key of keys) {
        if (ignored.has(key)) continue;
        const found = walk(comparable(x[key], key, x), comparable(y[key], key, y), at ? `${at}.${key}` : key);
        if (found) return found;
      }
      return undefined;
    }
    return `${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  };
  return walk(before, after, "");
}

/** Whether two parse trees are the same program (see the module comment). */
export function syntaxEquals(before: SourceFile, after: SourceFile): boolean {
  return syntaxDifference(before, after) === undefined;
}
