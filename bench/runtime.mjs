//! Benchmark "runtime": how fast `@fluxo/runtime` runs a conversation, next
//! to inkjs playing the same conversation written in ink.
//!
//! In this process: the generated 3,000-step flow is checked and lowered to
//! a bundle (`createProgram` + `lowerProgram` of the compiler's build), and
//! the ink story is compiled by inkjs. Then
//!
//! - walks: one conversation from start to end, answering every `choose`
//!   ("1", "2", "3" in rotation) through `engine.start` / `engine.reply`;
//!   inkjs plays the same path with `ContinueMaximally()` and
//!   `ChooseChoiceIndex(i)`. Figures: turns (replies) per second and choices
//!   per second;
//! - load: `loadBundle(JSON.parse(text))` against `new Story(json)`, both
//!   from the JSON text, as a host that reads the bundle from disk does;
//! - sizes of the two JSON artifacts.
//!
//! The first walk of each side is untimed and checked: both must make the
//! same number of choices and tell the same lines, or the figures would
//! compare different work.

import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Compiler, CompilerOptions } from "inkjs/full";
import { Story } from "inkjs";
import { generateFlow, generateInk } from "./generate.mjs";
import { MiB, fmt, median, retainedHeap, timeIterations, timeIterationsAsync } from "./harness.mjs";

export const name = "runtime";
export const description = "walking a generated 3,000-step conversation with @fluxo/runtime (turns/s) and with inkjs (choices/s); bundle load time and size";

export const DEFAULT_STEPS = 3000;

const OUT_DIR = new URL("./.out/runtime/", import.meta.url);
/** The replies of a walk, in rotation: option 1, 2, 3 (ink: choice index 0, 1, 2). */
const REPLIES = ["1", "2", "3"];

/**
 * @param {import("./harness.mjs").BenchOptions} options
 * @returns {Promise<import("./harness.mjs").Section[]>}
 */
export async function run(options) {
  const steps = options.steps ?? DEFAULT_STEPS;
  const walkCounts = { fluxo: { warmup: options.warmup ?? 5, iterations: options.iterations ?? 20 }, ink: { warmup: options.warmup ?? 2, iterations: options.iterations ?? 5 } };
  const loadCounts = { warmup: options.warmup ?? 1, iterations: options.iterations ?? 5 };
  const { createProgram, lowerProgram, emitJson } = await importBuilt("compiler");
  const { loadBundle, createEngine } = await importBuilt("runtime");
  const notes = [];

  // ---------------------------------------------------------------- build
  mkdirSync(OUT_DIR, { recursive: true });
  const built = buildBundle(generateFlow(steps), createProgram, lowerProgram, emitJson);
  const bundleText = built.bundleText;
  notes.push(...built.notes);
  writeFileSync(new URL("bench.flows.json", OUT_DIR), bundleText);

  const inkText = generateInk(steps);
  writeFileSync(new URL("bench.ink", OUT_DIR), inkText);
  const start = performance.now();
  const inkJson = compileInk(inkText, notes);
  const inkCompileMs = performance.now() - start;
  writeFileSync(new URL("bench.ink.json", OUT_DIR), inkJson);

  // ---------------------------------------------------------------- walks
  const loaded = loadBundle(JSON.parse(bundleText));
  const engineMs = timeOnce(() => createEngine(loaded));
  const engine = createEngine(loaded);
  const story = new Story(inkJson);
  story.onError = (message) => notes.push(`WARNING: inkjs error during a walk: ${message}`);

  const fluxoCheck = await walkFluxo(engine, []);
  const inkCheck = walkInk(story, []);
  notes.push(...compareWalks(fluxoCheck, inkCheck, steps));

  // No forced GC between walks (see timeIterations): a walk is tens of
  // milliseconds and makes only short-lived garbage, collected during the walk.
  const fluxoWalk = await timeIterationsAsync(() => walkFluxo(engine), { ...walkCounts.fluxo, collect: false });
  const inkWalk = timeIterations(() => walkInk(story), { ...walkCounts.ink, collect: false });
  const walks = [walkFigures("fluxo engine.reply", fluxoCheck.replies, fluxoWalk), walkFigures("inkjs ChooseChoiceIndex", inkCheck.choices, inkWalk)];
  const [fw, iw] = walks;

  // ----------------------------------------------------------------- load
  const fluxoLoad = measure("fluxo loadBundle(JSON.parse(text))", () => loadBundle(JSON.parse(bundleText)), loadCounts);
  const fluxoParse = measure("  of which JSON.parse(text)", () => JSON.parse(bundleText), loadCounts);
  const inkLoad = measure("inkjs new Story(json)", () => new Story(inkJson), loadCounts);
  const inkParse = measure("  of which JSON.parse(json)", () => JSON.parse(inkJson), loadCounts);

  // ---------------------------------------------------------------- sizes
  const sizes = [
    { artifact: "fluxo bundle (emitJson)", bytes: Buffer.byteLength(bundleText), gzip: gzipSync(bundleText, { level: 9 }).length },
    { artifact: "ink runtime JSON (ToJson)", bytes: Buffer.byteLength(inkJson), gzip: gzipSync(inkJson, { level: 9 }).length },
  ];

  const r = (a, b) => `${fmt(a / b, 1)}×`;
  const walkNotes = [
    `per walk: fluxo ${fmt(fluxoCheck.replies)} replies after start (ended: ${fluxoCheck.endReason ?? fluxoCheck.status}), inkjs ${fmt(inkCheck.choices)} choices (ended: ${inkCheck.ended ? "no choices left" : "NO"}), for ${fmt(steps)} steps`,
    `ratio fluxo turns/s / inkjs choices/s (target ≥ 10×): ${r(fw.perSecond, iw.perSecond)} (median), ${r(iw.minMs / iw.count, fw.minMs / fw.count)} (min), ${r(fw.perCpuSecond, iw.perCpuSecond)} (cpu)`,
    `samples: fluxo ${walkCounts.fluxo.iterations} walks after ${walkCounts.fluxo.warmup + 1} warm-up, inkjs ${walkCounts.ink.iterations} after ${walkCounts.ink.warmup + 1}; a fluxo walk is one engine.start + the replies, an inkjs walk is ResetState() + ContinueMaximally/ChooseChoiceIndex to the end`,
    `state a host stores between turns, at the last question: fluxo ${fmt(fluxoCheck.stateBytes)} bytes (JSON of turn.state), inkjs ${fmt(inkCheck.stateBytes)} bytes (story.state.ToJson(); its visit counts grow with the walk)`,
  ];
  const loadNotes = [
    `ratio inkjs new Story / fluxo loadBundle: ${r(inkLoad.medianMs, fluxoLoad.medianMs)} (median), ${r(inkLoad.medianCpuMs, fluxoLoad.medianCpuMs)} (cpu); then createEngine(bundle): ${fmt(engineMs, 2)} ms (one run)`,
    `samples: ${loadCounts.iterations} after ${loadCounts.warmup + 1} warm-up; heap retained: what keeping the loaded bundle / story costs`,
    `one-off, in this process: fluxo check (createProgram + getDiagnostics) ${fmt(built.checkMs)} ms, lowerProgram + emitJson ${fmt(built.lowerMs)} ms; inkjs compile + ToJson ${fmt(inkCompileMs)} ms`,
  ];
  const parts = bundleParts(JSON.parse(bundleText));
  const sizeNotes = [
    `ratio fluxo / ink: ${r(sizes[0].bytes, sizes[1].bytes)} raw, ${r(sizes[0].gzip, sizes[1].gzip)} gzipped; written to bench/.out/runtime/bench.flows.json and bench.ink.json`,
    `fluxo bundle by part (JSON bytes): ${Object.entries(parts)
      .map(([part, bytes]) => `${part} ${fmt(bytes)} (${fmt((100 * bytes) / sizes[0].bytes)}%)`)
      .join(", ")}`,
  ];

  return [
    {
      title: `runtime: ${description}`,
      columns: ["walk", "turns/walk", "median ms", "min ms", "max ms", "cpu ms", "turns/s", "turns/cpu-s", "µs/turn"],
      rows: walks.map((w) => [w.subject, fmt(w.count), fmt(w.medianMs, 1), fmt(w.minMs, 1), fmt(w.maxMs, 1), fmt(w.medianCpuMs, 1), fmt(w.perSecond), fmt(w.perCpuSecond), fmt((1000 * w.medianMs) / w.count, 1)]),
      notes: [...notes, ...walkNotes],
      data: { steps, walks, fluxoReplies: fluxoCheck.replies, inkChoices: inkCheck.choices, checkMs: built.checkMs, lowerMs: built.lowerMs, inkCompileMs },
    },
    {
      title: "runtime: loading the compiled conversation from its JSON text",
      columns: ["subject", "median ms", "min ms", "max ms", "cpu ms", "heap retained MiB"],
      rows: [fluxoLoad, fluxoParse, inkLoad, inkParse].map((s) => [s.subject, fmt(s.medianMs, 1), fmt(s.minMs, 1), fmt(s.maxMs, 1), fmt(s.medianCpuMs, 1), fmt(s.retainedBytes / MiB, 1)]),
      notes: loadNotes,
      data: { fluxoLoad, fluxoParse, inkLoad, inkParse },
    },
    {
      title: "runtime: size of the compiled conversation",
      columns: ["artifact", "bytes", "gzip -9 bytes", "bytes/step"],
      rows: sizes.map((s) => [s.artifact, fmt(s.bytes), fmt(s.gzip), fmt(s.bytes / steps)]),
      notes: sizeNotes,
      data: sizes,
    },
  ];
}

/**
 * Checks and lowers the flow as `fluxo build` does. In a function of its own
 * so the compiler's program (tree, types) is garbage once the bundle text
 * exists, and does not weigh on the heap during the walks.
 */
function buildBundle(flowText, createProgram, lowerProgram, emitJson) {
  const notes = [];
  const flowUrl = new URL("bench.flow", OUT_DIR);
  writeFileSync(flowUrl, flowText);
  let start = performance.now();
  const program = createProgram([{ uri: flowUrl.href, text: flowText }]);
  const diagnostics = program.getDiagnostics();
  const checkMs = performance.now() - start;
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (diagnostics.length > 0) {
    notes.push(
      `${errors.length > 0 ? "WARNING" : "note"}: the generated flow has ${diagnostics.length} diagnostic(s), ${errors.length} error(s):`,
      ...diagnostics.slice(0, 5).map((d) => `  ${d.severity} ${d.code}: ${d.message}`),
    );
  }
  start = performance.now();
  const bundleText = emitJson(lowerProgram(program, { sourceName: () => "bench.flow" }));
  const lowerMs = performance.now() - start;
  return { bundleText, checkMs, lowerMs, notes };
}

/**
 * One conversation through the engine: start, then a reply to every
 * question until the session leaves "waiting". With `transcript`, collects
 * what the user would read (says and question prompts) for the comparison.
 */
async function walkFluxo(engine, transcript) {
  let turn = await engine.start("bench", { context: { name: "Ana" } });
  let replies = 0;
  let stateBytes = 0;
  for (;;) {
    if (transcript) {
      for (const event of turn.events) {
        if (event.type === "say") transcript.push(event.text);
        else if (event.type === "ask") transcript.push(event.prompt);
        else if (event.type === "error") transcript.push(`ERROR ${event.code}: ${event.message}`);
      }
    }
    if (turn.error || turn.status !== "waiting") break;
    if (transcript) stateBytes = JSON.stringify(turn.state).length;
    turn = await engine.reply(turn.state, REPLIES[replies % REPLIES.length]);
    replies++;
  }
  const end = turn.events?.find((e) => e.type === "end");
  return { replies, status: turn.status, error: turn.error, endReason: end?.reason, transcript, stateBytes };
}

/** The same conversation in inkjs, from the start of the story. */
function walkInk(story, transcript) {
  story.ResetState();
  let choices = 0;
  let stateBytes = 0;
  for (;;) {
    const text = story.ContinueMaximally();
    if (transcript) transcript.push(...text.split("\n").filter((line) => line !== ""));
    const available = story.currentChoices.length;
    if (available === 0) break;
    if (transcript) stateBytes = story.state.ToJson().length;
    story.ChooseChoiceIndex(choices % Math.min(available, REPLIES.length));
    choices++;
  }
  return { choices, ended: !story.canContinue && story.currentChoices.length === 0, transcript, stateBytes };
}

/** JSON bytes of a bundle's flows by field (`code`, the source `map`, `steps`…), and the rest. */
function bundleParts(bundle) {
  const parts = {};
  for (const flow of Object.values(bundle.flows ?? {})) {
    for (const [field, value] of Object.entries(flow)) {
      const bytes = Buffer.byteLength(JSON.stringify(value));
      parts[`flows.*.${field}`] = (parts[`flows.*.${field}`] ?? 0) + bytes;
    }
  }
  const top = Object.entries(parts).sort((x, y) => y[1] - x[1]);
  const shown = Object.fromEntries(top.slice(0, 3));
  shown.rest = Buffer.byteLength(JSON.stringify(bundle)) - top.slice(0, 3).reduce((sum, [, bytes]) => sum + bytes, 0);
  return shown;
}

/** Notes on whether the two checked walks told the same conversation. */
function compareWalks(fluxo, ink, steps) {
  const out = [];
  if (fluxo.error) out.push(`WARNING: fluxo refused a turn: ${fluxo.error.code}: ${fluxo.error.message}`);
  if (fluxo.status !== "ended" || fluxo.endReason !== "done") out.push(`WARNING: the fluxo walk ended with status ${fluxo.status}, reason ${fluxo.endReason}`);
  if (fluxo.replies !== ink.choices || fluxo.replies !== steps) {
    out.push(`WARNING: fluxo made ${fluxo.replies} replies and inkjs ${ink.choices} choices for ${steps} steps: the walks are not the same work`);
  }
  // Fluxo shows numbers in messages the locale's way (`Intl.NumberFormat`:
  // "1,000" in en), ink as plain digits ("1000"): same conversation, so
  // lines that differ only by digit grouping count as equal, and are counted.
  const plain = (line) => line.replace(/(\d),(?=\d{3}\b)/g, "$1");
  const a = fluxo.transcript;
  const b = ink.transcript;
  const first = a.findIndex((line, i) => b[i] === undefined || plain(line) !== plain(b[i]));
  if (first >= 0 || a.length !== b.length) {
    const i = first >= 0 ? first : Math.min(a.length, b.length);
    out.push(`WARNING: the transcripts differ (fluxo ${a.length} lines, inkjs ${b.length}); first at line ${i + 1}: ${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])}`);
  } else {
    const grouped = a.filter((line, i) => line !== b[i]).length;
    out.push(`checked: both walks tell the same ${fmt(a.length)} lines (says and prompts) in the same order (${fmt(grouped)} differ only by Fluxo's locale digit grouping, "1,000" vs "1000")`);
  }
  return out;
}

function walkFigures(subject, count, { wallMs, cpuMs }) {
  const medianMs = median(wallMs);
  const medianCpuMs = median(cpuMs);
  return {
    subject,
    count,
    samplesMs: wallMs,
    cpuSamplesMs: cpuMs,
    medianMs,
    minMs: Math.min(...wallMs),
    maxMs: Math.max(...wallMs),
    medianCpuMs,
    perSecond: count / (medianMs / 1000),
    perCpuSecond: count / (medianCpuMs / 1000),
  };
}

function measure(subject, fn, counts) {
  const retainedBytes = retainedHeap(fn);
  const { wallMs, cpuMs } = timeIterations(fn, counts);
  return { subject, samplesMs: wallMs, cpuSamplesMs: cpuMs, medianMs: median(wallMs), minMs: Math.min(...wallMs), maxMs: Math.max(...wallMs), medianCpuMs: median(cpuMs), retainedBytes };
}

function timeOnce(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** inkjs's `ErrorType.Error`. */
const INK_ERROR = 2;

function compileInk(text, notes) {
  const errors = [];
  const compiler = new Compiler(text, new CompilerOptions(null, [], false, (message, type) => type === INK_ERROR && errors.push(message), null));
  const story = compiler.Compile();
  if (errors.length > 0) notes.push(`WARNING: inkjs reported ${errors.length} error(s) compiling the story:`, ...errors.slice(0, 5).map((e) => `  ${e}`));
  return story.ToJson();
}

async function importBuilt(pkg) {
  const entry = new URL(`../packages/${pkg}/dist/index.js`, import.meta.url);
  try {
    return await import(entry.href);
  } catch (error) {
    throw new Error(`cannot load ${fileURLToPath(entry)}; build it first with \`npx tsc -b\` (\`pnpm bench\` does). Cause: ${error instanceof Error ? error.message : error}`);
  }
}
