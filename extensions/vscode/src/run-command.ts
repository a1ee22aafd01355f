//! The command line "Fluxo: Run Flow in Terminal" types into a terminal:
//! `fluxo run <file> --flow <name>`, with the `fluxo` the workspace has
//! installed (`node_modules/.bin/fluxo`, searched from the file's folder up
//! to the workspace folder), the CLI's own bin when the workspace is the
//! Fluxo repository itself, a `fluxo` on the PATH (a global install), or else
//! `npx -p @fluxo/cli fluxo`: the CLI's package is scoped, and `npx fluxo`
//! would fetch the unrelated unscoped `fluxo` package. Arguments are quoted
//! for the terminal's shell (POSIX shells, PowerShell, cmd). Pure functions:
//! the file system, the environment and the platform come in as parameters.

import path from "node:path";

export type ShellKind = "posix" | "powershell" | "cmd";

/** The kind of shell a terminal runs, from its executable's path (VS Code's `env.shell`). */
export function shellKindOf(shellPath: string | undefined, platform: NodeJS.Platform): ShellKind {
  const name = (shellPath ?? "").split(/[\\/]/).pop()?.toLowerCase() ?? "";
  if (/^(pwsh|powershell)(\.exe)?$/.test(name)) return "powershell";
  if (/^cmd(\.exe)?$/.test(name)) return "cmd";
  if (name === "" && platform === "win32") return "powershell";
  return "posix";
}

/** `arg` as one word of a command line in `shell` (left bare when nothing in it needs quoting). */
export function quoteArgument(arg: string, shell: ShellKind): string {
  // PowerShell reads a word starting with `@` as splatting (`@fluxo/cli` would expand `$fluxo`).
  const bare = !(shell === "powershell" && arg.startsWith("@"));
  if (bare && (/^[A-Za-z0-9_./:@+=,-]+$/.test(arg) || (shell !== "posix" && /^[A-Za-z0-9_.\\:@+=,-]+$/.test(arg)))) return arg;
  switch (shell) {
    case "posix":
      return `'${arg.replace(/'/g, `'\\''`)}'`;
    case "powershell":
      return `'${arg.replace(/'/g, "''")}'`;
    case "cmd":
      return `"${arg.replace(/"/g, '""')}"`;
    default: {
      const unknown: never = shell;
      throw new Error(`unknown shell ${String(unknown)}`);
    }
  }
}

/** The npm package of the CLI (`packages/cli/package.json`), whose bin is `fluxo`. */
export const cliPackage = "@fluxo/cli";

/**
 * The program words that start the CLI: the nearest `node_modules/.bin/fluxo`
 * from `fileDir` up to `workspaceRoot` (both included); the CLI's bin in a
 * checkout of the Fluxo repository (`packages/cli/bin/fluxo.js`, run with
 * `node`); `fluxo` when a directory of the PATH has it (with one of PATHEXT's
 * extensions on Windows); else `npx -p @fluxo/cli fluxo`.
 */
export function findFluxo(
  fileDir: string,
  workspaceRoot: string | undefined,
  exists: (file: string) => boolean,
  platform: NodeJS.Platform,
  env: { PATH?: string | undefined; PATHEXT?: string | undefined } = {},
): string[] {
  const paths = platform === "win32" ? path.win32 : path.posix;
  const bin = platform === "win32" ? "fluxo.cmd" : "fluxo";
  const root = workspaceRoot ?? fileDir;
  const inside = !paths.relative(root, fileDir).startsWith("..");
  let dir = inside ? fileDir : root;
  for (;;) {
    const candidate = paths.join(dir, "node_modules", ".bin", bin);
    if (exists(candidate)) return [candidate];
    if (dir === root) break;
    const parent = paths.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const repositoryBin = paths.join(root, "packages", "cli", "bin", "fluxo.js");
  if (exists(repositoryBin)) return ["node", repositoryBin];
  if (onPath(env, exists, platform)) return ["fluxo"];
  return ["npx", "-p", cliPackage, "fluxo"];
}

/** Whether an absolute directory of the PATH holds a `fluxo` the shell would run. */
function onPath(env: { PATH?: string | undefined; PATHEXT?: string | undefined }, exists: (file: string) => boolean, platform: NodeJS.Platform): boolean {
  const paths = platform === "win32" ? path.win32 : path.posix;
  const names =
    platform === "win32"
      ? (env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD")
          .split(";")
          .filter((ext) => ext !== "")
          .map((ext) => `fluxo${ext.toLowerCase()}`)
      : ["fluxo"];
  // Relative entries (`.`, empty) depend on the terminal's folder: they are not a global install.
  const dirs = (env.PATH ?? "").split(paths.delimiter).filter((dir) => dir !== "" && paths.isAbsolute(dir));
  return dirs.some((dir) => names.some((name) => exists(paths.join(dir, name))));
}

/** The whole command line: `<program> run <file> --flow <flow>`, `file` relative to `cwd` when it is inside it. */
export function runCommandLine(program: readonly string[], file: string, flow: string, cwd: string | undefined, shell: ShellKind): string {
  const paths = shell === "posix" ? path.posix : path.win32;
  let shown = file;
  if (cwd) {
    const relative = paths.relative(cwd, file);
    if (relative !== "" && !relative.startsWith("..") && !paths.isAbsolute(relative)) shown = relative;
  }
  const words = [...program, "run", shown, "--flow", flow].map((word) => quoteArgument(word, shell));
  // PowerShell runs a quoted program only through the call operator.
  if (shell === "powershell" && words[0]!.startsWith("'")) words[0] = `& ${words[0]}`;
  return words.join(" ");
}
