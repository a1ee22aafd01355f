//! What a command needs from the process: the folder relative paths mean,
//! the environment, and the two output streams. `main` builds it from the real
//! process; unit tests pass their own.

import path from "node:path";

/** A place to write text to (process.stdout, or a buffer in tests). */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliContext {
  /** The folder that relative paths and "the current folder" mean (see `userDirectory`). */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: OutputStream;
  stderr: OutputStream;
}

/**
 * The folder the user typed the command in.
 *
 * A package-manager script runs in the package's folder, but the user typed
 * their paths in the folder they were in; npm and pnpm keep it in `INIT_CWD`
 * (TOOLING §1). When the script itself changed folder first
 * (`"check": "cd flows && fluxo check ."`) the paths in it are relative to
 * that folder instead, so `INIT_CWD` is used only while the process still runs
 * in the folder of the package whose script started it (`npm_package_json`).
 */
export function userDirectory(processCwd: string, env: Readonly<Record<string, string | undefined>>): string {
  const initCwd = env["INIT_CWD"];
  if (!initCwd) return processCwd;
  const packageJson = env["npm_package_json"];
  if (packageJson && path.resolve(path.dirname(packageJson)) !== path.resolve(processCwd)) return processCwd;
  return path.resolve(processCwd, initCwd);
}

/**
 * Whether to colour output written to `stream`: on a terminal by default,
 * also when piped with `--pretty true` (or `FORCE_COLOR`), never with
 * `--pretty false` or when `NO_COLOR` is set to a non-empty value.
 */
export function shouldColor(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
  pretty: boolean | undefined,
): boolean {
  if (pretty === false) return false;
  if (env["NO_COLOR"]) return false;
  if (pretty === true) return true;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "" ) return force !== "0" && force !== "false";
  return stream.isTTY === true && env["TERM"] !== "dumb";
}
