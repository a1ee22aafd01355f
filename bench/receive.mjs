//! Benchmark "receive": how many inbound messages per second `bot.receive`
//! of `@fluxo/sdk` handles with a `MemoryStore` — the whole turn: the
//! session queue, loading the session, the engine's turn, and the
//! compare-and-set write.
//!
//! Workloads (all in this process, handlers synchronous unless noted):
//! - `echo`: a minimal flow (ask, count, call an action, say, loop), every
//!   message a turn that asks again — the SDK's own overhead per turn;
//! - `examples`: the seed examples (examples/*.flow) — a contact loops through
//!   the FAQ menu (`choose` replies, keyword start, subflow-free), as a real
//!   bot would see it;
//! - `engine only`: the same echo turns through `engine.reply` on a state
//!   kept in a variable — no queue, no store — the floor under the SDK.
//!
//! Each is run with messages sent one at a time (await each: latency) and
//! all at once over many sessions (throughput), and `echo` also with two
//! bots sharing one store and the sessions' messages split between them at
//! random (compare-and-set conflicts are counted). Figures are printed,
//! never compared with a threshold. The SDK and compiler are imported from
//! their build output: run `npx tsc -b` first (`pnpm bench` does).

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fmt, gc, median } from "./harness.mjs";

export const name = "receive";
export const description = "bot.receive of @fluxo/sdk with a MemoryStore: turns per second, one at a time and concurrent";

/** Sessions of the concurrent workloads. `--steps N` sets the messages per session (default 10). */
const SESSIONS = 1000;
const DEFAULT_MESSAGES = 10;

const ECHO = `
action record(n: integer, text: string) -> integer

flow echo {
    trigger start
    var n: integer = 0
    say "hello"
    goto next
    step next {
        ask text: string "Next?"
        set n = n + 1
        let r = record(n, text) else {
            end
        }
        say "{n}: {text} ({r})"
        goto next
    }
}
`;

/**
 * @param {import("./harness.mjs").BenchOptions} options
 * @returns {Promise<import("./harness.mjs").Section[]>}
 */
export async function run(options) {
  const iterations = options.iterations ?? 5;
  const warmup = options.warmup ?? 1;
  const messages = options.steps ?? DEFAULT_MESSAGES;
  const { compile, sdk, runtime } = await importBuilt();

  const echo = sdk.defineFlows(compile({ "echo.flow": ECHO }, {}));
  const examplesDir = fileURLToPath(new URL("../examples/", import.meta.url));
  const config = JSON.parse(readFileSync(new URL("fluxo.json", `file://${examplesDir}`), "utf8"));
  const exampleFiles = Object.fromEntries(
    readdirSync(examplesDir)
      .filter((n) => n.endsWith(".flow"))
      .sort()
      .map((n) => [n, readFileSync(`${examplesDir}${n}`, "utf8")]),
  );
  const examples = sdk.defineFlows(compile(exampleFiles, { locale: config.locale, timeZone: config.timeZone }));

  const echoActions = { record: (n) => n * 2 };
  const exampleActions = Object.fromEntries(sdk.hostActions(examples.bundle).map((action) => [action, () => (action === "ultimoPedido" ? null : undefined)]));
  // The FAQ menu, round and round: "Horário de atendimento", then "Sim" (back to the menu).
  const faqReplies = (i) => (i === 0 ? "oi" : i % 2 === 1 ? "1" : "Sim");
  const echoReplies = (i) => `message ${i}`;
  const context = { nome: "Ana", telefone: "+5511987654321", vip: false };

  const scenarios = [
    {
      subject: "echo, one message at a time (1 session)",
      turns: SESSIONS,
      make: () => [sdk.createBot(echo, { store: new sdk.MemoryStore(), actions: echoActions })],
      drive: async ([bot]) => {
        for (let i = 0; i < SESSIONS; i++) await bot.receive({ sessionId: "s", text: echoReplies(i), context: {} });
      },
    },
    {
      subject: `echo, all at once (${fmt(SESSIONS)} sessions × ${messages})`,
      turns: SESSIONS * messages,
      make: () => [sdk.createBot(echo, { store: new sdk.MemoryStore(), actions: echoActions })],
      drive: ([bot]) => concurrently(messages, (s, i) => bot.receive({ sessionId: `s${s}`, text: echoReplies(i), context: {} })),
    },
    {
      subject: `echo, async handler (${fmt(SESSIONS)} sessions × ${messages})`,
      turns: SESSIONS * messages,
      make: () => [sdk.createBot(echo, { store: new sdk.MemoryStore(), actions: { record: async (n) => n * 2 } })],
      drive: ([bot]) => concurrently(messages, (s, i) => bot.receive({ sessionId: `s${s}`, text: echoReplies(i), context: {} })),
    },
    {
      subject: `echo, two bots sharing the store (${fmt(SESSIONS)} × ${messages})`,
      turns: SESSIONS * messages,
      make: () => {
        const store = countingStore(new sdk.MemoryStore());
        return [sdk.createBot(echo, { store, actions: { record: async (n) => n * 2 } }), sdk.createBot(echo, { store, actions: { record: async (n) => n * 2 } })];
      },
      drive: (bots) => {
        let seed = 1;
        const pick = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 1;
        return concurrently(messages, (s, i) => bots[pick()].receive({ sessionId: `s${s}`, text: echoReplies(i), context: {} }));
      },
    },
    {
      subject: "examples (FAQ menu), one at a time (1 session)",
      turns: SESSIONS,
      make: () => [sdk.createBot(examples, { store: new sdk.MemoryStore(), actions: exampleActions })],
      drive: async ([bot]) => {
        for (let i = 0; i < SESSIONS; i++) await bot.receive({ sessionId: "s", text: faqReplies(i), context });
      },
    },
    {
      subject: `examples (FAQ menu), all at once (${fmt(SESSIONS)} × ${messages})`,
      turns: SESSIONS * messages,
      make: () => [sdk.createBot(examples, { store: new sdk.MemoryStore(), actions: exampleActions })],
      drive: ([bot]) => concurrently(messages, (s, i) => bot.receive({ sessionId: `s${s}`, text: faqReplies(i), context })),
    },
    {
      subject: "engine only: echo turns, no queue, no store (1 session)",
      turns: SESSIONS,
      make: () => [runtime.createEngine(runtime.loadBundle(echo.bundle), { actions: echoActions })],
      drive: async ([engine]) => {
        let turn = await engine.start("echo", { sessionId: "s" });
        for (let i = 1; i < SESSIONS; i++) turn = await engine.reply(turn.state, echoReplies(i));
      },
    },
  ];

  const results = [];
  for (const scenario of scenarios) results.push(await measure(scenario, { iterations, warmup }));

  return [
    {
      title: `receive: ${description}`,
      columns: ["subject", "turns", "median ms", "min ms", "cpu ms", "turns/s", "µs/turn", "cpu µs/turn", "conflicts"],
      rows: results.map((r) => [
        r.subject,
        fmt(r.turns),
        fmt(r.medianMs, 1),
        fmt(r.minMs, 1),
        fmt(r.medianCpuMs, 1),
        fmt(r.turnsPerSecond),
        fmt((1000 * r.medianMs) / r.turns, 1),
        fmt((1000 * r.medianCpuMs) / r.turns, 1),
        r.conflicts === undefined ? "-" : fmt(r.conflicts),
      ]),
      notes: [
        `samples: ${iterations} after ${warmup} warm-up; every sample starts from empty stores`,
        "a turn: queue → store.get → engine turn (reply, validation, action call) → store.set (compare-and-set)",
        "conflicts: compare-and-set writes that lost to the other bot (each reruns its turn), median per sample",
        "on a busy machine wall times include waiting for a CPU: compare the cpu columns",
        `one echo turn through the SDK costs ${fmt(results[0].medianCpuMs / results.at(-1).medianCpuMs, 2)}× an engine-only turn in CPU time (one at a time)`,
      ],
      data: { sessions: SESSIONS, messages, results },
    },
  ];
}

/** Sends `messages` messages to each of SESSIONS sessions, all at once, each session's in order. */
function concurrently(messages, send) {
  const pending = [];
  for (let i = 0; i < messages; i++) for (let s = 0; s < SESSIONS; s++) pending.push(send(s, i));
  return Promise.all(pending);
}

/** A store that forwards to a MemoryStore and counts lost compare-and-set writes. */
function countingStore(inner) {
  const store = {
    conflicts: 0,
    get: (id) => inner.get(id),
    async set(id, session, version) {
      const written = await inner.set(id, session, version);
      if (!written) store.conflicts++;
      return written;
    },
    delete: (id, version) => inner.delete(id, version),
    due: (now, limit) => inner.due(now, limit),
  };
  return store;
}

async function measure(scenario, { iterations, warmup }) {
  for (let i = 0; i < warmup; i++) await scenario.drive(scenario.make());
  const wallMs = [];
  const cpuMs = [];
  const conflicts = [];
  for (let i = 0; i < iterations; i++) {
    const subjects = scenario.make();
    gc();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await scenario.drive(subjects);
    wallMs.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    const store = subjects[0]?.store;
    if (store && typeof store.conflicts === "number") conflicts.push(store.conflicts);
  }
  const medianMs = median(wallMs);
  return {
    subject: scenario.subject,
    turns: scenario.turns,
    samplesMs: wallMs,
    cpuSamplesMs: cpuMs,
    medianMs,
    minMs: Math.min(...wallMs),
    medianCpuMs: median(cpuMs),
    turnsPerSecond: scenario.turns / (medianMs / 1000),
    conflicts: conflicts.length > 0 ? median(conflicts) : undefined,
  };
}

async function importBuilt() {
  const load = async (relative) => {
    const entry = new URL(relative, import.meta.url);
    try {
      return await import(entry.href);
    } catch (error) {
      throw new Error(`cannot load ${fileURLToPath(entry)}; build first with \`npx tsc -b\` (\`pnpm bench\` does). Cause: ${error instanceof Error ? error.message : error}`);
    }
  };
  const [compiler, sdk, runtime] = await Promise.all([
    load("../packages/compiler/dist/index.js"),
    load("../packages/sdk/dist/index.js"),
    load("../packages/runtime/dist/index.js"),
  ]);
  const compile = (files, settings) => {
    const program = compiler.createProgram(
      Object.entries(files).map(([file, text]) => ({ uri: `file:///bench/${file}`, text })),
      settings,
    );
    const errors = program.getDiagnostics().filter((d) => d.severity === "error");
    if (errors.length > 0) throw new Error(`the benchmark's flows do not compile: ${errors.map((d) => `${d.code} ${d.message}`).join("; ")}`);
    return compiler.lowerProgram(program, { sourceName: (uri) => uri.replace("file:///bench/", "") });
  };
  return { compile, sdk, runtime };
}
