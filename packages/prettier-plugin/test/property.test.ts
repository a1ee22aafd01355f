// Properties of the formatter (TOOLING §4, STYLE "Properties"), checked with
// fast-check and fixed seeds, so every run checks the same inputs:
//
// - idempotence: fmt(fmt(x)) == fmt(x);
// - the program is kept: the tree of fmt(x) equals the tree of x, ranges
//   aside (`syntaxDifference`);
// - a file with syntax errors is never changed (formatting refuses it).
//
// Inputs: the seed examples and the golden inputs with random layout
// perturbations (spaces, line breaks where the language allows them, blank
// lines, line / block / own-line comments; `perturb.ts`), and
// grammar-generated programs (`generate.ts`) perturbed the same way.
//
// A failure prints fast-check's shrunk counterexample (the file and the
// edits): replay it with `applyEdits`, or paste the text into a golden input.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import * as prettier from "prettier/standalone";
import { parse } from "@fluxo/compiler";
import { describe, expect, test } from "vitest";
import { FluxoSyntaxError, formatDocument, syntaxDifference } from "../src/api.js";
import plugin from "../src/index.js";
import { program } from "./generate.js";
import { applyBreakage, applyEdits, breakageArbitrary, editArbitrary, slotsOf } from "./perturb.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const readFlows = (folder: string, suffix = ".flow"): { name: string; text: string }[] =>
  fs
    .readdirSync(folder)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(folder, name), "utf8") }));

const examples = readFlows(path.join(repo, "examples"));
const goldenInputs = readFlows(fileURLToPath(new URL("./golden/", import.meta.url)), ".input.flow");
const seeds = [...examples, ...goldenInputs];

/** Checks both properties for one input; the input must parse without errors. */
async function checkFormatting(text: string): Promise<void> {
  const before = parse(text);
  const formatted = await formatDocument(text);
  const after = parse(formatted);
  expect(after.diagnostics).toEqual([]);
  expect(syntaxDifference(before.file, after.file)).toBeUndefined();
  expect(await formatDocument(formatted)).toBe(formatted);
}

/**
 * Runs per property. `FLUXO_PROPERTY_RUNS=20 FLUXO_PROPERTY_SEED=1 pnpm vitest run …`
 * searches harder, with other inputs (the test run itself uses the fixed seeds).
 */
const runScale = Number(process.env["FLUXO_PROPERTY_RUNS"] ?? 1);
const seedOffset = Number(process.env["FLUXO_PROPERTY_SEED"] ?? 0);
const timeout = 60_000 * Math.max(1, runScale);
const settings = (seed: number, numRuns: number): fc.Parameters<unknown> => ({ seed: seed + seedOffset, numRuns: numRuns * runScale });

const seedSlots = new Map(seeds.map((seed) => [seed.name, slotsOf(seed.text)]));

/** A seed file with random layout edits, when the result still parses without errors. */
const perturbedSeed = fc
  .tuple(fc.constantFrom(...seeds), fc.array(editArbitrary, { minLength: 1, maxLength: 16 }))
  .map(([seed, edits]) => ({ name: seed.name, text: applyEdits(seed.text, seedSlots.get(seed.name)!, edits) }));

const perturbedProgram = fc
  .tuple(program, fc.array(editArbitrary, { maxLength: 10 }))
  .map(([text, edits]) => applyEdits(text, slotsOf(text), edits));

describe("formatting properties", () => {
  test("every seed file is formatted to a fixed point with the same program", async () => {
    for (const seed of seeds) await checkFormatting(seed.text);
  });

  test("perturbed examples and golden inputs: idempotent, same program", async () => {
    await fc.assert(
      fc.asyncProperty(perturbedSeed, async ({ text }) => {
        fc.pre(parse(text).diagnostics.length === 0);
        await checkFormatting(text);
      }),
      settings(20261124, 200),
    );
  }, timeout);

  test("generated programs, perturbed: idempotent, same program", async () => {
    await fc.assert(
      fc.asyncProperty(perturbedProgram, async (text) => {
        fc.pre(parse(text).diagnostics.length === 0);
        await checkFormatting(text);
      }),
      settings(424242, 250),
    );
  }, timeout);

  test("the generators mostly produce valid programs (so the properties above check something)", () => {
    const samples = fc.sample(perturbedProgram, { seed: 424242, numRuns: 100 });
    const valid = samples.filter((text) => parse(text).diagnostics.length === 0);
    expect(valid.length).toBeGreaterThan(80);
    const perturbed = fc.sample(perturbedSeed, { seed: 20261124, numRuns: 100 });
    expect(perturbed.filter(({ text }) => parse(text).diagnostics.length === 0).length).toBeGreaterThan(80);
  });

  test("a file with syntax errors is refused, never changed", async () => {
    const brokenSeed = fc
      .tuple(fc.constantFrom(...seeds), breakageArbitrary)
      .map(([seed, breakage]) => applyBreakage(seed.text, seedSlots.get(seed.name)!, breakage));
    await fc.assert(
      fc.asyncProperty(brokenSeed, async (text) => {
        fc.pre(parse(text).diagnostics.length > 0);
        await expect(formatDocument(text)).rejects.toBeInstanceOf(FluxoSyntaxError);
        await expect(prettier.format(text, { parser: "fluxo", plugins: [plugin] })).rejects.toThrow(/syntax errors/);
      }),
      settings(7, 80),
    );
  }, timeout);
});
