// `fluxo build --format pretty|json|github` and `--pretty` (TOOLING §1): build
// prints diagnostics as `check` does, and its exit statuses are check's. With
// `--format json`, stdout is exactly one JSON array (the same as check's) and
// everything else build says goes to stderr. Runs `main` in process on copies
// of the fixtures of test/cli.test.ts, compared with its goldens.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { main } from "../packages/cli/src/main.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const fixtures = path.join(repo, "test/fixtures/cli");
const golden = (name: string): string => fs.readFileSync(path.join(fixtures, "golden", name), "utf8");
const temporary: string[] = [];
afterAll(() => {
  for (const folder of temporary) fs.rmSync(folder, { recursive: true, force: true });
});

/** A temporary folder holding `files` (name → text), or a copy of the `loose` fixture. */
function project(files: Record<string, string> | "loose"): string {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-build-")));
  temporary.push(folder);
  if (files === "loose") fs.cpSync(path.join(fixtures, "loose"), folder, { recursive: true });
  else for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), text);
  return folder;
}

async function fluxo(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { cwd, env: {}, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

const clean = { "hello.flow": 'flow hello {\n    trigger start\n    say "hi"\n}\n' };
const warned = { "hello.flow": 'flow hello {\n    trigger start\n    let unused = 1\n    say "hi"\n}\n' };

describe("fluxo build --format", () => {
  test.concurrent("json with errors: check's array alone on stdout, the rest on stderr, exit 1, nothing written", async () => {
    const folder = project("loose");
    const run = await fluxo(["build", "--format", "json"], folder);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(golden("loose.json.txt"));
    expect(run.stderr).toBe("Found 2 errors in 2 files.\nfluxo: build: not written, fix the errors above first\n");
    expect(fs.existsSync(path.join(folder, "dist"))).toBe(false);
  });

  test.concurrent("json on a clean project: [] on stdout, 'Wrote …' on stderr, exit 0", async () => {
    const folder = project(clean);
    for (const target of ["json", "ts"]) {
      const run = await fluxo(["build", "--format=json", "--target", target], folder);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe("[]\n");
      expect(run.stderr).toMatch(new RegExp(`^No errors found in 1 file\\.\\nWrote dist/flows\\.${target}: 1 flow, `));
      expect(fs.existsSync(path.join(folder, `dist/flows.${target}`))).toBe(true);
    }
  });

  test.concurrent("json with warnings only: the warnings in the array, written, exit 0", async () => {
    const folder = project(warned);
    const run = await fluxo(["build", "--format", "json"], folder);
    const check = await fluxo(["check", "--format", "json"], folder);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).not.toEqual([]);
    expect(run.stdout).toBe(check.stdout);
    expect(run.stderr).toMatch(/\nWrote dist\/flows\.json: /);
    expect(fs.existsSync(path.join(folder, "dist/flows.json"))).toBe(true);
  });

  test.concurrent("github: check's annotations on stdout, exit 1", async () => {
    const run = await fluxo(["build", "--format", "github"], project("loose"));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(golden("loose.github.txt"));
    expect(run.stderr).toBe("fluxo: build: not written, fix the errors above first\n");
  });

  test.concurrent("pretty (the default) and --pretty: check's rendering", async () => {
    const folder = project("loose");
    const run = await fluxo(["build", "--pretty", "false"], folder);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(golden("loose.pretty.txt"));
    expect((await fluxo(["build", "--format", "pretty"], folder)).stdout).toBe(run.stdout);
    const coloured = await fluxo(["build", "--pretty", "true"], folder);
    expect(coloured.stdout).toMatch(/\u001b\[/);
  });

  test.concurrent("a bad --format value is a usage error, as for check", async () => {
    const run = await fluxo(["build", "--format", "xml"], project(clean));
    expect(run).toEqual({ code: 2, stdout: "", stderr: "fluxo: error: invalid value 'xml' for option '--format': expected pretty, json or github\n" });
  });

  test.concurrent("help build lists --format and --pretty", async () => {
    const run = await fluxo(["help", "build"], repo);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: fluxo build \[paths…\] .*\[--format pretty\|json\|github\] \[--pretty true\|false\]/);
    expect(run.stdout).toMatch(/^\s+--format pretty\|json\|github\s/m);
    expect(run.stdout).toMatch(/^\s+--pretty true\|false\s/m);
  });
});
