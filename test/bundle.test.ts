//! The main entries of @fluxo/compiler and @fluxo/language-service bundle with
//! esbuild's defaults and load (STYLE.md invariant 4: the language service,
//! and so the compiler under it, serves a web editor as well as the server). A dependency that only bundles
//! with a `mainFields` override (jsonc-parser, whose UMD `main` requires files
//! esbuild cannot see) belongs behind a subpath export, as the `fluxo.json`
//! rules are (`@fluxo/compiler/project-config`).
//!
//! The bundle is made as a consumer makes it: `import … from "@fluxo/…"`
//! resolved through the package's `exports` from a directory that depends on
//! it. The `source` condition picks the TypeScript sources (the module graph
//! `dist` is built from) so the test needs no build.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Platform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packages = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../packages");

/** Each entry, with a check that the loaded bundle works. */
const entries: { name: string; dir: string; works: (module: any) => void }[] = [
  {
    name: "@fluxo/compiler",
    dir: "compiler",
    works: (compiler: typeof import("@fluxo/compiler")) => {
      const program = compiler.createProgram([{ uri, text }]);
      expect(program.getDiagnostics(uri).map((d) => d.code)).toEqual(["FX2002"]);
    },
  },
  {
    name: "@fluxo/language-service",
    dir: "language-service",
    works: (service: typeof import("@fluxo/language-service")) => {
      expect(typeof service.getDiagnostics).toBe("function");
      expect(typeof service.getCompletions).toBe("function");
    },
  },
];
const uri = "file:///a.flow";
const text = "flow a {\n    goto nowhere\n}\n";

/** Packages the main entry must not pull in, with why. */
const excluded: Record<string, string> = {
  "jsonc-parser": "its UMD build fails at load in a default Node bundle; fluxo.json is read through @fluxo/compiler/project-config",
};

const platforms: Platform[] = ["browser", "node"];

const cases = entries.flatMap((entry) => platforms.map((platform) => ({ ...entry, platform })));

describe("main entries bundled with esbuild's defaults", () => {
  let consumer: string;
  beforeAll(() => {
    consumer = fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-bundle-"));
    fs.mkdirSync(path.join(consumer, "node_modules/@fluxo"), { recursive: true });
    for (const { name, dir } of entries) fs.symlinkSync(path.join(packages, dir), path.join(consumer, "node_modules", name), "dir");
  });
  afterAll(() => fs.rmSync(consumer, { recursive: true, force: true }));

  it.each(cases)("$name, platform $platform: builds without the excluded packages and loads", async ({ name, dir, platform, works }) => {
    const outfile = path.join(consumer, `${dir}-${platform}.mjs`);
    const result = await build({
      stdin: { contents: `export * from "${name}";`, resolveDir: consumer, loader: "js" },
      bundle: true,
      platform,
      format: "esm",
      outfile,
      conditions: ["source"],
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    for (const [excludedName, why] of Object.entries(excluded)) {
      expect(inputs.filter((input) => input.includes(`/${excludedName}/`)), `${excludedName}: ${why}`).toEqual([]);
    }
    works(await import(pathToFileURL(outfile).href));
  });
});
