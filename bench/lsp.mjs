//! Benchmark "lsp": how quickly the language server answers an editor on a
//! large file. The bundled server (`packages/language-server/dist/server.js`,
//! built here with its own script) is spawned and spoken to over stdio, as
//! an editor does, on a generated 10,000-line flow (bench/generate.mjs):
//!
//! - edit → diagnostics: an incremental change to one `say` line, timed until
//!   the server pushes `publishDiagnostics` for that document version. Once
//!   with the debounce set to 0 (the cost of re-checking), once with the
//!   server's default, adaptive delay (what a user waits);
//! - completion: `textDocument/completion` after `goto s` (every step of the
//!   flow), in an expression, and at the start of a statement.
//!
//! Figures are printed, never compared with a threshold.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { countLines, generateFlow, stepsForLines } from "./generate.mjs";
import { fmt, median } from "./harness.mjs";

export const name = "lsp";
export const description = "language server over stdio on a generated 10k-line file: edit → published diagnostics, completion latency";

const LINES = 10_000;
const serverPath = fileURLToPath(new URL("../packages/language-server/dist/server.js", import.meta.url));

/** A minimal JSON-RPC client with Content-Length framing (the tests have a fuller one in TypeScript). */
function startServer() {
  // FLUXO_BENCH_SERVER_ARGS passes Node flags to the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
  const nodeArgs = (process.env.FLUXO_BENCH_SERVER_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, serverPath, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  let buffer = Buffer.alloc(0);
  let nextId = 1;
  const pending = new Map();
  const waiters = [];
  child.stdout.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, headerEnd).toString("ascii"))[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8"));
      buffer = buffer.subarray(headerEnd + 4 + length);
      if (message.method !== undefined && message.id !== undefined) send({ jsonrpc: "2.0", id: message.id, result: null });
      else if (message.method !== undefined) {
        for (const waiter of [...waiters]) if (waiter.match(message)) waiters.splice(waiters.indexOf(waiter), 1), waiter.resolve(message.params);
      } else {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    }
  });
  const send = (message) => {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  };
  return {
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
        send({ jsonrpc: "2.0", id, method, params });
      });
    },
    notify: (method, params) => send({ jsonrpc: "2.0", method, params }),
    /** Resolves with the params of the next notification `match` accepts. */
    next(match) {
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    async close() {
      await this.request("shutdown").catch(() => undefined);
      send({ jsonrpc: "2.0", method: "exit" });
      await new Promise((resolve) => child.on("exit", resolve));
    },
  };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Line and character of the first occurrence of `needle` (plus `delta` characters). */
function positionOf(text, needle, delta = 0) {
  const offset = text.indexOf(needle) + delta;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

async function session(folder, uri, text, initializationOptions) {
  const server = startServer();
  const folderUri = pathToFileURL(folder).href;
  await server.request("initialize", { processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: "bench" }], capabilities: {}, initializationOptions });
  server.notify("initialized", {});
  const opened = performance.now();
  const first = server.next((m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.version === 1);
  server.notify("textDocument/didOpen", { textDocument: { uri, languageId: "fluxo", version: 1, text } });
  const firstDiagnostics = await first;
  return { server, openMs: performance.now() - opened, firstDiagnostics };
}

/**
 * Edits the say line of step `k` (a different step each time), timing each
 * change until its diagnostics arrive. Every edit really changes the text:
 * the step's "Esta" becomes "Essa" or back, whichever it is now (`current`
 * tracks the document as the server sees it). Returns the times, the last
 * version and the text after the edits.
 */
async function timeEdits(server, uri, text, count, firstVersion) {
  const times = [];
  let version = firstVersion;
  let current = text;
  for (let i = 0; i < count; i++) {
    const step = 1 + ((i * 37) % 600);
    const tail = ` é a etapa ${step} de`;
    const found = current.indexOf(`Esta${tail}`);
    const offset = found >= 0 ? found : current.indexOf(`Essa${tail}`);
    const replacement = found >= 0 ? "Essa" : "Esta";
    const at = positionOf(current, current.slice(offset, offset + 4 + tail.length));
    const range = { start: at, end: { line: at.line, character: at.character + 4 } };
    current = current.slice(0, offset) + replacement + current.slice(offset + 4);
    const v = ++version;
    const pushed = server.next((m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.version === v);
    const start = performance.now();
    server.notify("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [{ range, text: replacement }] });
    const diagnostics = await pushed;
    times.push(performance.now() - start);
    if (diagnostics.diagnostics.length > 0) throw new Error(`the workload has diagnostics: ${diagnostics.diagnostics[0].message}`);
  }
  return { times, version, text: current };
}

/**
 * @param {import("./harness.mjs").BenchOptions} options
 * @returns {Promise<import("./harness.mjs").Section[]>}
 */
export async function run(options) {
  const iterations = options.iterations ?? 40;
  const warmup = options.warmup ?? 5;
  const { bundle } = await import("../packages/language-server/scripts/bundle.mjs");
  await bundle();
  const steps = options.steps ?? stepsForLines(LINES);
  const text = generateFlow(steps);
  const folder = mkdtempSync(path.join(tmpdir(), "fluxo-bench-lsp-"));
  const file = path.join(folder, "bench.flow");
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const notes = [`workload: ${fmt(countLines(text))} lines (${steps} steps) in one file; ${warmup} warm-up + ${iterations} timed samples each`];
  const rows = [];
  const data = {};
  try {
    // Debounce 0: the cost of a re-check and push.
    const fast = await session(folder, uri, text, { diagnosticsDelay: 0 });
    notes.push(`open → first diagnostics (cold, whole project): ${fmt(fast.openMs)} ms`);
    const warm = await timeEdits(fast.server, uri, text, warmup, 1);
    const edits = await timeEdits(fast.server, uri, warm.text, iterations, warm.version);
    rows.push(["edit → publishDiagnostics (debounce 0)", fmt(median(edits.times), 1), fmt(percentile(edits.times, 95), 1), fmt(Math.max(...edits.times), 1)]);
    data.editNoDebounce = edits.times;

    const completions = [
      ["completion after `goto s` (all steps)", positionOf(text, "option \"A\" => goto s301", "option \"A\" => goto s".length)],
      ["completion in an expression", positionOf(text, "set counter = counter + 1", "set counter = cou".length)],
      ["completion at a statement start", positionOf(text, "        set counter = counter + 1", 8)],
    ];
    for (const [label, position] of completions) {
      const times = [];
      let items = 0;
      for (let i = 0; i < warmup + iterations; i++) {
        const start = performance.now();
        const result = await fast.server.request("textDocument/completion", { textDocument: { uri }, position });
        if (i >= warmup) times.push(performance.now() - start);
        items = result.items.length;
      }
      rows.push([`${label} (${items} items)`, fmt(median(times), 1), fmt(percentile(times, 95), 1), fmt(Math.max(...times), 1)]);
      data[label] = times;
    }
    await fast.server.close();

    // The default (adaptive) delay: what a user waits between typing and seeing diagnostics.
    const real = await session(folder, uri, text, {});
    const realWarm = await timeEdits(real.server, uri, text, warmup, 1);
    const realEdits = await timeEdits(real.server, uri, realWarm.text, Math.max(10, Math.round(iterations / 2)), realWarm.version);
    rows.splice(1, 0, ["edit → publishDiagnostics (default, adaptive delay)", fmt(median(realEdits.times), 1), fmt(percentile(realEdits.times, 95), 1), fmt(Math.max(...realEdits.times), 1)]);
    data.editDefaultDebounce = realEdits.times;
    await real.server.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  notes.push("times are wall-clock round trips through the protocol (JSON-RPC over pipes included)");
  return [{ title: "lsp: language server on a 10k-line file", columns: ["measure", "p50 ms", "p95 ms", "max ms"], rows, notes, data }];
}
