// Golden tests of the formatter: every `golden/*.input.flow` (badly
// formatted programs covering every construct of the language, and
// comments, blank lines, block strings and line widths) is formatted, and
// the result is compared with `golden/*.output.flow` (`pnpm test -u` writes
// it; review the diff). Each output must also be a fixed point and the same
// program as its input.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "@fluxo/compiler";
import { describe, expect, test } from "vitest";
import { formatDocument, syntaxDifference } from "../src/api.js";

const folder = fileURLToPath(new URL("./golden/", import.meta.url));
const inputs = fs
  .readdirSync(folder)
  .filter((name) => name.endsWith(".input.flow"))
  .sort();

describe("golden files", () => {
  test("there is a golden input for each area of the language", () => {
    expect(inputs.map((name) => name.replace(".input.flow", ""))).toEqual(
      expect.arrayContaining(["declarations", "statements", "expressions", "tests", "comments", "blank-lines", "block-strings", "width", "arms"]),
    );
  });

  for (const name of inputs) {
    test(name.replace(".input.flow", ""), async () => {
      const input = fs.readFileSync(path.join(folder, name), "utf8");
      expect(parse(input).diagnostics).toEqual([]);
      const output = await formatDocument(input);
      await expect(output).toMatchFileSnapshot(path.join(folder, name.replace(".input.flow", ".output.flow")));
      expect(await formatDocument(output)).toBe(output);
      expect(syntaxDifference(parse(input).file, parse(output).file)).toBeUndefined();
    });
  }
});
