//! Benchmark "size": what the runtime costs to ship, next to inkjs's
//! runtime-only build.
//!
//! `@fluxo/runtime` is bundled by esbuild from its build output
//! (`packages/runtime/dist/index.js`: ESM, platform neutral, as a browser or
//! edge-worker bundler would), once as is and once minified; the minified
//! file is gzipped (node:zlib, level 9) and brotli-compressed. inkjs ships
//! minified already (terser); its runtime-only ES module (`dist/ink.mjs`,
//! what `import "inkjs"` loads) goes through the same esbuild minification
//! and compression, so both sides are measured by the same tools.

import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { fmt } from "./harness.mjs";

export const name = "size";
export const description = "the runtime bundled by esbuild (ESM, minified) and gzipped, next to inkjs's runtime-only build";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNTIME_ENTRY = join(ROOT, "packages/runtime/dist/index.js");

/** A module importing only what a host that runs bundles needs. */
const ENGINE_ONLY = `export { loadBundle, createEngine } from ${JSON.stringify("./" + relative(ROOT, RUNTIME_ENTRY).split("\\").join("/"))};`;

/** Targets of the brief, printed next to the figures (never enforced). */
const TARGET_GZIP_BYTES = 10 * 1024;

/**
 * @returns {Promise<import("./harness.mjs").Section[]>}
 */
export async function run() {
  const inkEsm = fileURLToPath(import.meta.resolve("inkjs")); // the "import" condition: dist/ink.mjs, runtime only
  const inkUmd = join(dirname(inkEsm), "ink.js");

  const fluxo = await measure("fluxo @fluxo/runtime (all exports)", { entry: RUNTIME_ENTRY });
  // A host that only runs bundles imports these two; the package has no side
  // effects, so a bundler drops the rest (locale helpers, reply parsing…).
  const engineOnly = await measure("fluxo loadBundle + createEngine only", {
    contents: ENGINE_ONLY,
  });
  const ink = await measure("inkjs runtime (dist/ink.mjs)", { entry: inkEsm, shipped: true });
  const inkUmdSize = await measure("inkjs runtime (dist/ink.js, UMD)", { entry: inkUmd, shipped: true });
  const subjects = [fluxo, engineOnly, ink, inkUmdSize];

  const r = (a, b) => `${fmt(a / b, 2)}`;
  const notes = [
    `raw: for fluxo the esbuild bundle before minification; for inkjs the file as shipped (already minified by terser). min: esbuild --minify of that bundle. gzip: level 9 of min. brotli: quality 11 of min.`,
    `fluxo gzipped: ${fmt(fluxo.gzip)} bytes = ${fmt(fluxo.gzip / 1024, 1)} KiB (target ≤ ${fmt(TARGET_GZIP_BYTES / 1024)} KiB); loadBundle + createEngine only: ${fmt(engineOnly.gzip / 1024, 1)} KiB`,
    `ratio fluxo / inkjs (ink.mjs), gzipped (target ≤ 0.33): ${r(fluxo.gzip, ink.gzip)} all exports, ${r(engineOnly.gzip, ink.gzip)} engine only; minified: ${r(fluxo.min, ink.min)}`,
    `inkjs: esbuild's minification of the shipped file: ${fmt(ink.raw)} → ${fmt(ink.min)} bytes`,
    `largest modules of the minified fluxo runtime (bytes in output): ${fluxo.modules
      .slice(0, 8)
      .map((m) => `${m.path.replace(/^packages\/runtime\/dist\//, "")} ${fmt(m.bytes)}`)
      .join(", ")}`,
  ];
  // Bundlers keep `//!` and `/*!` comments as legal notices; module docs written that way would ship in every host's bundle.
  notes.push(`comments esbuild kept in the minified fluxo runtime (legal comments, //! or /*!): ${fmt(fluxo.legalComments)} bytes`);
  if (fluxo.warnings.length > 0) notes.push(`esbuild warnings on the runtime: ${fluxo.warnings.join("; ")}`);

  const features = await featureCosts(engineOnly);
  return [
    {
      title: `size: ${description}`,
      columns: ["subject", "raw bytes", "min bytes", "gzip bytes", "brotli bytes", "gzip KiB"],
      rows: subjects.map((s) => [s.subject, fmt(s.raw), fmt(s.min), fmt(s.gzip), fmt(s.brotli), fmt(s.gzip / 1024, 1)]),
      notes,
      data: subjects,
    },
    features,
  ];
}

/**
 * What the runtime's larger features cost: `loadBundle` + `createEngine`
 * bundled again with one module (or all of them) replaced by a stub that
 * exports the same names (functions that throw, classes, and the constants'
 * values), so nothing else changes. The engine's own code for a feature
 * (calling it, its messages) stays, so each figure is a lower bound of what
 * the feature costs.
 * @param {Awaited<ReturnType<typeof measure>>} engineOnly
 * @returns {Promise<import("./harness.mjs").Section>}
 */
async function featureCosts(engineOnly) {
  const FEATURES = [
    ["HTTP actions", "http.js"],
    ["redeploys", "redeploy.js"],
    ["pattern safety (matches)", "pattern.js"],
    ["bundle and state shape checks", "load.js"],
  ];
  const rows = [];
  const data = [];
  const without = async (label, files) => {
    const stubs = Object.fromEntries(await Promise.all(files.map(async (file) => [join(dirname(RUNTIME_ENTRY), file), await stubOf(join(dirname(RUNTIME_ENTRY), file))])));
    const m = await measure(label, { contents: ENGINE_ONLY, plugins: [{ name: "stub", setup: (b) => b.onLoad({ filter: /\.js$/ }, (a) => (a.path in stubs ? { contents: stubs[a.path], loader: "js" } : undefined)) }] });
    rows.push([label, fmt(m.min), fmt(engineOnly.min - m.min), fmt(m.gzip), fmt(engineOnly.gzip - m.gzip), fmt(m.gzip / 1024, 1)]);
    data.push({ subject: label, min: m.min, gzip: m.gzip, savedGzip: engineOnly.gzip - m.gzip });
    return m;
  };
  rows.push(["loadBundle + createEngine (all features)", fmt(engineOnly.min), "0", fmt(engineOnly.gzip), "0", fmt(engineOnly.gzip / 1024, 1)]);
  for (const [feature, file] of FEATURES) await without(`without ${feature} (${file})`, [file]);
  const bare = await without("without all four", FEATURES.map(([, file]) => file));
  return {
    title: "size by feature: loadBundle + createEngine with a module replaced by a stub",
    columns: ["subject", "min bytes", "min saved", "gzip bytes", "gzip saved", "gzip KiB"],
    rows,
    notes: [
      `the stubs export the module's names (functions that throw, classes, constants); the engine's own code for each feature stays, so a saving is a lower bound of the feature's cost`,
      `the runtime without all four features is ${fmt(bare.gzip)} bytes = ${fmt(bare.gzip / 1024, 1)} KiB gzipped, against the target of ${fmt(TARGET_GZIP_BYTES / 1024)} KiB for the runtime with them`,
    ],
    data,
  };
}

/**
 * A module with the same exports as the built module at `file`, and no code
 * behind them.
 * @param {string} file
 */
async function stubOf(file) {
  const module = await import(pathToFileURL(file).href);
  return Object.entries(module)
    .map(([name, value]) => {
      if (typeof value !== "function") return `export const ${name} = ${JSON.stringify(value) ?? "undefined"};`;
      if (/^class\b/.test(Function.prototype.toString.call(value))) return `export class ${name} extends Error {}`;
      return `export function ${name}() { throw new Error("stub"); }`;
    })
    .join("\n");
}

/**
 * Bundles `entry` (or the module `contents`) with esbuild, unminified and
 * minified, and compresses the minified output.
 * @param {string} subject
 * @param {{ entry?: string, contents?: string, shipped?: boolean, plugins?: import("esbuild").Plugin[] }} input  shipped: raw is the file itself; plugins: esbuild plugins (the stubs of the feature costs)
 */
async function measure(subject, { entry, contents, shipped = false, plugins = [] }) {
  const common = {
    ...(entry ? { entryPoints: [entry] } : { stdin: { contents, resolveDir: ROOT, sourcefile: "entry.mjs", loader: "js" } }),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: ROOT,
    plugins,
  };
  const plain = await build({ ...common, minify: false });
  const minified = await build({ ...common, minify: true });
  const code = minified.outputFiles[0].contents;
  const output = Object.values(minified.metafile.outputs)[0];
  const modules = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return {
    subject,
    entry: entry ? relative(ROOT, entry) : "(stdin)",
    raw: shipped ? readFileSync(/** @type {string} */ (entry)).length : plain.outputFiles[0].contents.length,
    min: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    modules,
    legalComments: new TextDecoder().decode(code).match(/\/\/!.*|\/\*![\s\S]*?\*\//g)?.join("").length ?? 0,
    warnings: [...plain.warnings, ...minified.warnings].map((w) => w.text),
  };
}
