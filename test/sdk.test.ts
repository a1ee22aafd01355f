// @fluxo/sdk end to end: bots over the example flows (receive, emit, start,
// tick, handoff, HTTP actions), the host's mistakes caught at run time, and
// concurrency — interleaved turns over many sessions, with one and with two
// bot instances sharing a store, compared with sequential runs.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FlowEvent } from "@fluxo/runtime";
import { describe, expect, it } from "vitest";
import { main } from "../packages/cli/src/main.js";
import { emitTs, hostActions as compilerHostActions } from "../packages/compiler/src/emit-ts.js";
import { BotError, createBot, defineFlows, hostActions, MemoryStore, type ActionCall, type Bot, type FlowsSpec } from "../packages/sdk/src/index.js";
import { CountingStore, compileFlows, examplesBundle, examplesDir, seeded, sleep } from "../packages/sdk/test/helpers.js";

const examples = examplesBundle();
const ana = { nome: "Ana", telefone: "+5511987654321", vip: false };

/** A readable line per event (the parts a chat user sees, and actions). */
function show(events: readonly FlowEvent[]): string[] {
  return events.map((event) => {
    switch (event.type) {
      case "say":
        return `say ${event.text}`;
      case "ask":
        return `ask ${event.prompt}${event.input.options ? ` [${event.input.options.join(" | ")}]` : ""}`;
      case "action":
        return `action ${event.name}(${event.args.map((a) => JSON.stringify(a)).join(", ")}) ${event.ok ? "ok" : "failed"}`;
      case "media":
        return `media ${event.url}`;
      case "handoff":
        return `handoff ${event.department ?? ""}`;
      case "end":
        return `end ${event.reason}`;
      case "error":
        return `error ${event.code} ${event.message}`;
      case "wait":
        return `wait ${event.ms}`;
    }
  });
}

interface Call {
  action: string;
  args: unknown[];
  call: ActionCall<unknown>;
}

/** Handlers for every host action of the examples, recording their calls. */
function exampleHandlers(calls: Call[]) {
  const record =
    <R>(action: string, result: (...args: never[]) => R) =>
    (...all: unknown[]): R => {
      const call = all.pop() as ActionCall<unknown>;
      calls.push({ action, args: all, call });
      return (result as (...args: unknown[]) => R)(...all);
    };
  return {
    tag: record("tag", () => undefined),
    addToList: record("addToList", () => undefined),
    removeFromList: record("removeFromList", () => undefined),
    setField: record("setField", () => undefined),
    buscarProdutos: record("buscarProdutos", () => [
      { sku: "CAM-001", nome: "Camiseta", preco: 59.9, foto: "https://cdn.example/cam.jpg", tamanhos: ["P", "M"] },
    ]),
    criarPedido: record("criarPedido", () => ({ id: "100234", total: 59.9, linkPagamento: "https://pag.example/p/100234" })),
    ultimoPedido: record("ultimoPedido", () => null),
    registrarAvaliacao: record("registrarAvaliacao", () => undefined),
    abrirChamado: record("abrirChamado", () => ({ protocolo: "S-1", prazoHoras: 24 })),
  };
}

describe("fluxo build --target ts", () => {
  it("writes DIR/flows.ts: the module of the project's bundle, the same bytes on every run", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-ts-"));
    try {
      const output: string[] = [];
      const stream = { write: (text: string) => output.push(text) };
      const build = () => main(["build", examplesDir, "--target", "ts", "--out", out], { cwd: out, env: {}, stdout: stream, stderr: stream });
      expect(await build()).toBe(0);
      expect(output.join("")).toMatch(/^Wrote flows\.ts: 7 flows, [\d.]+ KiB, version [0-9a-f]+\.\n$/);
      const first = fs.readFileSync(path.join(out, "flows.ts"), "utf8");
      expect(first).toBe(await emitTs(examples));
      expect(await build()).toBe(0);
      expect(fs.readFileSync(path.join(out, "flows.ts"), "utf8")).toBe(first);
      expect(fs.readdirSync(out)).toEqual(["flows.ts"]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("bots over the example flows", () => {
  const flows = defineFlows(examples);

  it("computes the host actions as the TypeScript target does", () => {
    expect(hostActions(examples)).toEqual(compilerHostActions(examples));
    expect(hostActions(examples)).toEqual(["tag", "addToList", "removeFromList", "setField", "buscarProdutos", "criarPedido", "ultimoPedido", "registrarAvaliacao", "abrirChamado"]);
  });

  it("starts by keyword, replies to the waiting question, saves between turns", async () => {
    const calls: Call[] = [];
    const store = new MemoryStore();
    const bot = createBot(flows, { store, actions: exampleHandlers(calls) });
    const session = { sessionId: "5511987654321", context: ana };
    expect(show(await bot.receive({ ...session, text: "quero comprar uma camiseta" }))).toEqual([
      "say Vamos encontrar o produto certo para você! 🛍️",
      "ask Qual categoria você procura? [Roupas | Calçados | Acessórios]",
    ]);
    expect((await store.get(session.sessionId))?.version).toBe(1);
    await bot.receive({ ...session, text: "roupas" });
    expect(show(await bot.receive({ ...session, text: "100" }))).toEqual([
      'action buscarProdutos("Roupas", 100) ok',
      "ask Estas são as opções até R$ 100,00: [Camiseta — R$ 59,90]",
    ]);
    expect(calls.map((c) => c.action)).toEqual(["buscarProdutos"]);
    const { call } = calls[0]!;
    expect(call.session).toEqual({ id: session.sessionId, context: ana });
    expect(call.idempotencyKey).toMatch(/^5511987654321:[0-9a-z]+:3:1:[0-9a-z]+$/);
    expect(call.signal.aborted).toBe(false);
    const stored = await bot.session(session.sessionId);
    expect(stored?.version).toBe(3);
    expect(stored?.state.status).toBe("waiting");
    // `timeout 30m` on the question: the session is due half an hour from now.
    expect(stored?.deadline).toBeGreaterThan(Date.now() + 29 * 60_000);
  });

  it("starts the `trigger start` flow when no keyword matches; a new message after the end starts again", async () => {
    const bot = createBot(flows, { actions: exampleHandlers([]) });
    const session = { sessionId: "s1", context: ana };
    expect(show(await bot.receive({ ...session, text: "oi" }))).toEqual([
      "say Olá, Ana! Sou a assistente virtual da Loja Exemplo. 😊",
      "ask Como posso te ajudar? [Horário de atendimento | Status do meu pedido | Produtos | Falar com um atendente]",
    ]);
    await bot.receive({ ...session, text: "2" }); // status do pedido: none found, then "mais algo?"
    expect(show(await bot.receive({ ...session, text: "obrigada" }))).toEqual(["say Obrigada pelo contato, Ana! Até logo. 👋", "end done"]);
    expect((await bot.session("s1"))?.state.status).toBe("ended");
    expect(show(await bot.receive({ ...session, text: "oi de novo" }))[0]).toBe("say Olá, Ana! Sou a assistente virtual da Loja Exemplo. 😊");
  });

  it("does nothing for a message no flow takes (no keyword, no start flow)", async () => {
    const bundle = compileFlows({ "a.flow": `flow a {\n    trigger keyword "menu"\n    say "menu"\n}\n` });
    const store = new MemoryStore();
    const bot = createBot(defineFlows(bundle), { store });
    expect(await bot.receive({ sessionId: "x", text: "hello", context: {} })).toEqual([]);
    expect(store.size).toBe(0);
    expect(show(await bot.receive({ sessionId: "x", text: "MENU!", context: {} }))).toEqual(["say menu", "end done"]);
  });

  it("leaves a handed-off session to the human until reset", async () => {
    const calls: Call[] = [];
    const bot = createBot(flows, { actions: exampleHandlers(calls) });
    const session = { sessionId: "s2", context: { ...ana, vip: true } };
    await bot.receive({ ...session, text: "menu" });
    expect(show(await bot.receive({ ...session, text: "4" }))).toEqual([
      'action tag("atendimento-humano") ok',
      'action setField("motivo_contato", "faq") ok',
      "say Ana, como cliente VIP você vai direto para a nossa fila prioritária. ⭐",
      "handoff Atendimento VIP",
    ]);
    expect(await bot.receive({ ...session, text: "alô?" })).toEqual([]);
    expect((await bot.session("s2"))?.state.status).toBe("handoff");
    await bot.reset("s2");
    expect(await bot.session("s2")).toBeUndefined();
    expect(show(await bot.receive({ ...session, text: "alô?" }))[0]).toBe("say Olá, Ana! Sou a assistente virtual da Loja Exemplo. 😊");
  });

  it("emits an event: the payload fills the flow's parameters", async () => {
    const calls: Call[] = [];
    const bot = createBot(flows, { actions: exampleHandlers(calls), random: () => 0 });
    const target = { sessionId: "s3", context: ana };
    expect(show(await bot.emit("compra.concluida", { pedidoId: "100234", produto: "Camiseta" }, target))).toEqual([
      "say Oi, Ana! Seu pedido 100234 (Camiseta) foi concluído. 🛍️",
      "ask De 1 a 5, que nota você dá para a sua experiência de compra?",
    ]);
    expect(show(await bot.receive({ ...target, text: "5" }))).toEqual([
      'action tag("nps-promotor") ok',
      'action registrarAvaliacao("100234", 5, null) ok',
      "say Que bom que você gostou! 💚 Use o cupom VOLTE10 na próxima compra.",
      "end done",
    ]);
    await expect(bot.emit("compra.cancelada", {}, target)).rejects.toThrow(BotError);
    await expect(bot.emit("compra.concluida", { pedidoId: 1 } as never, target)).rejects.toThrow(/pedidoId/);
  });

  it("starts a flow with parameters; HTTP actions go through `fetch` with the secrets", async () => {
    const requests: { url: string; headers: Record<string, string> }[] = [];
    const bot = createBot(flows, {
      actions: exampleHandlers([]),
      secrets: { PEDIDOS_TOKEN: "t0ken-123" },
      fetch: async (url, init) => {
        requests.push({ url, headers: init.headers });
        const body = JSON.stringify({ id: "123456", status: "enviado", previsaoEntrega: "28/11", transportadora: "Correios", codigoRastreio: null });
        return { status: 200, headers: { get: (name: string) => (name.toLowerCase() === "content-type" ? "application/json" : null) }, body: null, text: async () => body };
      },
    });
    const events = show(await bot.start("rastreio", { pedidoId: "123456" }, { sessionId: "s4", context: ana }));
    expect(events).toContain('action buscarPedido("123456") ok');
    expect(events).toContain("say O pedido 123456 está a caminho! 🚚 Transportadora: Correios.");
    expect(requests).toEqual([{ url: "https://api.loja.example/pedidos/123456", headers: expect.objectContaining({ authorization: "Bearer t0ken-123" }) }]);
  });

  it("refuses a context that does not fit the declared one", async () => {
    const bot = createBot(flows, { actions: exampleHandlers([]) });
    const wrong = { nome: "Ana", telefone: "5511987654321" }; // not E.164
    await expect(bot.receive({ sessionId: "s5", text: "oi", context: wrong })).rejects.toThrow(/context\.telefone: expected phone/);
    await expect(bot.receive({ sessionId: "s5", text: "oi", context: { nome: "Ana" } as never })).rejects.toMatchObject({ code: "context" });
    expect(await bot.session("s5")).toBeUndefined();
  });

  it("refuses missing, unknown and HTTP handlers when the bot is created (for hosts without types)", () => {
    const handlers = exampleHandlers([]) as Record<string, unknown>;
    const { ultimoPedido: _, ...missing } = handlers;
    expect(() => createBot(flows, { actions: missing as never })).toThrow(/no handler for 'ultimoPedido'/);
    expect(() => createBot(flows, { actions: { ...handlers, buscarPedido: () => null } as never })).toThrow(/handlers for 'buscarPedido', which is not a host action/);
    expect(() => createBot(flows, { actions: { ...handlers, untag: () => null } as never })).toThrow(BotError);
  });

  it("moves a session of an older bundle onto the new one (redeploy), and reports it", async () => {
    const store = new MemoryStore();
    const old = createBot(flows, { store, actions: exampleHandlers([]) });
    await old.receive({ sessionId: "s6", text: "comprar", context: ana });
    await old.receive({ sessionId: "s6", text: "roupas", context: ana });
    // A redeploy: the flows changed (a message of the purchase flow was reworded).
    const files = Object.fromEntries(
      fs
        .readdirSync(examplesDir)
        .filter((n) => n.endsWith(".flow"))
        .map((n) => [n, fs.readFileSync(path.join(examplesDir, n), "utf8").replace("Vamos encontrar o produto certo", "Vamos achar o produto certo")]),
    );
    const next = compileFlows(files, { locale: examples.locale, timeZone: examples.timeZone });
    expect(next.version).not.toBe(examples.version);
    const moved: string[] = [];
    const bot = createBot(defineFlows(next), { store, actions: exampleHandlers([]), onRedeploy: ({ sessionId, report }) => moved.push(`${sessionId} ${report.from}→${report.to}`) });
    // The engine resumes at the start of the question's step (here the flow body) and asks again; the message is not applied.
    expect(show(await bot.receive({ sessionId: "s6", text: "150", context: ana }))).toEqual([
      "say Vamos achar o produto certo para você! 🛍️",
      "ask Qual categoria você procura? [Roupas | Calçados | Acessórios]",
    ]);
    expect(moved).toEqual([`s6 ${examples.version}→${next.version}`]);
    expect((await store.get("s6"))!.state.version).toBe(next.version);
  });

  it("starts over when the stored state is corrupted", async () => {
    const store = new MemoryStore();
    const refused: string[] = [];
    const bot = createBot(flows, { store, actions: exampleHandlers([]), onRefusedState: (r) => refused.push(`${r.sessionId} ${r.code}`) });
    await bot.receive({ sessionId: "s7", text: "comprar", context: ana });
    const stored = (await store.get("s7"))!;
    await store.set("s7", { state: { ...stored.state, stack: [] }, deadline: stored.deadline }, stored.version);
    expect(show(await bot.receive({ sessionId: "s7", text: "menu", context: ana }))[0]).toBe("say Olá, Ana! Sou a assistente virtual da Loja Exemplo. 😊");
    expect(refused).toEqual(["s7 invalid-state"]);
  });
});

// ------------------------------------------------------------ time

const timeoutFlows = compileFlows({
  "t.flow": `
action remind(n: integer) -> integer

flow survey {
    trigger start
    var reminders: integer = 0
    goto question
    step question {
        ask grade: integer "Grade?" {
            timeout 10m => {
                set reminders = reminders + 1
                let r = remind(reminders) else {
                    end
                }
                if reminders < 2 {
                    say "reminder {r}"
                    goto question
                }
                say "bye"
                end
            }
        }
        say "thanks {grade}"
    }
}
`,
});

describe("tick: timeouts", () => {
  it("runs each due timeout once, at or after its deadline", async () => {
    let now = new Date("2030-01-01T10:00:00Z");
    const reminded: string[] = [];
    const bot = createBot(defineFlows(timeoutFlows), {
      clock: () => now,
      actions: { remind: (n: number, { session }: ActionCall) => (reminded.push(`${session.id}#${n}`), n * 10) },
    });
    await bot.receive({ sessionId: "a", text: "hi", context: {} });
    now = new Date("2030-01-01T10:05:00Z");
    await bot.receive({ sessionId: "b", text: "hi", context: {} });
    expect(await bot.tick(new Date("2030-01-01T10:09:59Z"))).toEqual([]);
    now = new Date("2030-01-01T10:10:00Z");
    const first = await bot.tick(now);
    expect(first.map((t) => ({ sessionId: t.sessionId, events: show(t.events) }))).toEqual([
      { sessionId: "a", events: ["action remind(1) ok", "say reminder 10", "ask Grade?"] },
    ]);
    expect(await bot.tick(now)).toEqual([]); // a asked again: its new deadline is 10:20
    now = new Date("2030-01-01T10:15:00Z");
    const second = await bot.tick(now);
    expect(second.map((t) => t.sessionId)).toEqual(["b"]);
    expect(reminded).toEqual(["a#1", "b#1"]);
  });

  it("runs each due timeout exactly once with two bots ticking at the same time", async () => {
    const sessions = 40;
    let now = new Date("2030-01-01T10:00:00Z");
    const shared = new CountingStore(new MemoryStore(), seeded(7));
    const reminded = new Map<string, number>();
    const make = () =>
      createBot(defineFlows(timeoutFlows), {
        store: shared,
        clock: () => now,
        actions: {
          remind: async (n: number, { session }: ActionCall) => {
            await sleep(Math.random() * 3);
            reminded.set(session.id, (reminded.get(session.id) ?? 0) + 1);
            return n;
          },
        },
      });
    const [one, two] = [make(), make()];
    for (let i = 0; i < sessions; i++) await one.receive({ sessionId: `s${i}`, text: "hi", context: {} });
    const later = new Date(now.getTime() + 10 * 60_000);
    now = later;
    const [a, b] = await Promise.all([one.tick(later), two.tick(later)]);
    const ran = [...a, ...b].map((t) => t.sessionId).sort();
    expect(ran).toEqual(Array.from({ length: sessions }, (_, i) => `s${i}`).sort());
    expect(shared.conflicts).toBeGreaterThan(0); // the two bots did race
    // Handlers of a turn that lost the race ran, but only one turn per session was applied:
    for (let i = 0; i < sessions; i++) {
      const stored = (await shared.get(`s${i}`))!;
      expect(stored.state.stack[0]!.vars["reminders"]).toBe(1);
      expect(stored.state.turn).toBe(2);
    }
    expect(await Promise.all([one.tick(later), two.tick(later)])).toEqual([[], []]);
  });
});

// ------------------------------------------------------------ concurrency

// Every answer is numbered and recorded by an action whose result is its
// idempotency key, so a transcript shows in which order messages were
// applied, and which call of which turn produced each line.
const echoFlows = compileFlows({
  "echo.flow": `
action record(n: integer, text: string) -> string

flow echo {
    trigger start
    var n: integer = 0
    say "hello"
    goto next
    step next {
        ask text: string "Next?"
        set n = n + 1
        let key = record(n, text) else {
            say "record failed"
            end
        }
        say "{n}: {text} ({key})"
        goto next
    }
}
`,
});

interface Ledger {
  /** Every call a handler got: idempotency key → arguments (a key is never reused for other arguments). */
  calls: Map<string, string>;
  handlerRuns: number;
}

function echoBot(store: MemoryStore | CountingStore, ledger: Ledger, random: () => number): Bot<FlowsSpec> {
  return createBot(defineFlows(echoFlows), {
    store,
    // Keys hold the conversation's start time: a fixed clock makes the runs' transcripts comparable.
    clock: () => new Date("2026-11-24T10:00:00Z"),
    actions: {
      record: async (...all: unknown[]) => {
        const { idempotencyKey } = all[2] as ActionCall;
        ledger.handlerRuns++;
        await sleep(random() * 4);
        const args = JSON.stringify(all.slice(0, 2));
        const earlier = ledger.calls.get(idempotencyKey);
        if (earlier !== undefined && earlier !== args) throw new Error(`key ${idempotencyKey} reused: ${earlier} then ${args}`);
        ledger.calls.set(idempotencyKey, args);
        return idempotencyKey;
      },
    },
  });
}

const SESSIONS = 50;
const PER_SESSION = 20; // 50 × 20 = 1,000 messages

/** The messages of each session, in the order its contact sent them. */
function workload(): Map<string, string[]> {
  const sessions = new Map<string, string[]>();
  for (let s = 0; s < SESSIONS; s++) {
    sessions.set(
      `55119${String(s).padStart(8, "0")}`,
      Array.from({ length: PER_SESSION }, (_, i) => `m${s}.${i}`),
    );
  }
  return sessions;
}

/** Sends all messages at once, interleaved across sessions in a random order that keeps each session's own order. */
async function sendInterleaved(
  sessions: Map<string, string[]>,
  random: () => number,
  botFor: (sessionId: string, index: number) => Bot<FlowsSpec>,
): Promise<Map<string, { text: string; events: FlowEvent[] }[]>> {
  const cursors = new Map([...sessions.keys()].map((id) => [id, 0]));
  const pending: Promise<void>[] = [];
  const received = new Map<string, { text: string; events: FlowEvent[] }[]>([...sessions.keys()].map((id) => [id, []]));
  const open = [...sessions.keys()];
  while (open.length > 0) {
    const pick = Math.floor(random() * open.length);
    const sessionId = open[pick]!;
    const index = cursors.get(sessionId)!;
    const text = sessions.get(sessionId)![index]!;
    cursors.set(sessionId, index + 1);
    if (index + 1 === PER_SESSION) open.splice(pick, 1);
    pending.push(
      botFor(sessionId, index)
        .receive({ sessionId, text, context: {} })
        .then((events) => void received.get(sessionId)!.push({ text, events })),
    );
    // Now and then let earlier turns run, so turns start at many different moments.
    if (random() < 0.1) await sleep(0);
  }
  await Promise.all(pending);
  return received;
}

/** The transcript of one session when its messages are sent one after another, waiting for each. */
async function sequential(sessionId: string, texts: readonly string[]): Promise<string[][]> {
  const bot = echoBot(new MemoryStore(), { calls: new Map(), handlerRuns: 0 }, () => 0);
  const transcript: string[][] = [];
  for (const text of texts) transcript.push(show(await bot.receive({ sessionId, text, context: {} })));
  return transcript;
}

/** The order in which a session's messages were applied, read from the numbered lines (the first message started the flow). */
function appliedOrder(received: { text: string; events: FlowEvent[] }[]): { text: string; events: FlowEvent[] }[] {
  const position = (entry: { events: FlowEvent[] }): number => {
    const line = entry.events.find((e) => e.type === "say" && /^\d+: /.test(e.text));
    return line && line.type === "say" ? Number(/^(\d+):/.exec(line.text)![1]) : 0;
  };
  return [...received].sort((a, b) => position(a) - position(b));
}

describe("concurrency", () => {
  it("1,000 interleaved receives over 50 sessions on one bot: each transcript equals the sequential one", async () => {
    const random = seeded(42);
    const sessions = workload();
    const ledger: Ledger = { calls: new Map(), handlerRuns: 0 };
    const store = new CountingStore(new MemoryStore());
    const bot = echoBot(store, ledger, random);
    const received = await sendInterleaved(sessions, random, () => bot);
    for (const [sessionId, texts] of sessions) {
      // In-process turns of a session run in the order they were received.
      const got = received.get(sessionId)!;
      expect(got.map((r) => r.text)).toEqual(texts);
      expect(got.map((r) => show(r.events))).toEqual(await sequential(sessionId, texts));
    }
    expect(store.conflicts).toBe(0);
    expect(store.writes).toBe(SESSIONS * PER_SESSION);
    expect(ledger.handlerRuns).toBe(SESSIONS * (PER_SESSION - 1));
  });

  it("two bots sharing a MemoryStore: nothing lost, nothing applied twice, transcripts equal a sequential run", async () => {
    const random = seeded(2024);
    const sessions = workload();
    const ledger: Ledger = { calls: new Map(), handlerRuns: 0 };
    const store = new CountingStore(new MemoryStore(), () => random() * 2);
    const bots = [echoBot(store, ledger, random), echoBot(store, ledger, random)];
    const assigned = new Map<string, number>(); // `${session}#${index}` → bot
    const received = await sendInterleaved(sessions, random, (sessionId, index) => {
      const which = random() < 0.5 ? 0 : 1;
      assigned.set(`${sessionId}#${index}`, which);
      return bots[which]!;
    });

    expect(store.conflicts).toBeGreaterThan(0); // the two bots did race on sessions
    expect(store.writes).toBe(SESSIONS * PER_SESSION);
    for (const [sessionId, texts] of sessions) {
      const applied = appliedOrder(received.get(sessionId)!);
      // Nothing lost, nothing applied twice: every message exactly once, numbered 1…19 after the one that started the flow.
      expect(applied.map((r) => r.text).sort()).toEqual([...texts].sort());
      expect(applied.slice(1).map((r) => show(r.events)[1]!.split(":")[0])).toEqual(Array.from({ length: PER_SESSION - 1 }, (_, i) => `say ${i + 1}`));
      // Messages sent to the same bot keep their order.
      for (const which of [0, 1]) {
        const mine = texts.filter((_, i) => assigned.get(`${sessionId}#${i}`) === which);
        expect(applied.map((r) => r.text).filter((t) => mine.includes(t))).toEqual(mine);
      }
      // The transcript is the one a sequential run of the messages, in the order they were applied, produces
      // (idempotency keys included: each turn's calls are named by its state and input).
      const order = applied.map((r) => r.text);
      expect(applied.map((r) => show(r.events))).toEqual(await sequential(sessionId, order));
      // The final state saw every message once.
      const stored = (await store.get(sessionId))!;
      expect(stored.state.stack[0]!.vars["n"]).toBe(PER_SESSION - 1);
      expect(stored.version).toBe(PER_SESSION);
    }
    // Turns that lost a race ran their handlers too (that is what idempotency keys are for), with keys of their own.
    expect(ledger.handlerRuns).toBeGreaterThanOrEqual(SESSIONS * (PER_SESSION - 1));
    expect(ledger.calls.size).toBe(ledger.handlerRuns);
  });
});

// Action names that are members of Object.prototype: a handler is an own property of `actions`, whatever its name.
const memberFlows = compileFlows({
  "members.flow": `
action toString(x: string) -> string
action __proto__(x: string) -> string

flow start {
    trigger start
    let a = toString("a") else {
        say "toString failed"
        end
    }
    let b = __proto__("b") else {
        say "__proto__ failed"
        end
    }
    say "{a} {b}"
}
`,
});

describe("action names that are members of Object.prototype (untyped module)", () => {
  it("are host actions like any other", () => {
    expect(hostActions(memberFlows)).toEqual(["toString", "__proto__"]);
  });

  it("needs a handler of its own for each: Object.prototype's members are none", () => {
    expect(() => createBot(defineFlows(memberFlows), { actions: {} })).toThrow(/^createBot: no handler for 'toString', '__proto__'/);
    expect(() => createBot(defineFlows(memberFlows), { actions: { ["__proto__"]: () => "b" } })).toThrow(/^createBot: no handler for 'toString' /);
    const inherited = Object.create({ toString: () => "a", ["__proto__"]: () => "b" }) as Record<string, never>;
    expect(() => createBot(defineFlows(memberFlows), { actions: inherited })).toThrow(/^createBot: no handler for 'toString', '__proto__'/);
  });

  it("calls the handlers given, `__proto__` included", async () => {
    const calls: string[] = [];
    const actions = {
      toString: (x: string) => (calls.push(`toString(${x})`), "A"),
      ["__proto__"]: (x: string) => (calls.push(`__proto__(${x})`), "B"),
    };
    expect(Object.keys(actions)).toEqual(["toString", "__proto__"]); // an own field, not the prototype
    const bot = createBot(defineFlows(memberFlows), { actions });
    const events = await bot.receive({ sessionId: "m1", text: "hi", context: {} });
    expect(show(events)).toEqual(['action toString("a") ok', 'action __proto__("b") ok', "say A B", "end done"]);
    expect(calls).toEqual(["toString(a)", "__proto__(b)"]);
  });
});

const resetFlows = compileFlows({
  "reset.flow": `
action look(x: string) -> string

flow one {
    trigger keyword "one"
    ask a: string "First?"
    let r = look(a) else {
        end
    }
    say "one {r}"
}

flow two {
    trigger keyword "two"
    ask name: string "Name?"
    say "hello {name}"
}
`,
});

describe("reset while another bot's turn is in flight", () => {
  it("the in-flight turn does not overwrite the new conversation: it is rerun on it (versions are never reused)", async () => {
    const store = new MemoryStore();
    let entered!: () => void;
    const blocked = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a = createBot(defineFlows(resetFlows), {
      store,
      actions: {
        look: async (x: unknown) => {
          entered();
          await gate;
          return `a:${String(x)}`;
        },
      },
    });
    const b = createBot(defineFlows(resetFlows), { store, actions: { look: (x: unknown) => `b:${String(x)}` } });
    const context = {};

    expect(show(await a.receive({ sessionId: "r1", text: "one", context }))).toEqual(["ask First?"]);
    expect((await store.get("r1"))!.version).toBe(1);
    const inFlight = a.receive({ sessionId: "r1", text: "x", context }); // loads version 1, then blocks in `look`
    await blocked;
    await b.reset("r1");
    expect(await store.get("r1")).toBeUndefined();
    expect(show(await b.receive({ sessionId: "r1", text: "two", context }))).toEqual(["ask Name?"]);
    expect((await store.get("r1"))!.version).toBe(2); // above the deleted session's 1: never reused
    release();

    // A's write (expecting version 1) fails; its message is applied to the conversation now stored, once.
    expect(show(await inFlight)).toEqual(["say hello x", "end done"]);
    const stored = (await store.get("r1"))!;
    expect(stored.version).toBe(3);
    expect(stored.state.status).toBe("ended");
  });
});
