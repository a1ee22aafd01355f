//! `pnpm bench`: runs the benchmarks and prints their figures.
//!
//!     node bench/run.mjs                 every benchmark
//!     node bench/run.mjs parse           only the named ones
//!     node bench/run.mjs --iterations 5 --warmup 1 --steps 3000 --json
//!
//! Each benchmark is a module of this folder exporting `name`, `description`
//! and `run(options)`, which returns sections (tables as plain data, see
//! harness.mjs). Adding one is a line in `BENCHMARKS`. A benchmark that
//! throws is reported and the others still run; the exit code is then 1.
//! Figures are printed, never compared with a threshold.

import { existsSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { renderSection } from "./harness.mjs";

/** Benchmarks whose modules other work adds later: listed only once their file exists. */
const optional = (file) => (existsSync(new URL(file, import.meta.url)) ? { [file.slice(2, -4)]: () => import(file) } : {});

/** Every benchmark, in run order: name → loader of its module. */
const BENCHMARKS = {
  parse: () => import("./parse.mjs"),
  check: () => import("./check.mjs"),
  runtime: () => import("./runtime.mjs"),
  size: () => import("./size.mjs"),
  ...optional("./receive.mjs"),
  ...optional("./lsp.mjs"),
};

const USAGE = `usage: node bench/run.mjs [name…] [--iterations N] [--warmup N] [--steps N] [--json]
benchmarks: ${Object.keys(BENCHMARKS).join(", ")}`;

function parseArgs(argv) {
  const names = [];
  const options = { iterations: undefined, warmup: undefined, steps: undefined };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split("=", 2);
    const value = () => {
      const raw = inline ?? argv[++i];
      const n = Number(raw);
      if (!Number.isInteger(n) || n < (flag === "--warmup" ? 0 : 1)) fail(`${flag} needs a positive integer, got ${raw}`);
      return n;
    };
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === "--json") json = true;
    else if (flag === "--iterations") options.iterations = value();
    else if (flag === "--warmup") options.warmup = value();
    else if (flag === "--steps") options.steps = value();
    else if (arg.startsWith("-")) fail(`unknown option ${arg}`);
    else if (!(arg in BENCHMARKS)) fail(`unknown benchmark '${arg}'`);
    else names.push(arg);
  }
  return { names: names.length > 0 ? names : Object.keys(BENCHMARKS), options, json };
}

/** CPU and load, to judge how noisy the figures may be (a load above the CPU count means contention). */
function machine() {
  const model = cpus()[0]?.model.trim() ?? "unknown CPU";
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  return `${availableParallelism()} × ${model}, load ${load}`;
}

function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { names, options, json } = parseArgs(process.argv.slice(2));
const results = {};
let failed = false;

if (!json) {
  console.log(`Fluxo benchmarks — Node ${process.version}, ${process.platform}/${process.arch}, ${machine()}`);
  console.log("");
}
for (const name of names) {
  try {
    const started = performance.now();
    const benchmark = await BENCHMARKS[name]();
    const sections = await benchmark.run(options);
    results[name] = sections;
    if (!json) {
      for (const section of sections) console.log(renderSection(section) + "\n");
      // Long runs outlast the header's load figure: the load at the end tells whether it changed.
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`(${name}: ${seconds} s; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")})\n`);
    }
  } catch (error) {
    failed = true;
    results[name] = { error: String(error instanceof Error ? error.message : error) };
    console.error(`benchmark '${name}' failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  }
}
if (json) {
  const data = Object.fromEntries(
    Object.entries(results).map(([name, value]) => [name, Array.isArray(value) ? value.map((s) => s.data ?? s) : value]),
  );
  const report = { node: process.version, platform: `${process.platform}/${process.arch}`, machine: machine(), results: data };
  console.log(JSON.stringify(report, null, 2));
}
process.exitCode = failed ? 1 : 0;
