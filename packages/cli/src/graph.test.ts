// `fluxo graph` checks the file first: on errors it prints them (on stderr,
// stdout being the diagram's) and exits 1 without drawing, as `check` would.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runFluxo, type CliRun } from "../test/in-process.js";

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-graph-")));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function write(name: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  fs.writeFileSync(path.join(root, name), text);
}

function fluxo(args: string[]): Promise<CliRun> {
  return runFluxo(args, root);
}

describe("fluxo graph", () => {
  test("a file with errors: the diagnostics on stderr, no diagram, exit 1", async () => {
    write("broken.flow", 'flow a { trigger keyword "x"\nsay\nask x: strin "q"\ngoto nowhere }\n');
    const run = await fluxo(["graph", "broken.flow"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("broken.flow:2:4 - error FX1001: expected an expression, found end of line");
    expect(run.stderr).toContain("broken.flow:3:8 - error FX2005: unknown type 'strin'");
    expect(run.stderr).toContain("broken.flow:4:6 - error FX2002: unknown step 'nowhere'");
    expect(run.stderr).toContain("Found 3 errors and 1 warning in 1 file.");
    expect(run.stderr).toMatch(/fluxo: graph: no diagram drawn, fix the errors above first\n$/);
  });

  test("an error in an imported file stops it too", async () => {
    write("imports/main.flow", 'import { T } from "./types"\n\nflow main {\n    var t: T = 1\n    say "{t}"\n}\n');
    write("imports/types.flow", "type T = numbr\n");
    const run = await fluxo(["graph", "imports/main.flow"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("imports/types.flow:1:10 - error FX2005: unknown type 'numbr'");
  });

  test("warnings only: printed on stderr, and the diagram drawn", async () => {
    write("warned.flow", 'flow w {\n    trigger keyword "w"\n    ask x: string "q"\n    say "done"\n}\n');
    const run = await fluxo(["graph", "warned.flow"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^flowchart TD\n/);
    expect(run.stderr).toContain("warning FX4005: variable 'x' is never used");
  });

  test("a clean file: only the diagram", async () => {
    write("clean.flow", 'flow c {\n    trigger keyword "c"\n    say "hi"\n}\n');
    const run = await fluxo(["graph", "clean.flow", "--format", "dot"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^digraph/);
  });
});
