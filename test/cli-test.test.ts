// `fluxo test` failure reports (TOOLING §1, LANGUAGE §7): the expected and
// actual transcripts line up event by event (`action` and `wait` events
// included), the `>` marker is on the first row that differs, and a failure
// is located at the statement that failed; `--coverage` places an option at
// the option, not at its `choose`.
//
// The fixture `test/fixtures/cli/test-report` is copied to a temporary folder
// (no `fluxo.json` of the repository above it) and run in this process with
// `main`, as `fluxoInProcess` does in cli.test.ts; the rendered outputs are
// golden files in `test/fixtures/cli/golden/` (`pnpm test -u` accepts new ones).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { runFluxo } from "../packages/cli/test/in-process.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const fixtures = path.join(repo, "test/fixtures/cli");
const golden = (name: string): string => path.join(fixtures, "golden", name);

const temporaryFolders: string[] = [];
afterAll(() => {
  for (const folder of temporaryFolders) fs.rmSync(folder, { recursive: true, force: true });
});

/** A copy of `test/fixtures/cli/<name>` in a temporary folder. */
function copyFixture(name: string): string {
  const folder = path.join(fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-cli-test-"))), name);
  temporaryFolders.push(path.dirname(folder));
  fs.cpSync(path.join(fixtures, name), folder, { recursive: true });
  return folder;
}

const fluxo = runFluxo;

/** The report of the test named `name`: its header line up to the next test. */
function reportOf(stdout: string, name: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`✗ ${name} (`));
  expect(start, `no failure report for ${name}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start && /^(✓|✗) |^$/.test(line));
  return lines.slice(start, end);
}

/** The rows of a side-by-side transcript as [marked, expected, actual]. */
function rowsOf(report: string[]): [boolean, string, string][] {
  const header = report.findIndex((line) => /^ {6}expected +actual$/.test(line));
  const width = report[header]!.indexOf("actual") - 6;
  return report.slice(header + 1).map((line) => [line[4] === ">", line.slice(6, 6 + width).trim(), line.slice(6 + width).trim()]);
}

describe("fluxo test: failure reports", () => {
  test("transcripts line up event by event; the marker is on the first differing row; locations are the failing statements", async () => {
    const run = await fluxo(["test"], copyFixture("test-report"));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    await expect(run.stdout).toMatchFileSnapshot(golden("test-report.txt"));

    // Three expected actions, then a wrong `say`: the marker is on the `say` row, against the `say` that happened.
    const actions = reportOf(run.stdout, "say errado depois de três ações");
    expect(actions[1]).toMatch(/olhar\.test\.flow:11:5: expected say "hoje errado", found say "hoje certo"$/);
    expect(rowsOf(actions)).toEqual([
      [false, 'action look("a")', 'action look("a")'],
      [false, 'action look("b")', 'action look("b")'],
      [false, 'action tag("t")', 'action tag("t")'],
      [true, 'say "hoje errado"', 'say "hoje certo"'],
      [false, "", "wait 2000ms"],
      [false, "", 'say "depois da pausa"'],
      [false, "", 'end "done"'],
    ]);

    // Skipped `action` and `wait` events are rows of their own and never the difference.
    const pause = rowsOf(reportOf(run.stdout, "say errado depois de uma pausa"));
    expect(pause.filter(([marked]) => marked)).toEqual([[true, 'say "outra coisa"', 'say "depois da pausa"']]);
    expect(pause[4]).toEqual([false, "", "wait 2000ms"]);

    // A missing mock is located at the statement that started the run, not at the test's header (line 23).
    const mock = reportOf(run.stdout, "ação sem mock");
    expect(mock[1]).toMatch(/olhar\.test\.flow:24:5: call of action look\("a"\) has no mock/);
    expect(rowsOf(mock).filter(([marked]) => marked)).toEqual([[true, "", "error action: action 'look' failed: threw: no mock for look"]]);

    // A refused `timeout` is located at the `timeout` (line 31), not at the test's header (line 28).
    const timeout = reportOf(run.stdout, "timeout recusado");
    expect(timeout[1]).toMatch(/olhar\.test\.flow:31:5: the engine refused the turn: the pending question has no timeout$/);

    // An expectation over several lines is one row, rendered as its event is.
    expect(rowsOf(reportOf(run.stdout, "expectativa em várias linhas"))[1]).toEqual([false, 'action look("b")', 'action look("b")']);

    expect(run.stdout).toMatch(/^1 passed, 5 failed$/m);
  });

  test("a call no mock matches suggests a mock that checks: `returns` only for an action with a result", async () => {
    const run = await fluxo(["test"], copyFixture("test-mock-hint"));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    await expect(run.stdout).toMatchFileSnapshot(golden("test-mock-hint.txt"));
    // `action fire(x: string)` has no result: `mock fire(…) returns …` would be FX3001 (LANGUAGE §7).
    expect(reportOf(run.stdout, "ação sem resultado, sem mock")[1]).toMatch(
      /alerta\.test\.flow:4:5: call of action fire\("a"\) has no mock \(add: mock fire\(…\)\)$/,
    );
    expect(reportOf(run.stdout, "ação com resultado, sem mock")[1]).toMatch(
      /alerta\.test\.flow:9:5: call of action lookup\("1"\) has no mock \(add: mock lookup\(…\) returns …\)$/,
    );
    // The suggested forms, written out, pass.
    expect(run.stdout).toMatch(/^2 passed, 2 failed$/m);
  });

  test("a test's interpolations show values in the project's locale, as the flow's messages do; a call's left-out optional arguments are null", async () => {
    const run = await fluxo(["test"], copyFixture("test-locale"));
    expect(run.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(run.code).toBe(0);
  });

  test("an event left at the end of a test is reported at the test's closing brace", async () => {
    const run = await fluxo(["test"], copyFixture("test-end"));
    expect(run.code).toBe(1);
    expect(reportOf(run.stdout, "esquece a despedida")[1]).toMatch(/^ {4}fim\.flow:10:1: unexpected say "tchau" before the end of the test$/);
  });

  test("--coverage names statements by their words, not by the bundle's opcodes", async () => {
    const run = await fluxo(["test", "--coverage"], copyFixture("test-coverage-words"));
    expect(run.code).toBe(0);
    const coverage = run.stdout.slice(run.stdout.indexOf("\nCoverage:") + 1);
    expect(coverage.split("\n").slice(1, 6)).toEqual([
      "  flow pedido:",
      "    pedido.flow:6:9  let, var or set",
      "    pedido.flow:7:9  action call",
      "    pedido.flow:8:9  wait",
      "    pedido.flow:9:9  handoff",
    ]);
  });

  test("--coverage places an unreached option at its arm, not at its choose", async () => {
    const run = await fluxo(["test", "--coverage"], copyFixture("test-report"));
    expect(run.code).toBe(1);
    const coverage = run.stdout.slice(run.stdout.indexOf("\nCoverage:") + 1);
    await expect(coverage).toMatchFileSnapshot(golden("test-report.coverage.txt"));
    // `choose` is on line 23; "Bloco" has a block arm (first statement on line 26), "Pular" a `goto` arm on line 28.
    expect(coverage).toContain('olhar.flow:26:13  option "Bloco"');
    expect(coverage).toContain('olhar.flow:28:27  option "Pular"');
    expect(coverage).not.toMatch(/olhar\.flow:23:\d+ +option/);
    // Options that were reached, or that have no arm of their own, are not listed.
    expect(coverage).not.toContain('option "Dizer"');
    expect(coverage).not.toContain('option "Seguir"');
  });
});
