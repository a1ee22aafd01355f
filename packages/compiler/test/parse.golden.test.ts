//! Golden parse trees: every `parse/*.flow` fixture is parsed and its AST and
//! diagnostics, rendered by `print-ast.ts`, are compared with `<name>.ast`
//! beside it. `pnpm test -u` (vitest -u) rewrites the goldens; review them as
//! diffs against LANGUAGE.md, never accept them blind.
//!
//! Fixtures named `errors-*` hold syntax errors; every other fixture must
//! parse without a diagnostic. A `// FIXME:` comment in a fixture marks a line
//! whose golden records a known parser bug (today's behaviour).

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "@fluxo/compiler";
import { describe, expect, it } from "vitest";
import { printParse } from "./print-ast.js";

const directory = fileURLToPath(new URL("./parse/", import.meta.url));
const fixtures = readdirSync(directory)
  .filter((name) => name.endsWith(".flow"))
  .sort();

describe("golden parse trees", () => {
  it("finds the fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  it.each(fixtures)("%s", async (name) => {
    const text = readFileSync(new URL(`./parse/${name}`, import.meta.url), "utf8");
    const { file, diagnostics } = parse(text, name);
    await expect(printParse(text, file, diagnostics)).toMatchFileSnapshot(`./parse/${name.replace(/\.flow$/, ".ast")}`);
    if (!name.startsWith("errors-")) expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});
