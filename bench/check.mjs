//! Benchmark "check": a whole `fluxo check` process on the generated
//! 3,000-step flow, beside a whole inkjs compile process on the same
//! conversation written in ink (`bench/ink-compile.mjs`).
//!
//! Both subjects are child processes, timed from spawn to exit, so both pay
//! what a user waits for: Node's start-up, loading the tool's code (Fluxo's
//! single-file CLI bundle, `inkjs/full`), reading the file, and the work.
//! Two reference rows show the fixed part: a bare `node -e 0`, and `fluxo
//! --version` (Node plus loading the CLI bundle, no checking).
//!
//! CPU time of a child comes from GNU `/usr/bin/time` when it is installed,
//! else from a preloaded module that records the child's own
//! `process.resourceUsage()` as it exits (Node ≥ 20.6's `--import`).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { countLines, generateFlow, generateInk } from "./generate.mjs";
import { MiB, fmt, median } from "./harness.mjs";

export const name = "check";
export const description = "whole-process `fluxo check` of a generated 3,000-step flow; a whole inkjs compile process on the same story";

export const DEFAULT_STEPS = 3000;

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Paths relative to the workspace root, as a user would type them (children run there). */
const FLOW_PATH = "bench/.out/check/bench.flow";
const INK_PATH = "bench/.out/check/bench.ink";
const FLUXO_BIN = "packages/cli/bin/fluxo.js";
const INK_COMPILE = "bench/ink-compile.mjs";

/**
 * @param {import("./harness.mjs").BenchOptions} options
 * @returns {Promise<import("./harness.mjs").Section[]>}
 */
export async function run(options) {
  const steps = options.steps ?? DEFAULT_STEPS;
  // A child run is seconds long, and each one starts cold (a new process);
  // the untimed checking run before them warms the file cache.
  const fluxoCounts = { warmup: options.warmup ?? 0, iterations: options.iterations ?? 7 };
  const inkCounts = { warmup: options.warmup ?? 0, iterations: options.iterations ?? 3 };

  if (!existsSync(join(ROOT, "packages/cli/dist/fluxo.mjs")) && !existsSync(join(ROOT, "packages/cli/dist/main.js"))) {
    throw new Error("the CLI is not built; run `pnpm build` (or `npx tsc -b && node packages/cli/scripts/bundle.mjs`) first");
  }
  const cliBuild = existsSync(join(ROOT, "packages/cli/dist/fluxo.mjs")) ? "dist/fluxo.mjs (single-file bundle)" : "dist/main.js (unbundled modules: slower start-up)";

  const flowText = generateFlow(steps);
  const inkText = generateInk(steps);
  mkdirSync(join(ROOT, "bench/.out/check"), { recursive: true });
  writeFileSync(join(ROOT, FLOW_PATH), flowText);
  writeFileSync(join(ROOT, INK_PATH), inkText);

  const timer = childTimer();
  const notes = [];

  // One untimed run of each tool checks that the workload is valid: timing
  // error recovery or an early failure would print misleading figures.
  const validation = runChild(timer, [FLUXO_BIN, "check", "--format", "json", "--verbose", FLOW_PATH]);
  notes.push(...checkFluxoResult(validation));
  const project = /^fluxo: (project .*)$/m.exec(validation.stderr)?.[1];
  const checkedIn = /checked in (\d+) ms/.exec(validation.stderr)?.[1];
  const inkValidation = runChild(timer, [INK_COMPILE, INK_PATH]);
  if (inkValidation.status !== 0) {
    notes.push(`WARNING: ink-compile exited with ${inkValidation.status}; its figures may time a failure:`, ...indent(inkValidation.stderr, 5));
  }

  const subjects = [
    measureChild("node start-up (node -e 0)", timer, ["-e", "0"], fluxoCounts),
    measureChild("fluxo --version (start-up + CLI load)", timer, [FLUXO_BIN, "--version"], fluxoCounts),
    measureChild("fluxo check", timer, [FLUXO_BIN, "check", FLOW_PATH], fluxoCounts, countLines(flowText)),
    measureChild("inkjs compile (ink-compile.mjs)", timer, [INK_COMPILE, INK_PATH], inkCounts, countLines(inkText)),
  ];
  const [node, version, fluxo, ink] = subjects;
  for (const s of subjects) if (s.failures > 0) notes.push(`WARNING: ${s.subject}: ${s.failures} of ${s.wallMs.length} runs exited with a non-zero status`);

  const r = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 1)}×` : "n/a");
  notes.push(
    `workload: ${fmt(steps)} steps; ${FLOW_PATH} (${fmt(fluxo.lines)} lines), ${INK_PATH} (${fmt(ink.lines)} lines), the same conversation`,
    `commands (cwd = workspace root): node ${FLUXO_BIN} check ${FLOW_PATH}  |  node ${INK_COMPILE} ${INK_PATH}`,
    `CLI loaded from packages/cli/${cliBuild}${project ? `; ${project}` : ""}`,
    `samples: fluxo ${fluxoCounts.iterations} (after ${fluxoCounts.warmup} warm-up), inkjs ${inkCounts.iterations} (after ${inkCounts.warmup}), each after one untimed checking run`,
    `cpu time and peak RSS of each child: ${timer.kind === "time" ? "GNU /usr/bin/time (user + sys, 10 ms resolution)" : "the child's process.resourceUsage() at exit (preloaded with --import)"}`,
    `ratio inkjs compile / fluxo check (target ≥ 10×): ${r(ink.medianMs, fluxo.medianMs)} (median), ${r(ink.minMs, fluxo.minMs)} (min), ${r(ink.medianCpuMs, fluxo.medianCpuMs)} (cpu)`,
    `fluxo check minus fluxo --version (the checking itself, medians): ${fmt(fluxo.medianMs - version.medianMs)} ms wall, ${fmt(fluxo.medianCpuMs - version.medianCpuMs)} ms cpu; start-up + CLI load is ${fmt((100 * version.medianCpuMs) / fluxo.medianCpuMs)}% of its cpu`,
    ...(checkedIn ? [`fluxo --verbose reported "checked in ${checkedIn} ms" on the checking run (load + check, inside the process)`] : []),
    `node start-up alone: ${fmt(node.medianMs)} ms wall, ${fmt(node.medianCpuMs)} ms cpu (median)`,
  );

  return [
    {
      title: `check: ${description}`,
      columns: ["subject", "lines", "median ms", "min ms", "max ms", "cpu ms", "peak RSS MiB", "lines/s"],
      rows: subjects.map((s) => [
        s.subject,
        s.lines ? fmt(s.lines) : "-",
        fmt(s.medianMs),
        fmt(s.minMs),
        fmt(s.maxMs),
        Number.isFinite(s.medianCpuMs) ? fmt(s.medianCpuMs) : "n/a",
        Number.isFinite(s.medianRssKiB) ? fmt(s.medianRssKiB / 1024, 1) : "n/a",
        s.lines ? fmt(s.lines / (s.medianMs / 1000)) : "-",
      ]),
      notes,
      data: { steps, timer: timer.kind, checkedInMs: checkedIn ? Number(checkedIn) : null, subjects },
    },
  ];
}

/** Reads the JSON diagnostics of the checking run; returns warnings to print (none when the flow checks clean). */
function checkFluxoResult(result) {
  let diagnostics;
  try {
    diagnostics = JSON.parse(result.stdout);
  } catch {
    return [`WARNING: fluxo check exited with ${result.status} and no JSON on stdout; its figures may time a failure:`, ...indent(result.stderr, 5)];
  }
  if (!Array.isArray(diagnostics) || diagnostics.length === 0) return result.status === 0 ? [] : [`WARNING: fluxo check exited with ${result.status}`];
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return [
    `${errors > 0 ? "WARNING" : "note"}: fluxo check reported ${diagnostics.length} diagnostic(s) (${errors} error(s)) on the generated flow${errors > 0 ? "; its figures time an error path" : ""}:`,
    ...diagnostics.slice(0, 5).map((d) => `  ${d.severity} ${d.code} line ${d.line}: ${d.message}`),
  ];
}

function indent(text, lines) {
  return text
    .trim()
    .split("\n")
    .slice(0, lines)
    .map((line) => `  ${line}`);
}

/**
 * How to get a child's CPU time: GNU time when present (it reports
 * everything the process used, exit included), else a preloaded module.
 * @returns {{ kind: "time" | "preload", file: string }}
 */
function childTimer() {
  const file = join(tmpdir(), `fluxo-bench-rusage-${process.pid}`);
  const probe = existsSync("/usr/bin/time") ? spawnSync("/usr/bin/time", ["-f", "%U", "-o", file, "true"]) : undefined;
  if (probe && probe.status === 0) return { kind: "time", file };
  return { kind: "preload", file };
}

/** Records the process's resource usage when it exits: user µs, system µs, max RSS KiB. */
const PRELOAD =
  "data:text/javascript," +
  encodeURIComponent(
    'import{writeFileSync}from"node:fs";process.on("exit",()=>{const r=process.resourceUsage();writeFileSync(process.env.FLUXO_BENCH_RUSAGE,`${r.userCPUTime} ${r.systemCPUTime} ${r.maxRSS}`)});',
  );

/**
 * Runs `node …args` in the workspace root and waits for it.
 * @returns {{ status: number | null, stdout: string, stderr: string, wallMs: number, cpuMs: number, rssKiB: number }}
 */
function runChild(timer, args) {
  rmSync(timer.file, { force: true });
  const [command, argv] =
    timer.kind === "time"
      ? ["/usr/bin/time", ["-f", "%U %S %M", "-o", timer.file, process.execPath, ...args]]
      : [process.execPath, [`--import=${PRELOAD}`, ...args]];
  const start = performance.now();
  const child = spawnSync(command, argv, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * MiB,
    env: { ...process.env, FLUXO_BENCH_RUSAGE: timer.file, NO_COLOR: "1" },
  });
  const wallMs = performance.now() - start;
  if (child.error) throw child.error;
  let cpuMs = NaN;
  let rssKiB = NaN;
  try {
    // GNU time prefixes "Command exited with non-zero status N" lines; the figures are the last line.
    const fields = readFileSync(timer.file, "utf8").trim().split("\n").at(-1).split(" ").map(Number);
    if (timer.kind === "time") [cpuMs, rssKiB] = [(fields[0] + fields[1]) * 1000, fields[2]];
    else [cpuMs, rssKiB] = [(fields[0] + fields[1]) / 1000, fields[2]];
  } catch {
    // no figures: the child died before writing them; reported as n/a
  }
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, wallMs, cpuMs, rssKiB };
}

function measureChild(subject, timer, args, { warmup, iterations }, lines = 0) {
  for (let i = 0; i < warmup; i++) runChild(timer, args);
  const runs = [];
  for (let i = 0; i < iterations; i++) runs.push(runChild(timer, args));
  const wallMs = runs.map((r) => r.wallMs);
  const cpuMs = runs.map((r) => r.cpuMs).filter(Number.isFinite);
  const rss = runs.map((r) => r.rssKiB).filter(Number.isFinite);
  return {
    subject,
    args,
    lines,
    wallMs,
    cpuMs,
    medianMs: median(wallMs),
    minMs: Math.min(...wallMs),
    maxMs: Math.max(...wallMs),
    medianCpuMs: cpuMs.length > 0 ? median(cpuMs) : NaN,
    medianRssKiB: rss.length > 0 ? median(rss) : NaN,
    failures: runs.filter((r) => r.status !== 0).length,
  };
}
