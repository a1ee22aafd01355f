// Runs the `fluxo` CLI in this process (its `main`, as `bin/fluxo.js` does),
// capturing what it writes: for tests of a command's output and exit status
// that need no child process.

import type { CliContext } from "../src/context.js";
import { main } from "../src/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `fluxo …args` in `cwd`, with an empty environment. */
export async function runFluxo(args: string[], cwd: string): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd,
    env: {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/**
 * A context for running a command in process as if on a terminal: what it
 * writes on stdout is kept (`stdout()`) and shown to `onWrite`, which can
 * answer a prompt (text without a newline at its end); stderr is dropped.
 */
export function terminal(cwd: string, onWrite: (text: string) => void): { context: CliContext; stdout: () => string } {
  let stdout = "";
  const context: CliContext = {
    cwd,
    env: {},
    stdout: {
      write: (text: string) => {
        stdout += text;
        onWrite(text);
      },
    },
    stderr: { write: () => true },
  };
  return { context, stdout: () => stdout };
}
