//! Shared measuring and printing helpers for the benchmarks.
//!
//! A benchmark module (`bench/<name>.mjs`) exports `name`, `description` and
//! `run(options)`, which returns a list of `Section`s: plain data (a title,
//! column names, rows of cells, notes), so `run.mjs` can print them as tables
//! or as JSON without knowing what was measured. Benchmarks print figures;
//! they never pass or fail on a time.

import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";

/**
 * @typedef {object} Section
 * @property {string} title
 * @property {string[]} columns
 * @property {(string | number)[][]} rows  cells; numbers are right-aligned
 * @property {string[]} [notes]  lines printed under the table
 */

/**
 * @typedef {object} BenchOptions
 * @property {number | undefined} iterations  timed iterations (each benchmark has its default)
 * @property {number | undefined} warmup  untimed iterations before timing
 * @property {number | undefined} steps  workload size in generated steps
 */

// `gc()` without asking the caller for `node --expose-gc`: the flag can be
// set at run time, and a fresh context then sees the `gc` global.
setFlagsFromString("--expose-gc");
const collectGarbage = /** @type {() => void} */ (runInNewContext("gc"));

/** Runs a full, synchronous garbage collection (twice, to settle weak refs). */
export function gc() {
  collectGarbage();
  collectGarbage();
}

/**
 * `heapUsed` after collecting until it stops shrinking: sweeping can finish
 * after `gc()` returns, so one reading may still count freed memory.
 */
function settledHeapUsed() {
  let used = Infinity;
  for (let i = 0; i < 5; i++) {
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now >= used * 0.999) return Math.min(now, used);
    used = now;
  }
  return used;
}

/**
 * Times `fn` `iterations` times after `warmup` untimed calls.
 *
 * Each run is measured twice: wall time, and the CPU time of the process
 * (user + system, all threads, so V8's helper threads for GC and compilation
 * count too). On a busy machine wall time grows with the wait for a CPU;
 * CPU time mostly does not, so it is the steadier of the two there.
 *
 * `collect` (default true) runs one full GC before each timed run, so that
 * a run does not pay for the garbage of the one before. One, not the two of
 * `gc()`: a second full GC in a row finds nothing more to free and gives the
 * heap's pages back to the system, and the next run then pays for faulting
 * them in again. On the benchmark machine (a VM where a page fault costs
 * about 9 µs) that made a 45k-line parse about 1.6× slower (380 against
 * 230 ms; 14k page faults a run against 2.5k), a cost of a process's first
 * allocations, not of the code measured. The whole-process benchmark
 * (`check.mjs`) is where start-up costs are measured. Leave `collect` on
 * for runs of a second or more; turn it off for short runs of code that only
 * makes short-lived garbage (the runtime's walks): a forced full GC ages the
 * bytecode and type feedback of functions V8 runs rarely, and the next run,
 * tens of milliseconds long, then pays for deoptimising and optimising again,
 * which a real host does not (measured: 2-3× the CPU of a walk).
 * @param {() => unknown} fn
 * @param {{ warmup: number, iterations: number, collect?: boolean }} counts
 * @returns {{ wallMs: number[], cpuMs: number[] }} durations in milliseconds, in run order
 */
export function timeIterations(fn, { warmup, iterations, collect = true }) {
  for (let i = 0; i < warmup; i++) fn();
  const wallMs = [];
  const cpuMs = [];
  for (let i = 0; i < iterations; i++) {
    if (collect) collectGarbage(); // keep one iteration's garbage from being collected in the next one's time
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    fn();
    wallMs.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  return { wallMs, cpuMs };
}

/**
 * `timeIterations` for a function that returns a promise: each run is timed
 * until its promise settles. Used for the runtime's engine, whose turns are
 * async (a turn may wait on a host action), though they run no I/O here.
 * @param {() => Promise<unknown>} fn
 * @param {{ warmup: number, iterations: number, collect?: boolean }} counts  as for `timeIterations`
 * @returns {Promise<{ wallMs: number[], cpuMs: number[] }>}
 */
export async function timeIterationsAsync(fn, { warmup, iterations, collect = true }) {
  for (let i = 0; i < warmup; i++) await fn();
  const wallMs = [];
  const cpuMs = [];
  for (let i = 0; i < iterations; i++) {
    if (collect) collectGarbage();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await fn();
    wallMs.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  return { wallMs, cpuMs };
}

/**
 * Bytes of heap still used after a collection while the result of `fn` is
 * alive: what the produced value (tree, compiled story…) costs to keep.
 * @param {() => unknown} fn
 * @returns {number}
 */
export function retainedHeap(fn) {
  const before = settledHeapUsed();
  const value = fn();
  const after = settledHeapUsed();
  keepAlive(value);
  return Math.max(0, after - before);
}

let sink;
function keepAlive(value) {
  sink = value;
  sink = undefined;
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const MiB = 1024 * 1024;

/** A number with thousands separators and at most `digits` decimals. */
export function fmt(value, digits = 0) {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Renders a section as an aligned plain-text table.
 * @param {Section} section
 * @returns {string}
 */
export function renderSection(section) {
  const cells = [section.columns, ...section.rows.map((row) => row.map((cell) => String(cell)))];
  const numeric = section.columns.map((_, c) => section.rows.every((row) => typeof row[c] === "number" || /^(?:[-+]?[\d,.]+[×%x]?|-|n\/a)$/.test(String(row[c]))));
  const widths = section.columns.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? "").length)));
  const line = (row) =>
    row
      .map((cell, c) => (numeric[c] && c > 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  const out = [section.title, "", line(cells[0]), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of cells.slice(1)) out.push(line(row));
  if (section.notes?.length) out.push("", ...section.notes);
  return out.join("\n");
}
