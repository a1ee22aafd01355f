#!/usr/bin/env node
//! Compiles an ink story with inkjs's compiler, as `inklecate` does: the
//! subject the `check` benchmark times as a whole process (Node start-up,
//! loading `inkjs/full`, reading the file, compiling), beside a whole
//! `fluxo check` process.
//!
//!     node bench/ink-compile.mjs story.ink               compile; print errors
//!     node bench/ink-compile.mjs story.ink --out x.json  also write the runtime JSON
//!
//! Exit status: 0 compiled (warnings are printed on stderr), 1 errors, 2 usage.
//! Without `--out` the compiled story is not serialised to JSON: `fluxo
//! check` emits nothing either, so the two processes do comparable work
//! (read, parse, resolve and check; ink also builds its runtime tree).

import { readFileSync, writeFileSync } from "node:fs";
import { Compiler, CompilerOptions } from "inkjs/full";

/** inkjs's `ErrorType` (Author = 0, Warning = 1, Error = 2). */
const INK_WARNING = 1;
const INK_ERROR = 2;

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
const inputs = outIndex >= 0 ? args.filter((_, i) => i !== outIndex && i !== outIndex + 1) : args;
if (inputs.length !== 1 || (outIndex >= 0 && out === undefined)) {
  process.stderr.write("usage: node bench/ink-compile.mjs story.ink [--out story.json]\n");
  process.exit(2);
}

const errors = [];
const onError = (message, type) => {
  if (type === INK_ERROR) errors.push(message);
  else if (type === INK_WARNING) process.stderr.write(`warning: ${message}\n`);
};
// Without an error handler inkjs throws on the first error; with one it
// collects them all, and Compile() may still throw after the first.
const compiler = new Compiler(readFileSync(inputs[0], "utf8"), new CompilerOptions(null, [], false, onError, null));
let story = null;
try {
  story = compiler.Compile();
} catch (error) {
  if (errors.length === 0) throw error;
}
if (errors.length > 0 || story === null) {
  for (const message of errors) process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
} else if (out !== undefined) {
  writeFileSync(out, story.ToJson());
}
