//! The errors the CLI reports as one line on stderr with exit status 2
//! (TOOLING §1: "errors in the tool itself print one clear line and exit 2").
//!
//! Anything else that escapes a command is a bug in fluxo: `main` reports it
//! as an internal error, with the stack trace only under `--verbose`.

/** A mistake in how fluxo was called, or an I/O problem: one line, exit status 2. */
export class CliError extends Error {
  override readonly name = "CliError";
}

/** A Node.js system error (`ENOENT`, `EACCES`, …). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

const systemErrorText: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many levels of symbolic links",
  EMFILE: "too many open files",
  ENAMETOOLONG: "the name is too long",
  EIO: "input/output error",
};

/** Describes a file-system error in a few words, without Node's `CODE: …, open '…'` noise. */
export function describeFsError(error: unknown): string {
  if (isSystemError(error) && error.code && error.code in systemErrorText) return systemErrorText[error.code]!;
  if (error instanceof Error) return error.message;
  return String(error);
}
