//! `fluxo test [paths…] [--coverage] [--bundle FILE] [--watch]`: runs the
//! `test` blocks of the projects (LANGUAGE §7). Prints each test's name and
//! outcome; a failure shows the expected and actual transcripts side by side
//! with the first difference marked and where the failing statement is; the
//! output ends with `N passed, N failed`. Exit 0 when all pass, 1 otherwise
//! (also when the program has errors: tests do not run then).
//!
//! By default the tests run against a bundle lowered in memory; `--bundle`
//! runs them against a `flows.json` written by `fluxo build` instead.

import fs from "node:fs";
import path from "node:path";
import { lowerProgram, lowerTests, type TestCase } from "@fluxo/compiler";
import { loadBundle } from "@fluxo/runtime";
import type { Bundle } from "@fluxo/runtime/bundle";
import pc from "picocolors";
import { shouldColor, type CliContext } from "../context.js";
import { CliError, describeFsError } from "../errors.js";
import { displayPath } from "../files.js";
import { reportOf, writeReport } from "../output.js";
import { exitStatus } from "../report.js";
import { runTests, type Coverage, type TestResult } from "../test-runner.js";
import { watchCheck } from "../watch.js";
import { uriToPath, Workspace } from "../workspace.js";
import { isTestedFile } from "../project.js";

export interface TestSettings {
  paths: string[];
  coverage: boolean;
  bundle?: string;
  watch: boolean;
  verbose: boolean;
}

function readBundle(file: string, context: CliContext): Bundle {
  const shown = displayPath(file, context.cwd);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${shown}: ${describeFsError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${shown} is not JSON: ${(error as Error).message}`);
  }
  try {
    return loadBundle(json);
  } catch (error) {
    throw new CliError(`${shown} is not a valid bundle: ${(error as Error).message}`);
  }
}

/** Side by side: expected (left) and actual (right), `>` on the first differing row. */
function sideBySide(expected: string[], actual: string[], difference: number): string[] {
  const width = Math.min(60, Math.max(8, ...expected.map((l) => l.length)));
  const clip = (text: string): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
  const rows = Math.max(expected.length, actual.length);
  const lines = [`      ${"expected".padEnd(width)}   actual`];
  for (let i = 0; i < rows; i++) {
    const marker = i === difference ? ">" : " ";
    lines.push(`    ${marker} ${clip(expected[i] ?? "").padEnd(width)}   ${actual[i] ?? ""}`);
  }
  return lines;
}

function report(results: TestResult[], context: CliContext, color: boolean): void {
  const green = color ? pc.green : (s: string) => s;
  const red = color ? pc.red : (s: string) => s;
  const dim = color ? pc.dim : (s: string) => s;
  for (const result of results) {
    const location = `${displayPath(uriToPath(result.test.at.uri), context.cwd)}:${result.test.at.line}`;
    if (result.passed) {
      context.stdout.write(`${green("✓")} ${result.test.name} ${dim(`(${location})`)}\n`);
      continue;
    }
    const failure = result.failure!;
    context.stdout.write(`${red("✗")} ${result.test.name} ${dim(`(${location})`)}\n`);
    context.stdout.write(`    ${displayPath(uriToPath(failure.at.uri), context.cwd)}:${failure.at.line}:${failure.at.column}: ${failure.message}\n`);
    for (const line of sideBySide(failure.expected, failure.actual, failure.difference)) context.stdout.write(`${line}\n`);
  }
}

/** How the coverage report names an instruction: the words of the statement it comes from, not the bundle's opcode. */
const statementWords: Record<Bundle["flows"][string]["code"][number]["op"], string> = {
  say: "say",
  media: "say (media)",
  wait: "wait",
  ask: "ask",
  askFrom: "ask … from",
  choose: "choose",
  set: "let, var or set",
  call: "action call",
  run: "run",
  jump: "goto",
  branch: "if",
  match: "match",
  random: "random",
  end: "end",
  handoff: "handoff",
  return: "return",
};

function coverageReport(bundle: Bundle, coverage: Coverage, context: CliContext, root: string): void {
  context.stdout.write("\nCoverage: statements and options no test reached\n");
  let missing = 0;
  for (const [name, flow] of Object.entries(bundle.flows)) {
    const reached = coverage.get(name) ?? new Set<number>();
    const lines: string[] = [];
    flow.code.forEach((instruction, pc) => {
      // Jumps and the implicit returns at the end of a body or step are not statements of the source.
      if (instruction.op === "jump") return;
      if (instruction.op === "return" && instruction.value === null && (pc === flow.code.length - 1 || flow.code[pc + 1] === undefined || Object.values(flow.steps).includes(pc + 1))) return;
      const where = (at: number): string => {
        const [file, line, column] = flow.map[at] ?? [0, 0, 0];
        return displayPath(`${path.join(root, bundle.sources[file] ?? "?")}:${line}:${column}`, context.cwd);
      };
      if (!reached.has(pc)) lines.push(`    ${where(pc)}  ${statementWords[instruction.op]}`);
      if (instruction.op === "choose") {
        // The choose is followed by the jump over its arms (lower-ir); an option
        // with an arm (`=> statement`) goes to the arm's first instruction, which
        // is where the option is reported. An option without one goes past the
        // arms, as every such option does.
        const jumpOver = flow.code[pc + 1];
        const after = jumpOver?.op === "jump" ? jumpOver.to : undefined;
        for (const option of instruction.options) {
          const target = flow.code[option.then];
          if (reached.has(option.then) || !target) continue;
          if (option.then !== after) lines.push(`    ${where(option.then)}  option ${JSON.stringify(option.label)}`);
          else if (target.op !== "jump") lines.push(`    ${where(pc)}  option ${JSON.stringify(option.label)}`);
        }
      }
    });
    if (lines.length === 0) continue;
    missing += lines.length;
    context.stdout.write(`  flow ${name}:\n${lines.join("\n")}\n`);
  }
  if (missing === 0) context.stdout.write("  everything was reached\n");
}

async function runWorkspace(workspace: Workspace, settings: TestSettings, context: CliContext): Promise<number> {
  const checked = reportOf(workspace);
  if (exitStatus(checked) !== 0) {
    writeReport(checked, { paths: settings.paths, format: "pretty", watch: false, verbose: settings.verbose }, context);
    context.stdout.write("0 passed, 0 failed\n");
    context.stderr.write("fluxo: test: the program has errors; fix them to run its tests\n");
    return 1;
  }
  if (settings.bundle !== undefined && workspace.projects.length > 1) {
    throw new CliError(`--bundle names one bundle, but the paths belong to ${workspace.projects.length} projects`);
  }
  const color = shouldColor(context.stdout, context.env, undefined);
  const all: TestResult[] = [];
  for (const loaded of workspace.projects) {
    const root = loaded.project.config?.root ?? context.cwd;
    const bundle = settings.bundle !== undefined
      ? readBundle(path.resolve(context.cwd, settings.bundle), context)
      : lowerProgram(loaded.program, { sourceName: (uri) => path.relative(root, uriToPath(uri)).split(path.sep).join("/") });
    const tests: TestCase[] = lowerTests(loaded.program, (uri) => isTestedFile(loaded.project, uriToPath(uri)));
    const coverage: Coverage | undefined = settings.coverage ? new Map() : undefined;
    const results = await runTests(bundle, tests, coverage);
    report(results, context, color);
    if (coverage) coverageReport(bundle, coverage, context, root);
    all.push(...results);
  }
  const passed = all.filter((r) => r.passed).length;
  const failed = all.length - passed;
  context.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

export async function test(settings: TestSettings, context: CliContext): Promise<number> {
  if (settings.watch) {
    return watchCheck(settings, context, async (workspace) => {
      try {
        await runWorkspace(workspace, settings, context);
      } catch (error) {
        if (error instanceof CliError) context.stderr.write(`fluxo: error: ${error.message}\n`);
        else throw error;
      }
    });
  }
  return runWorkspace(Workspace.load(settings.paths, context.cwd), settings, context);
}
