// End-to-end tests of the `fluxo` command (TOOLING §1), on fixture projects
// copied to a temporary folder (so that no `fluxo.json` of the repository is
// found above them, and tests may edit their files).
//
// `fluxo(…)` spawns the built binary (`packages/cli/bin/fluxo.js`; `pnpm test`
// runs `tsc -b` first): used wherever the process itself matters (exit
// status, streams, environment, working folder, watching). `fluxoInProcess(…)`
// calls the same `main` with its folder, environment and streams given, for
// the many cases where only the command's logic is under test: each spawn
// loads the compiler anew, which costs about a second.
//
// The rendered outputs are golden files in `test/fixtures/cli/golden/`
// (`pnpm test -u` accepts new ones); the assertions beside them pin down the
// properties that matter (lines, columns, exit statuses, stream purity).

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { main } from "../packages/cli/src/main.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "packages/cli/bin/fluxo.js");
const fixtures = path.join(repo, "test/fixtures/cli");
const golden = (name: string): string => path.join(fixtures, "golden", name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a spawned fluxo: no colour or folder settings leaking in from the test runner. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ["NO_COLOR", "FORCE_COLOR", "INIT_CWD", "npm_package_json", "TERM"]) delete env[key];
  return { ...env, ...extra };
}

function fluxo(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: cleanEnv(options.env) });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `main` in this process, with the folder, environment and streams of a spawned fluxo. */
async function fluxoInProcess(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd: options.cwd,
    env: options.env ?? {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

const temporaryFolders: string[] = [];

/** A fresh temporary folder, removed after the tests. */
function tempFolder(): string {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-cli-")));
  temporaryFolders.push(folder);
  return folder;
}

/** A copy of `test/fixtures/cli/<name>` in a temporary folder. */
function copyFixture(name: string): string {
  const folder = path.join(tempFolder(), name);
  fs.cpSync(path.join(fixtures, name), folder, { recursive: true });
  return folder;
}

function write(file: string, text: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** The loose fixture (no fluxo.json) plus files that must be skipped (node_modules and dot-folders are not committable fixtures). */
function looseProject(): string {
  const folder = copyFixture("loose");
  write(path.join(folder, "node_modules/dep/dep.flow"), 'flow dep {\n    say "x" "y"\n}\n');
  write(path.join(folder, ".cache/cached.flow"), 'flow cached {\n    say "x" "y"\n}\n');
  return folder;
}

/** Asserts the shape of a user mistake: exit 2, nothing on stdout, one `fluxo: error:` line, no stack trace. */
function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.stdout).toBe("");
  const lines = run.stderr.split("\n").filter((line) => line !== "");
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^fluxo: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.code).toBe(2);
}

const ansi = /\u001b\[/;

beforeAll(() => {
  if (!fs.existsSync(path.join(repo, "packages/cli/dist/main.js"))) {
    throw new Error("packages/cli is not built: run `pnpm test` (or `npx tsc -b`) first");
  }
});

afterAll(() => {
  for (const folder of temporaryFolders) fs.rmSync(folder, { recursive: true, force: true });
});

describe("fluxo check: output formats", () => {
  test.concurrent("pretty: header, code frame on the diagnostic's line, summary; exit 1", async ({ expect }) => {
    const run = await fluxo(["check"], { cwd: looseProject() });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    await expect(run.stdout).toMatchFileSnapshot(golden("loose.pretty.txt"));

    expect(run.stdout).toContain("greeting.flow:2:14 - error FX1001: ");
    expect(run.stdout).toContain("survey.flow:3:9 - error FX1002: ");
    // The frame marks line 2 and puts the caret under column 14.
    const lines = run.stdout.split("\n");
    const marked = lines.findIndex((line) => line.startsWith("> 2 |"));
    expect(lines[marked]).toBe('> 2 |     say "oi" "tchau"');
    const caretLine = lines[marked + 1]!;
    expect(caretLine.indexOf("^") - caretLine.indexOf("|") - 1).toBe(14);
    expect(lines.at(-2)).toBe("Found 2 errors in 2 files.");
    // node_modules and dot-folders are not part of the project.
    expect(run.stdout).not.toContain("dep.flow");
    expect(run.stdout).not.toContain("cached.flow");
  });

  test.concurrent("json: stdout is exactly one JSON array with the contract's fields; summary on stderr", async ({ expect }) => {
    const run = await fluxo(["check", "--format", "json"], { cwd: looseProject() });
    expect(run.code).toBe(1);
    const parsed: unknown = JSON.parse(run.stdout);
    expect(parsed).toEqual([
      {
        file: "greeting.flow",
        line: 2,
        column: 14,
        endLine: 2,
        endColumn: expect.any(Number),
        severity: "error",
        code: "FX1001",
        message: expect.any(String),
      },
      {
        file: "survey.flow",
        line: 3,
        column: 9,
        endLine: 3,
        endColumn: 10,
        severity: "error",
        code: "FX1002",
        message: expect.any(String),
      },
    ]);
    for (const entry of parsed as object[]) {
      expect(Object.keys(entry)).toEqual(["file", "line", "column", "endLine", "endColumn", "severity", "code", "message"]);
    }
    expect(run.stderr).toBe("Found 2 errors in 2 files.\n");
    await expect(run.stdout).toMatchFileSnapshot(golden("loose.json.txt"));
  });

  test.concurrent("json: an empty array when there is nothing to report; exit 0", async ({ expect }) => {
    const run = await fluxoInProcess(["check", "goodbye.flow", "--format=json"], { cwd: looseProject() });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
    expect(run.stderr).toBe("No errors found in 1 file.\n");
  });

  test.concurrent("json stays pure with --verbose (details go to stderr)", async ({ expect }) => {
    const run = await fluxoInProcess(["check", "--format", "json", "--verbose"], { cwd: looseProject() });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toHaveLength(2);
    expect(run.stderr).toMatch(/no fluxo\.json/);
  });

  test.concurrent("github: one annotation per diagnostic", async ({ expect }) => {
    const run = await fluxo(["check", "--format", "github"], { cwd: looseProject() });
    expect(run.code).toBe(1);
    await expect(run.stdout).toMatchFileSnapshot(golden("loose.github.txt"));
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^::error file=greeting\.flow,line=2,col=14,endLine=2,endColumn=\d+,title=FX1001::\S/);
    expect(lines[1]).toMatch(/^::error file=survey\.flow,line=3,col=9,endLine=3,endColumn=10,title=FX1002::\S/);
    expect(lines[2]).toBe("Found 2 errors in 2 files.");
  });

  test.concurrent("github: properties are escaped (a comma in a folder name)", async ({ expect }) => {
    const folder = path.join(tempFolder(), "a,b");
    write(path.join(folder, "x.flow"), 'flow x {\n    say "x" "y"\n}\n');
    const run = await fluxoInProcess(["check", "--format", "github", "a,b"], { cwd: path.dirname(folder) });
    expect(run.stdout).toMatch(/^::error file=a%2Cb\/x\.flow,line=2,/);
  });

  test.concurrent("a clean project: exit 0 and a summary saying how many files were checked", async ({ expect }) => {
    const folder = tempFolder();
    write(path.join(folder, "one.flow"), 'flow one {\n    say "um"\n}\n');
    write(path.join(folder, "two.flow"), 'flow two {\n    say "dois"\n}\n');
    const run = await fluxoInProcess(["check"], { cwd: folder });
    expect(run).toEqual({ code: 0, stdout: "No errors found in 2 files.\n", stderr: "" });
  });
});

describe("fluxo check: colours", () => {
  test.concurrent("plain when piped", async ({ expect }) => {
    const run = await fluxoInProcess(["check"], { cwd: looseProject() });
    expect(run.stdout).not.toMatch(ansi);
  });

  test.concurrent("--pretty true colours a pipe", async ({ expect }) => {
    const run = await fluxo(["check", "--pretty", "true"], { cwd: looseProject() });
    expect(run.stdout).toMatch(ansi);
    // The same text once the colour codes are removed.
    const plain = await fluxoInProcess(["check"], { cwd: looseProject() });
    expect(run.stdout.replace(/\u001b\[\d+m/g, "")).toBe(plain.stdout);
  });

  test.concurrent("NO_COLOR wins over --pretty true", async ({ expect }) => {
    const run = await fluxo(["check", "--pretty", "true"], { cwd: looseProject(), env: { NO_COLOR: "1" } });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(ansi);
  });

  test.concurrent("--pretty false wins over FORCE_COLOR", async ({ expect }) => {
    const forced = await fluxoInProcess(["check"], { cwd: looseProject(), env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toMatch(ansi);
    const run = await fluxoInProcess(["check", "--pretty=false"], { cwd: looseProject(), env: { FORCE_COLOR: "1" } });
    expect(run.stdout).not.toMatch(ansi);
    expect(run.stdout).toContain("greeting.flow:2:14 - error FX1001");
  });
});

describe("fluxo check: projects", () => {
  test.concurrent("fluxo.json include: only the included folders make the project", async ({ expect }) => {
    const project = copyFixture("project");
    const run = await fluxo(["check", "--verbose"], { cwd: project });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("flows/orders.flow:2:22 - error FX1001");
    expect(run.stdout).not.toContain("draft.flow");
    expect(run.stdout).toMatch(/Found 1 error in 1 file\.\n$/);
    expect(run.stderr).toContain("project fluxo.json: 2 files, locale pt-BR, time zone America/Sao_Paulo");
  });

  test.concurrent("a folder inside a project: found by searching upward; only its files are reported", async ({ expect }) => {
    const project = copyFixture("project");
    const run = await fluxo(["check", "--verbose"], { cwd: path.join(project, "flows/support") });
    // orders.flow has an error, but it is not below the folder asked about.
    expect(run.stdout).toBe("No errors found in 1 file.\n");
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("project ../../fluxo.json: 2 files, locale pt-BR");
  });

  test.concurrent("a nested file path uses the project of its folder", async ({ expect }) => {
    const project = copyFixture("project");
    const run = await fluxoInProcess(["check", "project/flows/orders.flow", "--format", "json", "--verbose"], {
      cwd: path.dirname(project),
    });
    expect(JSON.parse(run.stdout)).toMatchObject([{ file: "project/flows/orders.flow", line: 2, code: "FX1001" }]);
    expect(run.stderr).toContain("locale pt-BR");
  });

  test.concurrent("a named file outside include joins its project for the run", async ({ expect }) => {
    const project = copyFixture("project");
    const run = await fluxoInProcess(["check", "scratch/draft.flow", "--format", "json"], { cwd: project });
    expect(JSON.parse(run.stdout)).toMatchObject([{ file: "scratch/draft.flow", code: "FX1002" }]);
    expect(run.code).toBe(1);
  });

  test.concurrent("paths of different projects are checked together", async ({ expect }) => {
    const root = tempFolder();
    fs.cpSync(path.join(fixtures, "project"), path.join(root, "project"), { recursive: true });
    fs.cpSync(path.join(fixtures, "loose"), path.join(root, "loose"), { recursive: true });
    const run = await fluxoInProcess(["check", "project", "loose/survey.flow", "--format", "json"], { cwd: root });
    expect((JSON.parse(run.stdout) as { file: string }[]).map((d) => d.file)).toEqual([
      "loose/survey.flow",
      "project/flows/orders.flow",
    ]);
  });

  test.concurrent("INIT_CWD: relative paths mean what the user typed under a package script", async ({ expect }) => {
    const loose = looseProject();
    const run = await fluxo(["check", "survey.flow", "--format", "json"], { cwd: repo, env: { INIT_CWD: loose } });
    expect(JSON.parse(run.stdout)).toMatchObject([{ file: "survey.flow", code: "FX1002" }]);
    // No path: the project of INIT_CWD.
    const all = await fluxo(["check"], { cwd: repo, env: { INIT_CWD: loose } });
    expect(all.stdout).toMatch(/Found 2 errors in 2 files\.\n$/);
  });

  test.concurrent("pnpm fluxo check <path>, typed in another folder", async ({ expect }) => {
    const run = await new Promise<Run>((resolve, reject) => {
      const child = spawn("pnpm", ["--silent", "--dir", repo, "fluxo", "check", "greeting.flow", "--format", "json"], {
        cwd: copyFixture("loose"),
        env: cleanEnv(),
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    expect(JSON.parse(run.stdout)).toMatchObject([{ file: "greeting.flow", code: "FX1001" }]);
  });

  test.concurrent.each([
    ["not JSON", '{\n  "include": ["flows"],\n}\n', /^fluxo: error: fluxo\.json:3:1: invalid JSON: /],
    ["a bad locale", '{ "locale": "fr" }', /fluxo\.json: "locale" must be one of "en", "pt-BR", "es"; found "fr"/],
    ["a bad time zone", '{ "timeZone": "Mars/Olympus" }', /fluxo\.json: "timeZone" must be an IANA time zone/],
    ["a missing include folder", '{ "include": ["flowz"] }', /fluxo\.json: "include" names "flowz", which does not exist/],
    ["a bad outDir", '{ "outDir": 3 }', /fluxo\.json: "outDir" must be a folder name/],
    ["an unknown key", '{ "includes": ["flows"] }', /unknown setting "includes" \(did you mean "include"\?\)/],
  ])("a fluxo.json with %s: one line, exit 2", async (_what, text, pattern) => {
    const project = copyFixture("project");
    fs.writeFileSync(path.join(project, "fluxo.json"), text);
    expectOneLineError(await fluxoInProcess(["check", "flows/orders.flow"], { cwd: project }), pattern);
  });
});

describe("fluxo: mistakes print one line and exit 2", () => {
  // Mistakes found before the compiler is needed are cheap to spawn; the
  // others run in process, except one (a missing file) that shows the exit
  // status of the real process.
  const cases: [string, string[], RegExp, "spawn" | "in-process"][] = [
    ["a missing file", ["check", "nowhere.flow"], /'nowhere\.flow' does not exist/, "spawn"],
    ["a missing folder", ["check", "nowhere"], /'nowhere' does not exist/, "in-process"],
    ["a folder without .flow files", ["check", "empty"], /no \.flow files in 'empty'/, "in-process"],
    ["a file that is not .flow", ["check", "notes.txt"], /'notes\.txt' is not a \.flow file/, "in-process"],
    ["an unknown option", ["check", "--fomat", "json"], /unknown option '--fomat' for 'fluxo check' \(did you mean '--format'\?\)/, "spawn"],
    ["an unknown short option", ["check", "-x"], /unknown option '-x'/, "spawn"],
    ["a bad --format value", ["check", "--format", "xml"], /invalid value 'xml' for option '--format': expected pretty, json or github/, "spawn"],
    ["a missing --format value", ["check", "--format"], /option '--format' needs a value/, "spawn"],
    ["a bad --pretty value", ["check", "--pretty", "maybe"], /invalid value 'maybe' for option '--pretty': expected true or false/, "spawn"],
    ["a value for a flag", ["check", "--watch=yes"], /option '--watch' does not take a value/, "spawn"],
    ["an unknown command", ["chek"], /unknown command 'chek' \(did you mean 'check'\?\)/, "spawn"],
    ["help for an unknown command", ["help", "nope"], /unknown command 'nope'/, "spawn"],
    ["a command option before the command", ["--format", "json", "check"], /option '--format' goes after the command/, "spawn"],
  ];
  test.concurrent.each(cases)("%s", async (_what, args, pattern, mode) => {
    const folder = looseProject();
    fs.mkdirSync(path.join(folder, "empty/sub"), { recursive: true });
    const run = mode === "spawn" ? await fluxo(args, { cwd: folder }) : await fluxoInProcess(args, { cwd: folder });
    expectOneLineError(run, pattern);
  });

  test.concurrent("the current folder with no .flow files and no fluxo.json", async () => {
    const folder = tempFolder();
    expectOneLineError(await fluxoInProcess(["check"], { cwd: folder }), /no \.flow files in the current folder \(.*\) and no fluxo\.json above it/);
  });

  test.concurrent("a fluxo.json project without any .flow file", async () => {
    const folder = tempFolder();
    write(path.join(folder, "fluxo.json"), "{}");
    expectOneLineError(await fluxoInProcess(["check"], { cwd: folder }), /no \.flow files in the project of 'fluxo\.json'/);
  });

  // Tests run as root, which chmod 000 does not stop, so the unreadable file
  // is a `.flow` symbolic link to a file that does not exist: it is listed by
  // the folder walk and then fails to read, like a file without permission.
  test.concurrent("an unreadable .flow file (a dangling symbolic link)", async () => {
    const folder = looseProject();
    fs.symlinkSync(path.join(folder, "missing-target.flow"), path.join(folder, "broken.flow"));
    expectOneLineError(
      await fluxo(["check"], { cwd: folder }),
      /cannot read 'broken\.flow': it is a symbolic link to a file that does not exist/,
    );
  });

  // Where permissions do apply (not root), chmod 000 gives EACCES.
  test.concurrent("an unreadable .flow file (no permission, or root)", async ({ expect }) => {
    const folder = looseProject();
    const file = path.join(folder, "secret.flow");
    write(file, 'flow secret {\n    say "x"\n}\n');
    fs.chmodSync(file, 0o000);
    let readable = true;
    try {
      fs.readFileSync(file);
    } catch {
      readable = false;
    }
    const run = await fluxoInProcess(["check", "secret.flow"], { cwd: folder });
    if (readable) {
      // Root reads it anyway: it is checked like any other file.
      expect(run).toMatchObject({ code: 0, stdout: "No errors found in 1 file.\n" });
    } else {
      expectOneLineError(run, /cannot read 'secret\.flow': permission denied/);
    }
  });

  test.concurrent.each([
    [["build", "--target", "wasm"], /invalid value 'wasm' for option '--target': expected json or ts/],
    [["run"], /'fluxo run' needs a \.flow file/],
    [["run", "missing.flow"], /missing\.flow: no such file/],
    [["graph"], /'fluxo graph' needs a \.flow file/],
    [["graph", "a.flow", "b.flow"], /'fluxo graph' takes one file/],
    [["test", "--bundle"], /option '--bundle' needs a value/],
    [["run", "x.flow", "--context"], /option '--context' needs a value/],
  ])("fluxo %j: one clear line and exit 2", async (args, message) => {
    expectOneLineError(await fluxo(args as string[], { cwd: repo }), message as RegExp);
  });

  test.concurrent("a file that is not UTF-8 is read as UTF-8, not refused", async ({ expect }) => {
    const folder = tempFolder();
    write(path.join(folder, "latin1.flow"), Buffer.from('flow a {\n    say "ol\xe1"\n}\n', "latin1"));
    const run = await fluxoInProcess(["check"], { cwd: folder });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("No errors found in 1 file.\n");
  });
});

describe("fluxo: help and version", () => {
  test.concurrent("--help lists the commands", async ({ expect }) => {
    const run = await fluxo(["--help"], { cwd: repo });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: fluxo <command>/m);
    for (const command of ["check", "build", "fmt", "run", "test", "graph", "lsp"]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  test.concurrent("help check and check --help print the options of check", async ({ expect }) => {
    const help = await fluxo(["help", "check"], { cwd: repo });
    const flag = await fluxo(["check", "--help"], { cwd: repo });
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(flag.stdout);
    expect(help.stdout).toMatch(/^Usage: fluxo check \[paths…\]/);
    for (const option of ["--format", "--pretty", "--watch", "--verbose"]) expect(help.stdout).toContain(option);
  });

  test.concurrent("--version prints the package's version", async ({ expect }) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repo, "packages/cli/package.json"), "utf8")) as { version: string };
    const run = await fluxo(["--version"], { cwd: repo });
    expect(run).toEqual({ code: 0, stdout: `fluxo ${manifest.version}\n`, stderr: "" });
  });
});

/** A running `fluxo check --watch`, with its output so far. */
class WatchSession {
  stdout = "";
  stderr = "";
  private readonly child: ChildProcess;

  constructor(args: string[], cwd: string) {
    this.child = spawn(process.execPath, [bin, "check", "--watch", ...args], { cwd, env: cleanEnv() });
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
  }

  /** Waits until `stream` has, after offset `from`, text matching `pattern`; returns the end offset. */
  async waitFor(stream: "stdout" | "stderr", pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this[stream].slice(from));
      if (match) return from + match.index + match[0].length;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${String(pattern)} on ${stream}\n--- stdout:\n${this.stdout}\n--- stderr:\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Waits for the next "watching" status line after the current output. */
  async settled(from: number): Promise<void> {
    await this.waitFor("stderr", /Watching for file changes/, from);
  }

  kill(): void {
    this.child.kill();
  }
}

describe("fluxo check --watch", () => {
  test("reports again after an edit, a new file, a removal and a fluxo.json change", async () => {
    const folder = tempFolder();
    write(path.join(folder, "fluxo.json"), "{}");
    write(path.join(folder, "a.flow"), 'flow a {\n    say "oi" "tchau"\n}\n');
    const session = new WatchSession([], folder);
    try {
      let out = await session.waitFor("stdout", /Found 1 error in 1 file\.\n/);
      let err = await session.waitFor("stderr", /Watching for file changes/);

      // Fix the file.
      write(path.join(folder, "a.flow"), 'flow a {\n    say "oi"\n}\n');
      out = await session.waitFor("stdout", /No errors found in 1 file\.\n/, out);
      err = await session.waitFor("stderr", /Watching for file changes/, err);

      // A new file in a new folder.
      write(path.join(folder, "sub/b.flow"), 'flow b {\n    say "abc\n}\n');
      out = await session.waitFor("stdout", /sub\/b\.flow:2:9 - error FX1002[\s\S]*Found 1 error in 1 file\.\n/, out);
      err = await session.waitFor("stderr", /Watching for file changes/, err);

      // Remove it.
      fs.rmSync(path.join(folder, "sub"), { recursive: true });
      out = await session.waitFor("stdout", /No errors found in 1 file\.\n/, out);
      err = await session.waitFor("stderr", /Watching for file changes/, err);

      // A broken fluxo.json: one error line, and watching goes on.
      write(path.join(folder, "fluxo.json"), '{ "locale": "fr" }');
      err = await session.waitFor("stderr", /fluxo: error: fluxo\.json: "locale" must be one of/, err);
      await session.settled(err);
      write(path.join(folder, "fluxo.json"), '{ "locale": "pt-BR" }');
      out = await session.waitFor("stdout", /No errors found in 1 file\.\n/, out);
      expect(session.stderr).not.toMatch(/^\s+at /m);
    } finally {
      session.kill();
    }
  });

  test("--format json prints one array per run, one per line", async () => {
    const folder = copyFixture("loose");
    const session = new WatchSession(["--format", "json", "greeting.flow"], folder);
    try {
      await session.waitFor("stdout", /\]\n/);
      const err = await session.waitFor("stderr", /Watching for file changes/);
      write(path.join(folder, "greeting.flow"), 'flow greeting {\n    say "oi"\n}\n');
      await session.waitFor("stdout", /\]\n[\s\S]*\]\n/);
      await session.settled(err);
      const runs = session.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown[]);
      expect(runs[0]).toHaveLength(1);
      expect(runs.at(-1)).toEqual([]);
    } finally {
      session.kill();
    }
  });
});
