// End-to-end tests of `fluxo fmt` (TOOLING §1 and §4), on fixture projects
// copied to a temporary folder (`test/fixtures/fmt/`), so that tests may
// rewrite their files and no `fluxo.json` of the repository is found above
// them. Most tests call `main` in this process; the ones about the process
// itself spawn the built binary (`pnpm test` builds first).
//
// The expected text of a formatted file is what the formatting API gives
// (its layout is pinned by the golden tests of packages/prettier-plugin).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "../packages/compiler/src/index.js";
import { formatDocument } from "../packages/prettier-plugin/src/api.js";
import { afterAll, describe, expect, test } from "vitest";
import { runFluxo } from "../packages/cli/test/in-process.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "packages/cli/bin/fluxo.js");
const fixtures = path.join(repo, "test/fixtures/fmt");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const fluxo = (args: string[], cwd: string): Promise<Run> => runFluxo(args, cwd);

function spawnFluxo(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of ["NO_COLOR", "FORCE_COLOR", "INIT_CWD", "npm_package_json", "TERM"]) delete env[key];
    const child = spawn(process.execPath, [bin, ...args], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const temporaryFolders: string[] = [];

function copyFixture(name: string): string {
  const parent = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-fmt-")));
  temporaryFolders.push(parent);
  const folder = path.join(parent, name);
  fs.cpSync(path.join(fixtures, name), folder, { recursive: true });
  return folder;
}

afterAll(() => {
  for (const folder of temporaryFolders) fs.rmSync(folder, { recursive: true, force: true });
});

const read = (file: string): string => fs.readFileSync(file, "utf8");

describe("fluxo fmt", () => {
  test("--check lists the unformatted files, changes nothing, exits 1", async () => {
    const folder = copyFixture("project");
    const before = read(path.join(folder, "flows/a.flow"));
    const run = await fluxo(["fmt", "--check"], folder);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("flows/a.flow\nflows/nested/c.flow\n");
    expect(run.stderr).toBe("2 of 3 files not formatted; run 'fluxo fmt' to format them.\n");
    expect(read(path.join(folder, "flows/a.flow"))).toBe(before);
  });

  test("formats in place the files that need it, then --check passes", async () => {
    const folder = copyFixture("project");
    const original = read(path.join(folder, "flows/a.flow"));
    const untouched = path.join(folder, "flows/b.flow");
    const mtime = fs.statSync(untouched).mtimeMs;

    const run = await fluxo(["fmt"], folder);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("flows/a.flow\nflows/nested/c.flow\n");
    expect(run.stderr).toBe("Formatted 2 of 3 files.\n");
    expect(read(path.join(folder, "flows/a.flow"))).toBe(await formatDocument(original));
    expect(read(path.join(folder, "flows/nested/c.flow"))).toBe('type Size = "P" | "M" | "G"\n');
    expect(fs.statSync(untouched).mtimeMs).toBe(mtime);

    const check = await fluxo(["fmt", "--check"], folder);
    expect(check).toEqual({ code: 0, stdout: "", stderr: "All 3 files formatted.\n" });
  });

  test("a named file or folder: only the files below it", async () => {
    const folder = copyFixture("project");
    const c = read(path.join(folder, "flows/nested/c.flow"));
    const run = await fluxo(["fmt", "flows/a.flow"], folder);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("flows/a.flow\n");
    expect(read(path.join(folder, "flows/nested/c.flow"))).toBe(c);
    expect((await fluxo(["fmt", "--check", "flows/nested"], folder)).stdout).toBe("flows/nested/c.flow\n");
  });

  test("a file with syntax errors is left untouched, with one clear line; the others are formatted; exit 1", async () => {
    const folder = copyFixture("broken");
    const broken = read(path.join(folder, "broken.flow"));
    const run = await fluxo(["fmt"], folder);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("good.flow\n");
    expect(run.stderr).toBe(
      "broken.flow:2:14 - error FX1001: expected end of line or ';', found '\"tchau\"'; file not formatted\n" +
        "Formatted 1 of 2 files.\n" +
        "1 file could not be formatted (see above).\n",
    );
    expect(read(path.join(folder, "broken.flow"))).toBe(broken);
    expect(read(path.join(folder, "good.flow"))).toBe('flow good {\n    say "ok"\n}\n');

    const check = await fluxo(["fmt", "--check"], folder);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe("");
    // Never "All 2 files formatted": the broken one was not checked.
    expect(check.stderr).toBe(
      "broken.flow:2:14 - error FX1001: expected end of line or ';', found '\"tchau\"'; file not formatted\n" +
        "1 of 2 files formatted.\n" +
        "1 file could not be formatted (see above).\n",
    );
    expect(read(path.join(folder, "broken.flow"))).toBe(broken);
  });

  test("keeps a byte-order mark; CRLF line ends become LF", async () => {
    const folder = copyFixture("broken");
    fs.rmSync(path.join(folder, "broken.flow"));
    const file = path.join(folder, "good.flow");
    fs.writeFileSync(file, '\uFEFFflow good {\r\nsay "ok"\r\n}\r\n');
    expect((await fluxo(["fmt"], folder)).code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe('\uFEFFflow good {\n    say "ok"\n}\n');
    expect((await fluxo(["fmt", "--check"], folder)).code).toBe(0);
  });

  test("a file that is not valid UTF-8 is not rewritten (its bytes would be lost)", async () => {
    const folder = copyFixture("broken");
    fs.rmSync(path.join(folder, "broken.flow"));
    const file = path.join(folder, "good.flow");
    const bytes = Buffer.concat([Buffer.from('flow good {\nsay "'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n}\n')]);
    fs.writeFileSync(file, bytes);
    const run = await fluxo(["fmt"], folder);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("good.flow: not formatted: the file is not valid UTF-8\n");
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  test("user mistakes: one line, exit 2", async () => {
    const folder = copyFixture("project");
    const missing = await fluxo(["fmt", "nowhere"], folder);
    expect(missing).toEqual({ code: 2, stdout: "", stderr: "fluxo: error: 'nowhere' does not exist\n" });
    const typo = await fluxo(["fmt", "--chek"], folder);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^fluxo: error: unknown option '--chek' for 'fluxo fmt' \(did you mean '--check'\?\)\n$/);
  });

  test("help", async () => {
    const run = await fluxo(["help", "fmt"], repo);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: fluxo fmt [paths…] [--check]");
    expect(run.stdout).toContain("--check");
  });

  test("the binary: exit statuses through the process", async () => {
    const folder = copyFixture("project");
    expect((await spawnFluxo(["fmt", "--check"], folder)).code).toBe(1);
    expect((await spawnFluxo(["fmt"], folder)).code).toBe(0);
    const check = await spawnFluxo(["fmt", "--check"], folder);
    expect(check).toEqual({ code: 0, stdout: "", stderr: "All 3 files formatted.\n" });
  });

  test("the seed examples are formatted, and still parse without diagnostics", async () => {
    const run = await spawnFluxo(["fmt", "--check", "examples"], repo);
    expect(run.stdout).toBe("");
    expect(run.code).toBe(0);
    for (const name of fs.readdirSync(path.join(repo, "examples")).filter((n) => n.endsWith(".flow"))) {
      expect(parse(read(path.join(repo, "examples", name))).diagnostics, name).toEqual([]);
    }
  });
});
