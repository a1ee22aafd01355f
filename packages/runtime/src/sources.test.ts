import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// What the runtime's sources must not contain for its size: bundlers and
// minifiers (esbuild, terser) keep `//!` and `/*!` comments as legal notices,
// so module docs written that way end up in every host's bundle (they were
// about 20 KB of the minified runtime). Module comments here are plain `//`.
describe("runtime sources", () => {
  it("have no comment a bundler would keep as a legal comment", () => {
    const dir = path.dirname(fileURLToPath(import.meta.url));
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      expect(text, file).not.toMatch(/\/\/!|\/\*!|@license|@preserve/);
    }
  });
});
