//! Benchmark "parse": how fast `parse(text)` of `@fluxo/compiler` reads a
//! large `.flow` file, next to inkjs compiling the same conversation written
//! in ink.
//!
//! Everything runs in this process on one generated workload (≥ 40k lines by
//! default), so the figures are about the parser's own speed, not about
//! Node's start-up or file reading. inkjs is timed twice: its full compile
//! (parse + export to the runtime format, what `inklecate` does) and its
//! parser alone (`InkParser.ParseStory`), which is the closer match to
//! Fluxo's `parse`. The compiler is imported from its build output, so run
//! `tsc -b` first (`pnpm bench` does).

import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Compiler, CompilerOptions, InkParser } from "inkjs/full";
import { countLines, generateFlow, generateInk } from "./generate.mjs";
import { MiB, fmt, median, retainedHeap, timeIterations } from "./harness.mjs";

export const name = "parse";
export const description = "in-process parse of a generated ≥40k-line .flow file; inkjs compiling the same story in ink";

/** 3,000 steps is 45,010 lines of Fluxo (the brief asks for at least 40k). */
export const DEFAULT_STEPS = 3000;

const OUT_DIR = new URL("./.out/", import.meta.url);

/**
 * @param {import("./harness.mjs").BenchOptions} options
 * @returns {Promise<import("./harness.mjs").Section[]>}
 */
export async function run(options) {
  const steps = options.steps ?? DEFAULT_STEPS;
  // Every subject runs once more before its warm-up, to measure its heap and
  // check its result; that run also warms the JIT. inkjs takes seconds per
  // compile of this size, so it gets fewer samples to keep the run short.
  const fluxoCounts = { warmup: options.warmup ?? 5, iterations: options.iterations ?? 15 };
  const inkCounts = { warmup: options.warmup ?? 0, iterations: options.iterations ?? 3 };

  const flowText = generateFlow(steps);
  const inkText = generateInk(steps);
  // Written for inspection (`fluxo check bench/.out/bench.flow`); git ignores them.
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(new URL("bench.flow", OUT_DIR), flowText);
  writeFileSync(new URL("bench.ink", OUT_DIR), inkText);

  const { parse, tokenize } = await importCompiler();

  // The first call builds the lexer and the parser (Chevrotain's grammar
  // analysis): a cost every CLI run pays once, measured on a one-step flow.
  const coldText = generateFlow(1);
  const coldStart = performance.now();
  parse(coldText, "cold.flow");
  const coldMs = performance.now() - coldStart;

  // A workload with errors times error recovery, not the normal path: the
  // first run's result is checked and any problem is printed next to the
  // figures (benchmarks only print, they do not fail).
  const fluxo = measure("fluxo parse", flowText, () => parse(flowText, "bench.flow"), fluxoCounts, (result) => {
    const diagnostics = result.diagnostics;
    if (diagnostics.length === 0) return [];
    return [
      `WARNING: parse reported ${diagnostics.length} diagnostic(s) on the generated flow; its figures time error recovery:`,
      ...diagnostics.slice(0, 5).map((d) => `  ${describeDiagnostic(d, flowText)}`),
    ];
  });
  // The lexer alone, as the editor features call it (the whole token vector at once).
  const fluxoLex =
    typeof tokenize === "function"
      ? measure("fluxo lex only (tokenize)", flowText, () => tokenize(flowText, "bench.flow"), fluxoCounts)
      : undefined;
  const inkCompile = measure("inkjs compile (parse + export)", inkText, () => compileInk(inkText), inkCounts, ({ errors }) =>
    errors.length === 0 ? [] : [`WARNING: inkjs reported ${errors.length} error(s) on the generated story:`, ...errors.slice(0, 5).map((e) => `  ${e}`)],
  );
  const inkParse = measure("inkjs parse only (InkParser)", inkText, () => new InkParser(inkText).ParseStory(), inkCounts);
  const subjects = [fluxo, ...(fluxoLex ? [fluxoLex] : []), inkCompile, inkParse];
  const notes = subjects.flatMap((s) => s.warnings);

  notes.push(
    `workload: ${fmt(steps)} steps; ${fmt(fluxo.lines)} lines of Fluxo, ${fmt(inkCompile.lines)} lines of ink (same conversation)`,
    `samples: fluxo ${fluxoCounts.iterations} after ${fluxoCounts.warmup + 1} warm-up, inkjs ${inkCounts.iterations} after ${inkCounts.warmup + 1} warm-up`,
    `ratio: inkjs compile / fluxo parse = ${ratio(inkCompile, fluxo)}`,
    `ratio: inkjs parse only / fluxo parse = ${ratio(inkParse, fluxo)}`,
    `ratio in lines/s: fluxo parse / inkjs parse only = ${fmt(fluxo.linesPerSecond / inkParse.linesPerSecond, 1)}×`,
    `first parse() in this process (builds the lexer and parser; ${countLines(coldText)}-line flow): ${fmt(coldMs, 1)} ms`,
    ...(fluxoLex
      ? [
          `tokenize alone takes ${fmt((100 * fluxoLex.minMs) / fluxo.minMs)}% of a whole parse's time (min times); it is not a share of it: tokenize keeps every token, while parse streams them and lets them go as it reads (see TokenStream)`,
        ]
      : []),
  );

  return [
    {
      title: `parse: ${description}`,
      columns: ["subject", "lines", "MiB", "median ms", "min ms", "max ms", "cpu ms", "lines/s", "MiB/s", "heap retained MiB"],
      rows: subjects.map((s) => [
        s.subject,
        fmt(s.lines),
        fmt(s.bytes / MiB, 2),
        fmt(s.medianMs, 1),
        fmt(s.minMs, 1),
        fmt(s.maxMs, 1),
        fmt(s.medianCpuMs, 1),
        fmt(s.linesPerSecond),
        fmt(s.mibPerSecond, 2),
        fmt(s.retainedBytes / MiB, 1),
      ]),
      notes,
      data: { steps, firstParseMs: coldMs, subjects },
    },
  ];
}

/** `a / b` of two measured subjects, on median, minimum and CPU times (the last two are less sensitive to a busy machine). */
function ratio(a, b) {
  const r = (x, y) => `${fmt(x / y, 1)}×`;
  return `${r(a.medianMs, b.medianMs)} (median), ${r(a.minMs, b.minMs)} (min), ${r(a.medianCpuMs, b.medianCpuMs)} (cpu)`;
}

/**
 * @param {string} subject
 * @param {string} text
 * @param {() => unknown} fn
 * @param {{ warmup: number, iterations: number }} counts
 * @param {(result: any) => string[]} [check]  validates the first run's result; returns warnings
 */
function measure(subject, text, fn, counts, check = () => []) {
  let warnings = [];
  const retainedBytes = retainedHeap(() => {
    const result = fn();
    warnings = check(result);
    return result;
  });
  const { wallMs, cpuMs } = timeIterations(fn, counts);
  const lines = countLines(text);
  const bytes = Buffer.byteLength(text, "utf8");
  const medianMs = median(wallMs);
  return {
    subject,
    lines,
    bytes,
    samplesMs: wallMs,
    cpuSamplesMs: cpuMs,
    medianMs,
    minMs: Math.min(...wallMs),
    maxMs: Math.max(...wallMs),
    medianCpuMs: median(cpuMs),
    linesPerSecond: lines / (medianMs / 1000),
    mibPerSecond: bytes / MiB / (medianMs / 1000),
    retainedBytes,
    /** Problems `check` found in the first run's result. */
    warnings,
  };
}

/** inkjs's `ErrorType.Error` (Author = 0, Warning = 1, Error = 2). */
const INK_ERROR = 2;

/**
 * Compiles ink as `inklecate` does. Errors are collected by the handler;
 * without one, inkjs throws on the first error.
 */
function compileInk(text) {
  const errors = [];
  const onError = (message, type) => {
    if (type === INK_ERROR) errors.push(message);
  };
  const compiler = new Compiler(text, new CompilerOptions(null, [], false, onError, null));
  let story = null;
  try {
    story = compiler.Compile();
  } catch (error) {
    if (errors.length === 0) throw error;
  }
  return { story, errors };
}

async function importCompiler() {
  const entry = new URL("../packages/compiler/dist/index.js", import.meta.url);
  try {
    return await import(entry.href);
  } catch (error) {
    const path = fileURLToPath(entry);
    throw new Error(`cannot load the compiler from ${path}; build it first with \`npx tsc -b\` (\`pnpm bench\` does). Cause: ${error instanceof Error ? error.message : error}`);
  }
}

function describeDiagnostic(d, text) {
  const offset = d.range?.start ?? 0;
  const line = countLines(text.slice(0, offset + 1));
  return `${d.code ?? "?"} line ${line}: ${d.message ?? JSON.stringify(d)}`;
}
