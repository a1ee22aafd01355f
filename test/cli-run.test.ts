// `fluxo run` when the engine refuses a turn (TOOLING §1): a `--context` of
// the wrong type, parameters that do not fit, a `/timeout` for a question
// without one. The refusal is a usage problem: its message is one line on
// stderr and the exit status is 2, piped, with `--json` and interactive.
// The spawned binary is used where the process matters (it must also exit
// while its stdin is still open); the interactive case runs `run` in process
// with a stream standing in for the terminal.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { run } from "../packages/cli/src/commands/run.js";
import { CliError } from "../packages/cli/src/errors.js";
import { terminal } from "../packages/cli/test/in-process.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "packages/cli/bin/fluxo.js");
const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-run-refusals-")));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

fs.writeFileSync(
  path.join(root, "greet.flow"),
  `context {
    name: string
}

flow greet {
    trigger start
    say "hello {context.name}"
    ask colour: string "Colour?"
    say "{colour}, {context.name}"
}

flow order(id: integer) {
    trigger event "order"
    say "order {id}"
}
`,
);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns `fluxo …args` in the fixture folder, writes `input` on its stdin and
 * leaves stdin open (as a terminal does): the process must exit by itself.
 */
function fluxo(args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of ["NO_COLOR", "FORCE_COLOR", "INIT_CWD", "npm_package_json", "TERM"]) delete env[key];
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill(), 15_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.write(input);
  });
}

/** Exit 2 and exactly one `fluxo: error:` line on stderr, no stack trace. */
function expectRefusal(result: Run, message: RegExp): void {
  const lines = result.stderr.split("\n").filter((line) => line !== "");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^fluxo: error: /);
  expect(lines[0]).toMatch(message);
  expect(result.code).toBe(2);
}

describe("fluxo run: the engine's refusals print one line and exit 2", () => {
  test.concurrent.each([
    ["piped", []],
    ["--json", ["--json"]],
  ])("a --context of the wrong type (%s)", async (_mode, extra) => {
    const result = await fluxo(["run", "greet.flow", "--context", '{"name":5}', ...extra], "blue\n");
    expectRefusal(result, /cannot start flow 'greet': context\.name: expected string, found 5$/);
    expect(result.stdout).toBe("");
  });

  test.concurrent.each([
    ["piped", []],
    ["--json", ["--json"]],
  ])("/timeout on a question without a timeout (%s)", async (_mode, extra) => {
    const result = await fluxo(["run", "greet.flow", "--context", '{"name":"Ana"}', ...extra], "/timeout\n");
    expectRefusal(result, /cannot time out the question: the pending question has no timeout$/);
    // The events before the refusal were shown; --json's stdout stays one JSON event per line.
    expect(result.stdout).toContain("hello Ana");
    if (extra.length > 0) for (const line of result.stdout.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
  });

  test("interactive: parameters that do not fit the flow", async () => {
    const input = new PassThrough();
    const { context, stdout } = terminal(root, (text) => {
      if (text.endsWith("id: ")) input.write('"abc"\n');
    });
    const running = run({ file: "greet.flow", flow: "order", context: '{"name":"Ana"}', json: false, verbose: false, input, interactive: true }, context);
    await expect(running).rejects.toThrow(CliError);
    await expect(running).rejects.toThrow(/^cannot start flow 'order': .*\bid\b/);
    expect(stdout()).toBe("id: ");
  });
});

describe("fluxo run: a file with errors is not run", () => {
  fs.writeFileSync(path.join(root, "broken.flow"), 'flow broken {\n    trigger start\n    say "{missing}"\n}\n');

  test.concurrent.each([
    ["piped", []],
    ["--json", ["--json"]],
  ])("its diagnostics go to stderr, stdout stays empty, exit 1 (%s)", async (_mode, extra) => {
    const result = await fluxo(["run", "broken.flow", ...extra], "");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("broken.flow:3:11 - error FX2001: unknown variable 'missing'");
    expect(result.stderr).toContain("Found 1 error in 1 file.");
  });
});
