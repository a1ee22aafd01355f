import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  action,
  ask,
  end,
  fixedClock,
  fn,
  invalid,
  lit,
  makeBundle,
  ret,
  say,
  sequence,
  str,
  timeout,
  v,
  type BundleSpec,
} from "../test/helpers.js";
import type { Expr, Instruction, TypeJson } from "./bundle.js";
import { createEngine, stateSize, type AppliedTurn, type EngineOptions, type Turn } from "./engine.js";

const clock = fixedClock("2026-01-01T12:00:00Z");

function engineFor(spec: BundleSpec, options: EngineOptions = {}) {
  return createEngine(makeBundle(spec), { clock, ...options });
}

function ok(result: Turn): AppliedTurn {
  if (result.error) throw new Error(`refused: ${result.error.code}: ${result.error.message}`);
  return result;
}

const get = (object: Expr, field: string, optional = false): Expr => ["get", object, field, optional];

describe("messages", () => {
  it("say, media, wait and end emit their events in order", async () => {
    const engine = engineFor({
      flows: {
        main: {
          code: [
            say("Hello"),
            { op: "media", kind: "image", url: lit("https://cdn.example/a.png"), caption: lit("Cat") },
            { op: "media", kind: "file", url: lit("https://cdn.example/a.pdf"), caption: null },
            { op: "wait", ms: 2000 },
            end(),
          ],
        },
      },
    });
    const turn = ok(await engine.start("main", { sessionId: "s1" }));
    expect(turn.events).toEqual([
      { type: "say", text: "Hello" },
      { type: "media", kind: "image", url: "https://cdn.example/a.png", caption: "Cat" },
      { type: "media", kind: "file", url: "https://cdn.example/a.pdf" },
      { type: "wait", ms: 2000 },
      { type: "end", reason: "done" },
    ]);
    expect(turn.status).toBe("ended");
    expect(turn.state.status).toBe("ended");
  });

  it("interpolation shows numbers by the locale and booleans as words", async () => {
    const engine = engineFor({
      locale: "pt-BR",
      flows: {
        main: {
          code: [
            ask("n", "number", "Número?"),
            say(str("n=", v("n"), " ok=", lit(true), " não=", lit(false), " ", fn("fixed", v("n"), lit(2)))),
            end(),
          ],
        },
      },
    });
    const first = ok(await engine.start("main"));
    const turn = ok(await engine.reply(first.state, "1.234,5"));
    expect(turn.events[0]).toEqual({ type: "say", text: "n=1.234,5 ok=sim não=não 1.234,50" });
  });

  it("handoff emits a handoff event (with or without department) and no end", async () => {
    const engine = engineFor({ flows: { a: { code: [{ op: "handoff", department: lit("Suporte") }] }, b: { code: [{ op: "handoff", department: null }] } } });
    const a = ok(await engine.start("a"));
    expect(a.events).toEqual([{ type: "handoff", department: "Suporte" }]);
    expect(a.status).toBe("handoff");
    const b = ok(await engine.start("b"));
    expect(b.events).toEqual([{ type: "handoff" }]);
  });

  it("reads the context, refreshed on reply", async () => {
    const engine = engineFor({
      flows: { main: { code: [ask("x", "string", "?"), say(str("Hi ", get(["ctx"], "name"))), end()] } },
    });
    const first = ok(await engine.start("main", { context: { name: "Ana" } }));
    const again = ok(await engine.reply(first.state, "x"));
    expect(again.events[0]).toEqual({ type: "say", text: "Hi Ana" });
    const refreshed = ok(await engine.reply(first.state, "x", { context: { name: "Bia" } }));
    expect(refreshed.events[0]).toEqual({ type: "say", text: "Hi Bia" });
  });
});

describe("questions", () => {
  it("ask waits, and a valid reply assigns the variable and continues", async () => {
    const engine = engineFor({ flows: { main: { code: [ask("name", "string", "Name?"), say(str("Hi ", v("name"), "!")), end()] } } });
    const first = ok(await engine.start("main", { sessionId: "s1" }));
    expect(first.events).toEqual([{ type: "ask", prompt: "Name?", input: { type: "string" }, retry: 0 }]);
    expect(first.status).toBe("waiting");
    expect(first.state.pending).toEqual({ pc: 0, retries: 0, deadline: null });
    const second = ok(await engine.reply(first.state, "  Ana  "));
    expect(second.events).toEqual([{ type: "say", text: "Hi Ana!" }, { type: "end", reason: "done" }]);
    expect(second.state.stack[0].vars).toEqual({ name: "Ana" });
  });

  it("retries: message and re-ask up to N times, then the default end (no message)", async () => {
    const engine = engineFor({ locale: "pt-BR", flows: { main: { code: [ask("age", "integer", "Idade?"), say("ok"), end()] } } });
    let turn = ok(await engine.start("main"));
    turn = ok(await engine.reply(turn.state, "x"));
    expect(turn.events).toEqual([
      { type: "say", text: "Não entendi. Pode responder de novo?" },
      { type: "ask", prompt: "Idade?", input: { type: "integer" }, retry: 1 },
    ]);
    turn = ok(await engine.reply(turn.state, "2,5"));
    expect(turn.events.map((e) => e.type)).toEqual(["say", "ask"]);
    expect(turn.events[1]).toMatchObject({ retry: 2 });
    turn = ok(await engine.reply(turn.state, "nope"));
    expect(turn.events).toEqual([{ type: "end", reason: "invalid" }]);
    expect(turn.status).toBe("ended");
  });

  it("retries exhausted go to the invalid arm; a custom message is used", async () => {
    const engine = engineFor({
      flows: {
        main: {
          code: [
            ask("age", "integer", "Age?", { invalid: invalid({ message: str("Digits, ", get(["ctx"], "name"), "."), retries: 1, then: 3 }) }),
            say(str("age ", v("age"))),
            end(),
            say("giving up"),
            end(),
          ],
        },
      },
    });
    let turn = ok(await engine.start("main", { context: { name: "Ana" } }));
    turn = ok(await engine.reply(turn.state, "x"));
    expect(turn.events).toEqual([
      { type: "say", text: "Digits, Ana." },
      { type: "ask", prompt: "Age?", input: { type: "integer" }, retry: 1 },
    ]);
    turn = ok(await engine.reply(turn.state, "y"));
    expect(turn.events).toEqual([{ type: "say", text: "giving up" }, { type: "end", reason: "done" }]);
  });

  it("retries 0: the first invalid reply goes straight to the arm", async () => {
    const engine = engineFor({ flows: { main: { code: [ask("x", "integer", "?", { invalid: invalid({ retries: 0 }) }), end()] } } });
    const turn = ok(await engine.reply(ok(await engine.start("main")).state, "x"));
    expect(turn.events).toEqual([{ type: "end", reason: "invalid" }]);
  });

  it("validate false is invalid, and leaves the variable unassigned", async () => {
    const validate: Expr = ["and", [">=", v("nota"), lit(1)], ["<=", v("nota"), lit(5)]];
    const engine = engineFor({
      flows: { main: { code: [ask("nota", "integer", "1-5?", { validate, invalid: invalid({ retries: 1 }) }), say(str("nota ", v("nota"))), end()] } },
    });
    let turn = ok(await engine.start("main"));
    turn = ok(await engine.reply(turn.state, "9"));
    expect(turn.events.map((e) => e.type)).toEqual(["say", "ask"]);
    expect(engine.evaluate(turn.state, v("nota"))).toMatchObject({ ok: false });
    turn = ok(await engine.reply(turn.state, "4"));
    expect(turn.events[0]).toEqual({ type: "say", text: "nota 4" });
  });

  it("an arm that completes continues after the question with the variable unassigned", async () => {
    const engine = engineFor({
      flows: {
        main: {
          code: [
            ask("x", "integer", "?", { invalid: invalid({ retries: 0, then: 3 }) }),
            say(str("x=", v("x"))),
            end(),
            say("arm"),
            { op: "jump", to: 1 },
          ],
        },
      },
    });
    const turn = ok(await engine.reply(ok(await engine.start("main")).state, "x"));
    expect(turn.events[0]).toEqual({ type: "say", text: "arm" });
    expect(turn.events[1]).toMatchObject({ type: "error", code: "expression", message: "variable 'x' is read before it is assigned", at: "main.flow:2:5" });
    expect(turn.events[2]).toEqual({ type: "end", reason: "error" });
  });

  it("timeout arms: deadline from the clock; the arm, or end with reason timeout", async () => {
    let now = new Date("2026-01-01T12:00:00Z");
    const engine = engineFor(
      {
        flows: {
          arm: { code: [ask("x", "string", "Q", { timeout: timeout(60_000, 3) }), say("got"), end(), say("too late"), end()] },
          plain: { code: [ask("x", "string", "Q", { timeout: timeout(1000) }), end()] },
          none: { code: [ask("x", "string", "Q"), end()] },
        },
      },
      { clock: () => now },
    );
    const first = ok(await engine.start("arm"));
    expect(first.state.pending?.deadline).toBe("2026-01-01T12:01:00.000Z");
    now = new Date("2026-01-01T12:00:30Z");
    const retried = ok(await engine.reply(first.state, ""));
    expect(retried.state.pending).toMatchObject({ retries: 1, deadline: "2026-01-01T12:01:30.000Z" });
    const late = ok(await engine.timeout(retried.state));
    expect(late.events).toEqual([{ type: "say", text: "too late" }, { type: "end", reason: "done" }]);

    const plain = ok(await engine.timeout(ok(await engine.start("plain")).state));
    expect(plain.events).toEqual([{ type: "end", reason: "timeout" }]);
    expect(plain.status).toBe("ended");

    const waiting = ok(await engine.start("none"));
    const refused = await engine.timeout(waiting.state);
    expect(refused.error?.code).toBe("no-pending-question");
    expect(refused.state).toBe(waiting.state);
  });

  it("a reply longer than limits.replyLength is invalid, not a throw", async () => {
    const engine = engineFor({ flows: { main: { code: [ask("x", "string", "?"), say(v("x")), end()] } } }, { limits: { replyLength: 10 } });
    const first = ok(await engine.start("main"));
    const long = ok(await engine.reply(first.state, "a".repeat(11)));
    expect(long.events.map((e) => e.type)).toEqual(["say", "ask"]);
    const fine = ok(await engine.reply(first.state, "a".repeat(10)));
    expect(fine.events[0]).toEqual({ type: "say", text: "a".repeat(10) });
    const defaults = engineFor({ flows: { main: { code: [ask("x", "string", "?"), say(v("x")), end()] } } });
    const huge = ok(await defaults.reply(ok(await defaults.start("main")).state, "b".repeat(4097)));
    expect(huge.events[1]).toMatchObject({ type: "ask", retry: 1 });
  });

  it("ask over a union of literals: numbered options, the value is the literal", async () => {
    const engine = engineFor({
      flows: {
        main: {
          code: [
            { op: "ask", var: "size", prompt: lit("Size?"), input: { type: "choice", options: ["P", "M", "G"], values: ["P", "M", "G"] }, validate: null, invalid: invalid(), timeout: null },
            say(str("size ", v("size"))),
            end(),
          ],
        },
      },
    });
    const first = ok(await engine.start("main"));
    expect(first.events).toEqual([{ type: "ask", prompt: "Size?", input: { type: "choice", options: ["P", "M", "G"] }, retry: 0 }]);
    expect(ok(await engine.reply(first.state, "2")).events[0]).toEqual({ type: "say", text: "size M" });
    expect(ok(await engine.reply(first.state, "g")).events[0]).toEqual({ type: "say", text: "size G" });
    const bad = ok(await engine.reply(first.state, "XL"));
    expect(bad.events[1]).toEqual({ type: "ask", prompt: "Size?", input: { type: "choice", options: ["P", "M", "G"] }, retry: 1 });
  });
});

describe("choose", () => {
  const choose: Instruction = {
    op: "choose",
    prompt: lit("Problem?"),
    options: [
      { label: "Conexão", match: ["conexao", "internet", "wifi"], then: 1 },
      { label: "Software", match: ["software"], then: 3 },
    ],
    invalid: invalid({ message: lit("Pick a number."), retries: 1 }),
    timeout: null,
  };
  const engine = engineFor({ flows: { main: { code: [choose, say("net"), end(), say("soft"), end()] } } });

  it("selects by number, label or alias; no partial match", async () => {
    const first = ok(await engine.start("main"));
    expect(first.events).toEqual([{ type: "ask", prompt: "Problem?", input: { type: "choice", options: ["Conexão", "Software"] }, retry: 0 }]);
    expect(ok(await engine.reply(first.state, "2")).events[0]).toEqual({ type: "say", text: "soft" });
    expect(ok(await engine.reply(first.state, "CONEXÃO")).events[0]).toEqual({ type: "say", text: "net" });
    expect(ok(await engine.reply(first.state, " WiFi! ")).events[0]).toEqual({ type: "say", text: "net" });
    const partial = ok(await engine.reply(first.state, "soft"));
    expect(partial.events).toEqual([
      { type: "say", text: "Pick a number." },
      { type: "ask", prompt: "Problem?", input: { type: "choice", options: ["Conexão", "Software"] }, retry: 1 },
    ]);
    expect(ok(await engine.reply(partial.state, "3")).events).toEqual([{ type: "end", reason: "invalid" }]);
  });
});

describe("ask … from", () => {
  const products: Expr = [
    "list",
    ["rec", ["name", lit("Shirt")], ["price", lit(10)]],
    ["rec", ["name", lit("Cap")], ["price", lit(5.5)]],
  ];
  const askFrom = (list: Expr, label: Expr | null): Instruction => ({
    op: "askFrom",
    var: "item",
    list,
    label,
    prompt: lit("Pick"),
    validate: null,
    invalid: invalid({ retries: 1, then: 4 }),
    timeout: null,
  });
  const code = (list: Expr, label: Expr | null): Instruction[] => [
    { op: "set", var: "products", value: list },
    askFrom(v("products"), label),
    say(str("chose ", label === null ? v("item") : get(v("item"), "name"))),
    end(),
    say("none"),
    end(),
  ];
  const label: Expr = str(get(v("item"), "name"), " — ", fn("fixed", get(v("item"), "price"), lit(2)));

  it("offers labelled options; chooses by number or full label; re-asks with the same options", async () => {
    const engine = engineFor({ flows: { main: { code: code(products, label) } } });
    const first = ok(await engine.start("main"));
    expect(first.events).toEqual([{ type: "ask", prompt: "Pick", input: { type: "choice", options: ["Shirt — 10.00", "Cap — 5.50"] }, retry: 0 }]);
    expect(first.state.pending?.values).toEqual([
      { name: "Shirt", price: 10 },
      { name: "Cap", price: 5.5 },
    ]);
    expect(ok(await engine.reply(first.state, "2")).events[0]).toEqual({ type: "say", text: "chose Cap" });
    expect(ok(await engine.reply(first.state, "shirt 10.00")).events[0]).toEqual({ type: "say", text: "chose Shirt" });
    const retry = ok(await engine.reply(first.state, "shirt"));
    expect(retry.events[1]).toEqual({ type: "ask", prompt: "Pick", input: { type: "choice", options: ["Shirt — 10.00", "Cap — 5.50"] }, retry: 1 });
    expect(ok(await engine.reply(retry.state, "hat")).events).toEqual([{ type: "say", text: "none" }, { type: "end", reason: "done" }]);
  });

  it("strings label themselves", async () => {
    const engine = engineFor({ flows: { main: { code: code(["list", lit("red"), lit("blue")], null) } } });
    const first = ok(await engine.start("main"));
    expect(first.events[0]).toMatchObject({ input: { type: "choice", options: ["red", "blue"] } });
    expect(ok(await engine.reply(first.state, "Blue")).events[0]).toEqual({ type: "say", text: "chose blue" });
  });

  it("an empty list runs the invalid arm at once, with no prompt or message", async () => {
    const engine = engineFor({ flows: { main: { code: code(["list"], label) } } });
    const turn = ok(await engine.start("main"));
    expect(turn.events).toEqual([{ type: "say", text: "none" }, { type: "end", reason: "done" }]);
  });
});

describe("actions", () => {
  const orderType: TypeJson = { record: { status: { union: [{ literal: "pending" }, { literal: "shipped" }] }, eta: { union: ["string", "null"] } } };
  const spec = (elseTo: number | null, extra: Instruction[] = []): BundleSpec => ({
    actions: { getOrder: action(["id"], orderType, { timeoutMs: 50 }), notify: action(["text"]) },
    flows: {
      main: {
        code: [
          { op: "call", action: "getOrder", args: [lit("123")], var: "order", else: elseTo },
          say(str("status ", get(v("order"), "status"), " ", get(v("order"), "eta") /* null shows as nothing */)),
          end(),
          ...extra,
        ],
      },
    },
  });

  it("a successful call emits its action event first and assigns the checked result", async () => {
    const calls: unknown[][] = [];
    const engine = engineFor(spec(null), {
      actions: {
        getOrder: (id: string, info: unknown) => {
          calls.push([id, info]);
          return { status: "shipped", extra: "dropped" };
        },
      },
    });
    const turn = ok(await engine.start("main", { sessionId: "s1", context: { name: "Ana" } }));
    expect(turn.events).toEqual([
      { type: "action", name: "getOrder", args: ["123"], ok: true },
      { type: "say", text: "status shipped " },
      { type: "end", reason: "done" },
    ]);
    expect(turn.state.stack[0].vars.order).toEqual({ status: "shipped", eta: null });
    expect(calls[0][0]).toBe("123");
    expect(calls[0][1]).toMatchObject({ session: { id: "s1", context: { name: "Ana" } }, idempotencyKey: expect.stringMatching(/^s1:[0-9a-z]+:1:1$/) });
  });

  const failures: [string, EngineOptions["actions"], string][] = [
    ["a throw", { getOrder: () => { throw new Error("boom"); } }, "threw: boom"],
    ["a rejection", { getOrder: async () => Promise.reject(new Error("down")) }, "threw: down"],
    ["a timeout", { getOrder: () => new Promise(() => {}) }, "timed out after 50 ms"],
    ["a wrong result type", { getOrder: () => ({ status: 5 }) }, "the result does not match the declared type at result.status"],
    ["a missing field", { getOrder: () => ({}) }, "result.status"],
    ["a non-JSON result", { getOrder: () => ({ status: "shipped", eta: () => 1 }) }, "result.eta"],
    ["a missing handler", {}, "no handler for action 'getOrder'"],
  ];
  for (const [name, actions, reason] of failures) {
    it(`${name} is a failure: else arm when present`, async () => {
      const engine = engineFor(spec(3, [say("failed"), end()]), { actions });
      const turn = ok(await engine.start("main"));
      expect(turn.events).toEqual([
        { type: "action", name: "getOrder", args: ["123"], ok: false },
        { type: "say", text: "failed" },
        { type: "end", reason: "done" },
      ]);
      expect(turn.state.stack[0].vars).toEqual({});
    });

    it(`${name} without else: error event, end error, status error`, async () => {
      const engine = engineFor(spec(null), { actions });
      const turn = ok(await engine.start("main"));
      expect(turn.events).toHaveLength(3);
      expect(turn.events[0]).toEqual({ type: "action", name: "getOrder", args: ["123"], ok: false });
      expect(turn.events[1]).toMatchObject({ type: "error", code: "action", at: "main.flow:1:5" });
      const message = (turn.events[1] as { message: string }).message;
      expect(message).toContain("getOrder");
      expect(message).toContain(reason);
      expect(turn.events[2]).toEqual({ type: "end", reason: "error" });
      expect(turn.status).toBe("error");
      expect(turn.state.stack[0].pc).toBe(0);
    });
  }

  it("the signal aborts at the action's timeout", async () => {
    let signal: { aborted: boolean } | undefined;
    const engine = engineFor(spec(null), {
      actions: {
        getOrder: (_id: string, info: { signal: { aborted: boolean } }) => {
          signal = info.signal;
          return new Promise(() => {});
        },
      },
    });
    await engine.start("main");
    expect(signal?.aborted).toBe(true);
  });

  it("an action without a result ignores what its handler returns", async () => {
    const engine = engineFor(
      { actions: { notify: action(["text"]) }, flows: { main: { code: [{ op: "call", action: "notify", args: [lit("hi")], var: null, else: null }, end()] } } },
      { actions: { notify: () => ({ anything: true }) } },
    );
    expect(ok(await engine.start("main")).events).toEqual([
      { type: "action", name: "notify", args: ["hi"], ok: true },
      { type: "end", reason: "done" },
    ]);
  });

  it("idempotency keys: unique per call, stable when a turn is retried from the same state", async () => {
    const keys: string[] = [];
    const call = (text: string): Instruction => ({ op: "call", action: "notify", args: [lit(text)], var: null, else: null });
    const engine = engineFor(
      { actions: { notify: action(["text"]) }, flows: { main: { code: [call("a"), call("b"), ask("x", "string", "?"), call("c"), end()] } } },
      { clock: () => new Date(36 ** 5), actions: { notify: (_text: string, info: { idempotencyKey: string }) => void keys.push(info.idempotencyKey) } },
    );
    const first = ok(await engine.start("main", { sessionId: "s9" }));
    expect(first.state.conversation).toBe("100000");
    await engine.reply(first.state, "x");
    await engine.reply(first.state, "x");
    expect(keys).toEqual(["s9:100000:1:1", "s9:100000:1:2", "s9:100000:2:1", "s9:100000:2:1"]);
  });

  it("handler arguments are copies: a handler mutating them changes nothing", async () => {
    const engine = engineFor(
      { actions: { keep: { params: [{ name: "list", type: { list: "string" } }], result: null, timeoutMs: 100 } }, flows: { main: { code: [{ op: "set", var: "l", value: ["list", lit("a")] }, { op: "call", action: "keep", args: [v("l")], var: null, else: null }, say(fn("len", v("l"))), end()] } } },
      { actions: { keep: (list: string[]) => void list.push("evil") } },
    );
    const turn = ok(await engine.start("main"));
    expect(turn.events[0]).toEqual({ type: "action", name: "keep", args: [["a"]], ok: true });
    expect(turn.events[1]).toEqual({ type: "say", text: "1" });
  });
});

describe("subflows", () => {
  const spec: BundleSpec = {
    flows: {
      main: {
        code: [
          { op: "run", flow: "sum", args: [lit(2)], var: "r" },
          say(str("r=", v("r"))),
          { op: "run", flow: "noResult", args: [], var: null },
          say("after"),
          ret(),
        ],
      },
      sum: {
        params: [
          { name: "x", type: "integer" },
          { name: "y", type: "integer", default: 10 },
          { name: "z", type: { union: ["string", "null"] } },
        ],
        result: "integer",
        code: [{ op: "branch", cond: ["==", v("z"), lit(null)], else: 2 }, ret(["+", v("x"), v("y")]), ret(lit(-1))],
      },
      noResult: { code: [say("in sub"), ret()] },
      ender: { code: [say("bye"), end()] },
      callsEnder: { code: [{ op: "run", flow: "ender", args: [], var: null }, say("never"), end()] },
      handsOff: { code: [{ op: "run", flow: "human", args: [], var: null }, say("never"), end()] },
      human: { code: [{ op: "handoff", department: lit("Suporte") }] },
      asks: { code: [{ op: "run", flow: "question", args: [], var: "a" }, say(str("got ", v("a"))), end()] },
      question: { result: "string", code: [ask("q", "string", "Say something"), ret(v("q"))] },
    },
  };
  const engine = engineFor(spec);

  it("run binds params (defaults, nullable → null), return assigns the caller's var; top-level return ends done", async () => {
    const turn = ok(await engine.start("main"));
    expect(turn.events).toEqual([
      { type: "say", text: "r=12" },
      { type: "say", text: "in sub" },
      { type: "say", text: "after" },
      { type: "end", reason: "done" },
    ]);
    expect(turn.state.stack).toHaveLength(1);
    expect(turn.state.stack[0].vars).toEqual({ r: 12 });
  });

  it("end and handoff inside a subflow end the whole conversation", async () => {
    const ended = ok(await engine.start("callsEnder"));
    expect(ended.events).toEqual([{ type: "say", text: "bye" }, { type: "end", reason: "done" }]);
    expect(ended.state.stack.map((f) => f.flow)).toEqual(["callsEnder", "ender"]);
    const handed = ok(await engine.start("handsOff"));
    expect(handed.events).toEqual([{ type: "handoff", department: "Suporte" }]);
    expect(handed.status).toBe("handoff");
  });

  it("a subflow can wait for replies; its frame lives in the state", async () => {
    const first = ok(await engine.start("asks"));
    expect(first.state.stack.map((f) => f.flow)).toEqual(["asks", "question"]);
    expect(first.state.stack[1].resultVar).toBe("a");
    expect(stateSize(first.state)).toBe(JSON.stringify(first.state).length);
    const turn = ok(await engine.reply(first.state, "hello"));
    expect(turn.events).toEqual([{ type: "say", text: "got hello" }, { type: "end", reason: "done" }]);
    expect(stateSize(turn.state)).toBe(JSON.stringify(turn.state).length);
    // The caller's frame, frozen in the issued state, is copied when the subflow returns to it: the issued state is unchanged.
    expect(first.state.stack).toHaveLength(2);
    expect(ok(await engine.reply(JSON.parse(JSON.stringify(first.state)), "hello")).state).toEqual(turn.state);
  });

  it("recursion deeper than limits.stackDepth is an error with code limit", async () => {
    const deep = engineFor({ flows: { loop: { code: [{ op: "run", flow: "loop", args: [], var: null }, ret()] } } }, { limits: { stackDepth: 5 } });
    const turn = ok(await deep.start("loop"));
    expect(turn.events).toEqual([
      { type: "error", code: "limit", message: "subflows nested deeper than 5", at: "main.flow:1:5" },
      { type: "end", reason: "limit" },
    ]);
  });
});

describe("branches", () => {
  it("branch, set and jump make loops", async () => {
    const engine = engineFor({
      flows: {
        main: {
          code: [
            { op: "set", var: "i", value: lit(0) },
            { op: "branch", cond: ["<", v("i"), lit(3)], else: 5 },
            say(str("i=", v("i"))),
            { op: "set", var: "i", value: ["+", v("i"), lit(1)] },
            { op: "jump", to: 1 },
            end(),
          ],
        },
      },
    });
    expect(ok(await engine.start("main")).events.map((e) => (e.type === "say" ? e.text : e.type))).toEqual(["i=0", "i=1", "i=2", "end"]);
  });

  it("match jumps to the first case holding the value, else to else", async () => {
    const code = (value: string): Instruction[] => [
      { op: "set", var: "s", value: lit(value) },
      { op: "match", subject: v("s"), cases: [{ values: ["pending", "processing"], to: 2 }, { values: ["shipped"], to: 4 }], else: 6 },
      say("prep"),
      end(),
      say("ship"),
      end(),
      say("other"),
      end(),
    ];
    for (const [value, text] of [["processing", "prep"], ["shipped", "ship"], ["lost", "other"]]) {
      const engine = engineFor({ flows: { main: { code: code(value) } } });
      expect(ok(await engine.start("main")).events[0]).toEqual({ type: "say", text });
    }
  });

  it("random picks by weight from the injected source", async () => {
    const code = (weights: number[]): Instruction[] => [
      { op: "random", arms: weights.map((weight, i) => ({ weight, to: 1 + 2 * i })) },
      ...weights.flatMap((_, i) => [say(String.fromCharCode(65 + i)), end()]),
    ];
    const pick = async (weights: number[], r: number): Promise<string> => {
      const engine = engineFor({ flows: { main: { code: code(weights) } } }, { random: () => r });
      const event = ok(await engine.start("main")).events[0];
      return event.type === "say" ? event.text : event.type;
    };
    expect(await pick([50, 50], 0.1)).toBe("A");
    expect(await pick([50, 50], 0.7)).toBe("B");
    expect(await pick([1, 3], 0.3)).toBe("B");
    expect(await pick([1, 3], 0.2)).toBe("A");
    expect(await pick([0, 1], 0)).toBe("B");
    expect(await pick([1, 1, 2], 0.99)).toBe("C");

    const engine = engineFor({ flows: { main: { code: code([1, 1]) } } }, { random: sequence(0.9, 0.1) });
    expect(ok(await engine.start("main")).events[0]).toEqual({ type: "say", text: "B" });
    expect(ok(await engine.start("main")).events[0]).toEqual({ type: "say", text: "A" });

    const broken = engineFor({ flows: { main: { code: code([1, 1]) } } }, { random: () => 1 });
    expect(ok(await broken.start("main")).events[0]).toMatchObject({ type: "error", code: "expression" });
  });
});

describe("limits and runtime errors", () => {
  it("a turn over stepsPerTurn stops with an error (code limit) and end reason limit", async () => {
    const engine = engineFor({ flows: { main: { code: [{ op: "jump", to: 0 }] } } });
    const turn = ok(await engine.start("main"));
    expect(turn.events).toEqual([
      { type: "error", code: "limit", message: "more than 10000 steps in one turn without waiting for a reply", at: "main.flow:1:5" },
      { type: "end", reason: "limit" },
    ]);
    expect(turn.status).toBe("error");
    const small = engineFor({ flows: { main: { code: [say("x"), { op: "jump", to: 0 }] } } }, { limits: { stepsPerTurn: 6 } });
    expect(ok(await small.start("main")).events.filter((e) => e.type === "say")).toHaveLength(3);
  });

  it("expression errors become error events", async () => {
    const cases: Expr[] = [v("nope"), ["/", lit(1), lit(0)], ["+", lit(1), lit("a")], fn("matches", lit("a"), ["+", lit("("), lit("")]), get(lit(null), "x")];
    for (const expr of cases) {
      const engine = engineFor({ flows: { main: { code: [say(expr), end()] } } });
      const turn = ok(await engine.start("main"));
      expect(turn.events[0]).toMatchObject({ type: "error", code: "expression", at: "main.flow:1:5" });
      expect(turn.events[1]).toEqual({ type: "end", reason: "error" });
    }
  });

  it("matches(): a computed pattern that can backtrack exponentially is an error event, never run; safe patterns validate replies", async () => {
    const engine = engineFor({
      flows: {
        main: {
          code: [
            ask("cep", "string", "CEP?", { validate: fn("matches", v("cep"), get(["ctx"], "pattern")) }),
            say(str("ok ", v("cep"))),
            end(),
          ],
        },
      },
    });
    const safe = ok(await engine.start("main", { context: { pattern: "^[0-9]{5}-?[0-9]{3}$" } }));
    expect(ok(await engine.reply(safe.state, "01310-100")).events[0]).toEqual({ type: "say", text: "ok 01310-100" });
    expect(ok(await engine.reply(safe.state, "0131")).events.map((e) => e.type)).toEqual(["say", "ask"]);
    const evil = ok(await engine.start("main", { context: { pattern: "^(a+)+$" } }));
    const started = Date.now();
    const turn = ok(await engine.reply(evil.state, `${"a".repeat(4000)}!`));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(turn.events).toEqual([
      { type: "error", code: "expression", message: 'matches(): the pattern "^(a+)+$" may take exponential time: a repetition holds something that can match the same text in more than one way', at: "main.flow:1:5" },
      { type: "end", reason: "error" },
    ]);
  });

  it("prototypes are never reachable", async () => {
    const engine = engineFor({
      flows: {
        main: {
          code: [
            { op: "set", var: "__proto__", value: lit(5) },
            { op: "set", var: "r", value: ["rec", ["__proto__", lit(1)], ["a", lit(2)]] },
            say(str(v("__proto__"), " ", get(v("r"), "__proto__", true), "|", get(["ctx"], "constructor"), "|", get(v("r"), "prototype"), "|", get(v("r"), "toString"))),
            end(),
          ],
        },
      },
    });
    const turn = ok(await engine.start("main"));
    expect(turn.events[0]).toEqual({ type: "say", text: "5 |||" });
    expect(Object.getPrototypeOf(turn.state.stack[0].vars)).toBe(Object.prototype);
    expect(Object.keys(turn.state.stack[0].vars)).toEqual(["__proto__", "r"]);
    expect(JSON.parse(JSON.stringify(turn.state)).stack[0].vars.__proto__).toBe(5);
  });
});

describe("tracing", () => {
  it("trace sees every instruction run, and cannot break a turn", async () => {
    const seen: string[] = [];
    const engine = engineFor(
      { flows: { main: { code: [say("a"), { op: "jump", to: 2 }, end()] } } },
      {
        trace: (flow, pc) => {
          seen.push(`${flow}:${pc}`);
          throw new Error("ignored");
        },
      },
    );
    expect(ok(await engine.start("main")).events).toEqual([{ type: "say", text: "a" }, { type: "end", reason: "done" }]);
    expect(seen).toEqual(["main:0", "main:1", "main:2"]);
  });
});

describe("triggers", () => {
  const engine = engineFor({
    flows: {
      pedido: { triggers: [{ keyword: ["pedido", "rastrear pedido"] }], code: [end()] },
      rastreio: { triggers: [{ keyword: ["rastrear"] }], code: [end()] },
      meu: { triggers: [{ keyword: ["meu pedido"] }], code: [end()] },
      horario: { triggers: [{ keyword: ["horario"] }], code: [end()] },
      atendimento: { triggers: [{ keyword: ["horario de atendimento"] }], code: [end()] },
      dup: { triggers: [{ keyword: ["pedido"] }], code: [end()] },
      welcome: { triggers: [{ start: true }], code: [say("welcome"), end()] },
      survey: {
        triggers: [{ event: "compra.concluida" }],
        params: [{ name: "pedidoId", type: "string" }, { name: "cupom", type: { union: ["string", "null"] } }],
        code: [say(str("pedido ", v("pedidoId"), " cupom ", ["??", v("cupom"), lit("VOLTE10")])), end()],
      },
    },
  });

  it("match: earliest match, then the longer keyword, then bundle order; whole normalised words", () => {
    expect(engine.match("quero rastrear meu pedido")).toBe("rastreio");
    expect(engine.match("Qual o HORÁRIO de atendimento?")).toBe("atendimento");
    expect(engine.match("Qual o horário, ou melhor, de atendimento")).toBe("horario");
    expect(engine.match("horário de atendimento?")).toBe("atendimento");
    expect(engine.match("PEDIDO!")).toBe("pedido");
    expect(engine.match("meus pedidos")).toBeUndefined();
    expect(engine.match("rastrear pedido")).toBe("pedido");
    expect(engine.match("")).toBeUndefined();
    expect(engine.startFlow).toBe("welcome");
  });

  it("startEvent fills params from the payload; unknown events are refused", async () => {
    const turn = ok(await engine.startEvent("compra.concluida", { pedidoId: "42", extra: true }));
    expect(turn.events[0]).toEqual({ type: "say", text: "pedido 42 cupom VOLTE10" });
    expect(turn.state.stack[0].vars).toEqual({ pedidoId: "42", cupom: null });
    const unknown = await engine.startEvent("nope", {});
    expect(unknown).toMatchObject({ state: null, events: [], status: "error", error: { code: "unknown-flow" } });
    const bad = await engine.startEvent("compra.concluida", { pedidoId: 42 });
    expect(bad.error).toMatchObject({ code: "invalid-input", message: "params.pedidoId: expected string, found 42" });
    const missing = await engine.startEvent("compra.concluida", {});
    expect(missing.error?.code).toBe("invalid-input");
  });

  it("start refuses unknown flows and a non-object context", async () => {
    expect((await engine.start("nope")).error?.code).toBe("unknown-flow");
    expect((await engine.start("welcome", { context: [1] })).error?.code).toBe("invalid-input");
    expect((await engine.start("welcome", { context: { a: () => 1 } })).error?.code).toBe("invalid-input");
  });
});

describe("states", () => {
  const spec: BundleSpec = {
    version: "v1",
    flows: {
      main: {
        code: [
          ask("name", "string", "Name?", { timeout: timeout(1000) }),
          { op: "set", var: "items", value: ["list", lit("a"), lit("b")] },
          { op: "askFrom", var: "item", list: v("items"), label: null, prompt: lit("Which?"), validate: null, invalid: invalid(), timeout: null },
          end(),
        ],
      },
    },
  };
  const engine = engineFor(spec);

  it("a turn never mutates the state it was given and returns a new one", async () => {
    const first = ok(await engine.start("main", { sessionId: "s" }));
    const before = JSON.stringify(first.state);
    const second = ok(await engine.reply(first.state, "Ana"));
    expect(JSON.stringify(first.state)).toBe(before);
    expect(second.state).not.toBe(first.state);
    expect(second.state.turn).toBe(2);
    const third = ok(await engine.reply(second.state, "b"));
    expect(third.state.stack[0].vars).toEqual({ name: "Ana", items: ["a", "b"], item: "b" });
    // The state survives JSON storage.
    expect(ok(await engine.reply(JSON.parse(JSON.stringify(second.state)), "a")).state.stack[0].vars.item).toBe("a");
  });

  it("refuses replies to ended sessions, other bundle versions and corrupted states, leaving the state untouched", async () => {
    const waiting = ok(await engine.start("main", { sessionId: "s" }));
    const ended = ok(await engine.timeout(waiting.state));
    const snapshot = JSON.stringify(ended.state);
    const refusal = await engine.reply(ended.state, "hi");
    expect(refusal).toEqual({ state: ended.state, events: [], status: "ended", error: { code: "session-ended", message: "the session has ended" } });
    expect(refusal.state).toBe(ended.state);
    expect(JSON.stringify(ended.state)).toBe(snapshot);
    expect((await engine.timeout(ended.state)).error?.code).toBe("session-ended");

    // Another version without the state's flow: the redeploy is refused, naming the step.
    const other = engineFor({ version: "v2", flows: { renamed: spec.flows.main } });
    const versioned = await other.reply(waiting.state, "hi");
    expect(versioned.error).toMatchObject({ code: "bundle-version", step: { flow: "main", step: "" } });
    expect(versioned.status).toBe("waiting");
    expect(versioned.state).toBe(waiting.state);
    // An ended state of another version is simply ended.
    expect((await other.reply(ended.state, "hi")).error?.code).toBe("session-ended");

    const good = waiting.state as unknown as Record<string, unknown>;
    const cyclic: Record<string, unknown> = { ...good };
    cyclic.self = cyclic;
    const corrupted: unknown[] = [
      null,
      42,
      "state",
      [],
      {},
      { ...good, stack: [] },
      { ...good, stack: "x" },
      { ...good, stack: [{ flow: "nope", pc: 0, vars: {}, resultVar: null }] },
      { ...good, stack: [{ flow: "main", pc: 99, vars: {}, resultVar: null }] },
      { ...good, stack: [{ flow: "main", pc: 1.5, vars: {}, resultVar: null }] },
      { ...good, stack: [{ flow: "main", pc: 0, vars: [], resultVar: null }] },
      { ...good, pending: null },
      { ...good, pending: { pc: 1, retries: 0, deadline: null } },
      { ...good, pending: { pc: 0, retries: -1, deadline: null } },
      { ...good, status: "bogus" },
      { ...good, turn: -1 },
      { ...good, context: [] },
      { ...good, session: 5 },
      { ...good, version: 7 },
      { ...good, stack: [{ flow: "main", pc: 2, vars: {}, resultVar: null }], pending: { pc: 2, retries: 0, deadline: null } },
      cyclic,
      Object.defineProperty({ ...good }, "stack", { enumerable: true, get: () => { throw new Error("getter"); } }),
    ];
    for (const state of corrupted) {
      const before = typeof state === "object" && state !== null && state !== cyclic ? safeStringify(state) : undefined;
      const result = await engine.reply(state, "hi");
      expect(result.error?.code, safeStringify(state)).toBe("invalid-state");
      expect(result.state).toBe(state);
      expect(result.events).toEqual([]);
      if (before !== undefined) expect(safeStringify(state)).toBe(before);
    }
  });

  it("returns frozen states: a host cannot change a state the engine issued, and a changed copy is checked again", async () => {
    const first = ok(await engine.start("main", { sessionId: "s" }));
    const second = ok(await engine.reply(first.state, "Ana"));
    const state = second.state;
    for (const part of [state, state.stack, state.stack[0], state.stack[0].vars, state.stack[0].vars.items, state.pending, state.pending!.options, state.context]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (state.stack[0] as { pc: number }).pc = 99;
    }).toThrow(TypeError);
    // A copy is not an issued state: it is checked in full, so a corrupted one is refused.
    const copy = structuredClone(state);
    copy.stack[0].pc = 99;
    expect((await engine.reply(copy, "a")).error?.code).toBe("invalid-state");
    // An issued state given back runs as its JSON copy does, and is still not mutated.
    const direct = ok(await engine.reply(state, "a"));
    const stored = ok(await engine.reply(JSON.parse(JSON.stringify(state)), "a"));
    expect(direct.state).toEqual(stored.state);
    expect(direct.state.stack[0].vars).toEqual({ name: "Ana", items: ["a", "b"], item: "a" });
    expect(state.stack[0].vars).toEqual({ name: "Ana", items: ["a", "b"] });
    // Another engine (other limits) has not issued it: it is checked there.
    const strict = engineFor(spec, { limits: { stateSize: 100 } });
    expect((await strict.reply(state, "a")).error).toMatchObject({ code: "invalid-state", message: expect.stringContaining("over limits.stateSize (100)") });
  });

  it("evaluate reads the started flow's variables, also after the end", async () => {
    const first = ok(await engine.start("main"));
    const second = ok(await engine.reply(first.state, "Ana"));
    expect(engine.evaluate(second.state, ["==", v("name"), lit("Ana")])).toEqual({ ok: true, value: true });
    const ended = ok(await engine.reply(second.state, "1"));
    expect(ended.status).toBe("ended");
    expect(engine.evaluate(ended.state, v("item"))).toEqual({ ok: true, value: "a" });
    expect(engine.evaluate(ended.state, v("missing"))).toEqual({ ok: false, message: "variable 'missing' is read before it is assigned" });
    expect(engine.evaluate({}, v("x")).ok).toBe(false);
  });
});

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return "<unserialisable>";
  }
}

describe("properties", () => {
  const spec: BundleSpec = {
    locale: "pt-BR",
    flows: {
      main: {
        code: [
          ask("a", "string", "a"),
          ask("b", "number", "b", { validate: [">", v("b"), lit(0)] }),
          ask("c", "integer", "c"),
          ask("d", "boolean", "d"),
          ask("e", "email", "e"),
          ask("f", "phone", "f"),
          ask("g", "date", "g"),
          ask("h", "url", "h", { timeout: timeout(1000, 10) }),
          { op: "choose", prompt: lit("i"), options: [{ label: "Sim", match: ["sim"], then: 9 }, { label: "Não", match: ["nao", "obrigado"], then: 9 }], invalid: invalid(), timeout: null },
          say(str(v("a"), " ", v("b"), " ", v("c"), " ", v("d"))),
          end(),
        ],
      },
    },
  };
  const engine = engineFor(spec);
  const reply = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme", maxLength: 50 }),
    fc.constantFrom("", " ", "\u0000\u0007\r\n", "1", "2", "sim", "R$ 1.000,50", "a@b.co", "+5511999990000", "24/11/2026", "https://x.example", "🙂".repeat(3000), "x".repeat(100_000), "__proto__", "constructor"),
  );

  it("any reply at any question gets status waiting or ended and never throws", async () => {
    const states: unknown[] = [];
    let turn = ok(await engine.start("main"));
    states.push(turn.state);
    for (const text of ["ana", "5", "3", "sim", "a@b.co", "11 99999-0000", "2026-11-24", "https://x.example"]) {
      turn = ok(await engine.reply(turn.state, text));
      states.push(turn.state);
    }
    expect(turn.events[0]).toMatchObject({ type: "ask", prompt: "i" });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...states), fc.array(reply, { minLength: 1, maxLength: 4 }), async (state, texts) => {
        let current: unknown = state;
        for (const text of texts) {
          const result = await engine.reply(current, text);
          if (result.error) {
            expect(result.error.code).toBe("session-ended");
            return;
          }
          expect(["waiting", "ended"]).toContain(result.status);
          expect(JSON.parse(JSON.stringify(result.state))).toEqual(result.state);
          // The size the engine tracks for the state cap is exactly its JSON length.
          expect(stateSize(result.state)).toBe(JSON.stringify(result.state).length);
          current = result.state;
        }
      }),
      { seed: 20261124, numRuns: 300 },
    );
  });

  it("a state given back as issued (trusted, frozen) and the same state read back from JSON (checked) give the same turns", async () => {
    const subflows = engineFor({
      flows: {
        main: {
          code: [
            { op: "set", var: "xs", value: ["list", lit("a"), lit("b"), lit("c")] },
            { op: "run", flow: "pick", args: [v("xs")], var: "picked" },
            ask("n", "integer", "n", { validate: [">", v("n"), lit(0)], invalid: invalid({ retries: 1, then: 4 }) }),
            say(str(v("picked"), " ", v("n"))),
            { op: "jump", to: 1 },
          ],
        },
        pick: {
          params: [{ name: "items", type: { list: "string" } }],
          code: [
            { op: "askFrom", var: "item", list: v("items"), label: null, prompt: lit("which?"), validate: null, invalid: invalid({ retries: 1, then: null }), timeout: timeout(1000) },
            { op: "return", value: v("item") },
          ],
        },
      },
    });
    const texts = fc.array(fc.constantFrom("1", "2", "3", "a", "c", "0", "7", "x", "", "-4"), { minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(engine, subflows), texts, async (which, replies) => {
        let direct = ok(await which.start("main", { sessionId: "s" }));
        let stored = ok(await which.start("main", { sessionId: "s" }));
        for (const text of replies) {
          if (direct.status !== "waiting") break;
          const a = await which.reply(direct.state, text);
          const b = await which.reply(JSON.parse(JSON.stringify(stored.state)), text);
          expect(JSON.stringify(a)).toBe(JSON.stringify(b));
          if (a.error || b.error) break;
          expect(stateSize(a.state)).toBe(JSON.stringify(a.state).length);
          direct = a;
          stored = b;
        }
      }),
      { seed: 99, numRuns: 200 },
    );
  });

  it("corrupted states get a typed error (or run, if still valid) and are left as they were", async () => {
    const first = ok(await engine.start("main"));
    const valid = ok(await engine.reply(first.state, "ana")).state;
    const paths = ["version", "session", "status", "turn", "context", "stack", "pending", "stack.0", "stack.0.flow", "stack.0.pc", "stack.0.vars", "stack.0.resultVar", "pending.pc", "pending.retries", "pending.deadline"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.integer()), async (path, replacement) => {
        const state = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
        const keys = path.split(".");
        let target: Record<string, unknown> = state;
        for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
        target[keys[keys.length - 1]] = replacement;
        const before = JSON.stringify(state);
        const result = await engine.reply(state, "5");
        if (result.error) {
          expect(["invalid-state", "bundle-version", "session-ended"]).toContain(result.error.code);
          expect(result.state).toBe(state);
          expect(result.events).toEqual([]);
        }
        expect(JSON.stringify(state)).toBe(before);
      }),
      { seed: 7, numRuns: 400 },
    );
  });
});

describe("host input checked against the bundle's declarations", () => {
  const typed = () =>
    engineFor({
      context: { plano: { union: [{ literal: "basico" }, { literal: "premium" }] }, idade: "integer", perfil: { record: { nome: "string" } } },
      flows: { main: { vars: { n: "integer", cor: { union: [{ literal: "Azul" }, { literal: "Verde" }] } }, code: [ask("n", "integer", "N?"), say(str("ok ", v("n"))), end()] } },
    });

  it("a context field of the wrong type is refused with invalid-input naming it; absent fields and undeclared ones are accepted", async () => {
    const engine = typed();
    for (const [context, message] of [
      [{ plano: "gold" }, 'context.plano: expected "basico" | "premium"'],
      [{ idade: "30" }, "context.idade: expected integer"],
      [{ idade: 1.5 }, "context.idade: expected integer"],
      [{ perfil: new Date(0) }, "context.perfil.nome: expected string"],
    ] as const) {
      const turn = await engine.start("main", { context });
      expect(turn.error?.code).toBe("invalid-input");
      expect(turn.error?.message).toContain(`${message}, found `);
    }
    const started = ok(await engine.start("main", { context: { plano: "premium", extra: [1] } }));
    expect(started.state.context).toEqual({ plano: "premium", extra: [1] });
    // A refreshed context is checked the same way, and the state given is left as it was.
    const refused = await engine.reply(started.state, "3", { context: { idade: "x" } });
    expect(refused.error).toEqual({ code: "invalid-input", message: 'context.idade: expected integer, found "x"' });
    expect(refused.state).toBe(started.state);
    expect(ok(await engine.reply(started.state, "3", { context: { idade: 40 } })).events[0]).toEqual({ type: "say", text: "ok 3" });
  });

  it("a context field conformed to its type (extra record fields dropped) is measured as stored", async () => {
    const engine = typed();
    const started = ok(await engine.start("main", { context: { perfil: { nome: "Ana", notes: "x".repeat(5000) } } }));
    expect(started.state.context).toEqual({ perfil: { nome: "Ana" } });
    expect(stateSize(started.state)).toBe(JSON.stringify(started.state).length);
  });

  it("a stored state whose variable does not have its declared type is refused as invalid-state", async () => {
    const engine = typed();
    const stored = JSON.parse(JSON.stringify(ok(await engine.start("main")).state));
    for (const [vars, path] of [
      [{ n: "zz" }, "stack[0].vars.n: expected integer"],
      [{ n: 1.5 }, "stack[0].vars.n: expected integer"],
      [{ cor: "Roxo" }, 'stack[0].vars.cor: expected "Azul" | "Verde"'],
    ] as const) {
      const state = { ...stored, stack: [{ ...stored.stack[0], vars }] };
      const turn = await engine.reply(state, "3");
      expect(turn.error?.code).toBe("invalid-state");
      expect(turn.error?.message).toContain(`invalid session state: ${path}, found `);
    }
    // A name that is no variable of the flow is refused too (the engine never writes one).
    const undeclared = await engine.reply({ ...stored, stack: [{ ...stored.stack[0], vars: { n: 2, undeclared: true } }] }, "3");
    expect(undeclared.error).toMatchObject({ code: "invalid-state", message: "invalid session state: stack[0].vars.undeclared: flow 'main' has no such variable" });
    const good = { ...stored, stack: [{ ...stored.stack[0], vars: { n: 2, cor: "Azul" } }] };
    expect(ok(await engine.reply(good, "3")).events[0]).toEqual({ type: "say", text: "ok 3" });
  });

  it("null options are the same as none", async () => {
    const engine = typed();
    const first = ok(await engine.start("main", null as never));
    expect(ok(await engine.reply(first.state, "3", null as never)).events[0]).toEqual({ type: "say", text: "ok 3" });
    expect((await engine.timeout(first.state, null as never)).error?.code).toBe("no-pending-question");
    expect((await engine.startEvent("nothing", {}, null as never)).error?.code).toBe("unknown-flow");
  });
});

describe("what a host passes is checked, not replaced", () => {
  const spec: BundleSpec = { flows: { main: { triggers: [{ event: "go" }], code: [ask("x", "string", "?"), end()] } } };

  it("sessionId: absent (undefined or null) is a random UUID; anything but a non-empty string is refused with invalid-input naming it", async () => {
    const engine = engineFor(spec);
    for (const sessionId of [undefined, null]) {
      const started = ok(await engine.start("main", { sessionId: sessionId as never }));
      expect(started.state.session).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(ok(await engine.startEvent("go", {}, { sessionId: sessionId as never })).state.session).toMatch(/^[0-9a-f-]{36}$/);
    }
    for (const sessionId of [5, {}, [], "", true, 0]) {
      for (const turn of [await engine.start("main", { sessionId: sessionId as never }), await engine.startEvent("go", {}, { sessionId: sessionId as never })]) {
        expect(turn.error?.code, JSON.stringify(sessionId)).toBe("invalid-input");
        expect(turn.error?.message).toMatch(/^sessionId must be a non-empty string \(got .+\)$/);
        expect(turn.state).toBeNull();
      }
    }
    expect(ok(await engine.start("main", { sessionId: "5511999990000" })).state.session).toBe("5511999990000");
  });

  it("a host object that throws while read is refused with its message, secrets redacted; an unreadable message never throws", async () => {
    const secret = "tok-1234-secret";
    const engine = engineFor({ flows: { main: { params: [{ name: "id", type: "string" }], code: [say(v("id")), end()] } } }, { secrets: { TOKEN: secret } });
    const throwing = (error: unknown) =>
      Object.defineProperty({}, "id", {
        enumerable: true,
        get: () => {
          throw error;
        },
      });
    const leaky = await engine.start("main", { params: throwing(new Error(`no access with ${secret}`)) });
    expect(leaky.error).toEqual({ code: "invalid-input", message: "could not start: no access with ***" });
    const unreadable = Object.defineProperty(new Error(), "message", {
      get: () => {
        throw new Error("message getter");
      },
    });
    expect((await engine.start("main", { params: throwing(unreadable) })).error).toEqual({ code: "invalid-input", message: "could not start: unreadable error" });
    expect(engine.evaluate({}, ["var", "x"]).ok).toBe(false);
  });

  it("limits: a limit present but not a positive integer makes createEngine throw, naming it; an absent one is the default, unknown names are ignored", async () => {
    const bundle = makeBundle(spec);
    const cases: [unknown, ErrorConstructor, string][] = [
      [50.5, RangeError, "limits.stepsPerTurn must be a positive integer (got 50.5)"],
      [0, RangeError, "limits.stepsPerTurn must be a positive integer (got 0)"],
      [-1, RangeError, "limits.stepsPerTurn must be a positive integer (got -1)"],
      [NaN, RangeError, "limits.stepsPerTurn must be a positive integer (got NaN)"],
      [Infinity, RangeError, "limits.stepsPerTurn must be a positive integer (got Infinity)"],
      [2 ** 53, RangeError, "limits.stepsPerTurn must be a positive integer (got 9007199254740992)"],
      ["50", TypeError, 'limits.stepsPerTurn must be a positive integer (got "50")'],
      [null, TypeError, "limits.stepsPerTurn must be a positive integer (got null)"],
      [{}, TypeError, "limits.stepsPerTurn must be a positive integer (got an object)"],
    ];
    for (const [value, type, message] of cases) {
      const create = () => createEngine(bundle, { limits: { stepsPerTurn: value as number } });
      expect(create, String(value)).toThrow(type);
      expect(create).toThrow(message);
    }
    for (const name of ["replyLength", "stackDepth", "stateSize", "responseSize"]) {
      expect(() => createEngine(bundle, { limits: { [name]: 1.5 } })).toThrow(`limits.${name} must be a positive integer (got 1.5)`);
    }
    expect(() => createEngine(bundle, { limits: 5 as never })).toThrow(new TypeError("limits must be an object (got 5)"));
    // Absent limits are the defaults; a name that is not a limit is ignored (TypeScript already flags it).
    const loose = createEngine(bundle, { limits: { stepsPerTurn: undefined, stepPerTurn: 1 } as never });
    expect(ok(await loose.start("main")).status).toBe("waiting");
    const tight = createEngine(makeBundle({ flows: { main: { code: [say("x"), { op: "jump", to: 0 }] } } }), { limits: { stepsPerTurn: 50 } });
    // Two instructions a round: 25 rounds in 50 steps.
    expect(ok(await tight.start("main")).events.filter((e) => e.type === "say")).toHaveLength(25);
  });
});

describe("corrupted states of this bundle version", () => {
  const spec: BundleSpec = {
    version: "v1",
    flows: {
      main: {
        // `picked` is not declared: a hand-written bundle may leave out what its code assigns; the engine stores it all the same.
        vars: { name: "string" },
        steps: { "": 0, later: 1 },
        code: [
          ask("name", "string", "Name?", { timeout: timeout(1000), invalid: invalid({ retries: 1 }) }),
          { op: "run", flow: "pick", args: [], var: "picked" },
          end(),
        ],
      },
      pick: {
        params: [{ name: "limit", type: "integer", default: 3 }],
        code: [ask("item", "string", "Item?"), ret(v("item"))],
      },
    },
  };
  const engine = engineFor(spec);
  const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  it("refuses a state holding what the engine never writes, naming its JSON path; the states it writes pass", async () => {
    const first = ok(await engine.start("main", { sessionId: "s" }));
    const retried = ok(await engine.reply(first.state, ""));
    expect(retried.state.pending?.retries).toBe(1);
    const inSub = ok(await engine.reply(first.state, "Ana"));
    expect(inSub.state.stack).toHaveLength(2);
    // Issued states read back from storage are accepted, whatever their step, retries or frames.
    for (const state of [first.state, retried.state, inSub.state]) expect((await engine.reply(json(state), "x")).error).toBeUndefined();
    const done = ok(await engine.reply(json(inSub.state), "pen"));
    expect(done.state.stack[0].vars).toEqual({ name: "Ana", picked: "pen" });

    const top = json(first.state);
    const sub = json(inSub.state);
    const cases: [unknown, string][] = [
      [{ ...top, pending: { ...top.pending!, deadline: "yesterday" } }, "pending.deadline"],
      [{ ...top, pending: { ...top.pending!, deadline: "2026-01-01" } }, "pending.deadline"],
      [{ ...top, pending: { ...top.pending!, retries: 2 } }, "pending.retries"],
      [{ ...top, stack: [{ ...top.stack[0], vars: { name: "Ana", bogus: 1 } }] }, "stack[0].vars.bogus"],
      [{ ...top, stack: [{ ...top.stack[0], vars: { item: "x" } }] }, "stack[0].vars.item"],
      [{ ...top, stack: [{ ...top.stack[0], step: "nowhere" }] }, "stack[0].step"],
      [{ ...top, stack: [{ ...top.stack[0], step: "constructor" }] }, "stack[0].step"],
      [{ ...top, stack: [{ ...top.stack[0], resultVar: "name" }] }, "stack[0].resultVar"],
      [{ ...sub, stack: [sub.stack[0], { ...sub.stack[1], resultVar: "nope" }] }, "stack[1].resultVar"],
      [{ ...sub, stack: [sub.stack[0], { ...sub.stack[1], resultVar: "item" }] }, "stack[1].resultVar"],
      [{ ...sub, stack: [sub.stack[0], { ...sub.stack[1], vars: { limit: 3, name: "x" } }] }, "stack[1].vars.name"],
    ];
    for (const [state, path] of cases) {
      const before = JSON.stringify(state);
      const turn = await engine.reply(state, "x");
      expect(turn.error?.code, path).toBe("invalid-state");
      expect(turn.error?.message).toContain(`invalid session state: ${path}`);
      expect(turn.state).toBe(state);
      expect(JSON.stringify(state)).toBe(before);
      expect(engine.evaluate(state, lit(1)).ok).toBe(false);
    }
    // What the engine could have written is accepted: the flow body or a step, a parameter, a caller's variable, null.
    for (const state of [
      { ...top, stack: [{ ...top.stack[0], step: "later" }] },
      { ...top, stack: [{ ...top.stack[0], step: "" }] },
      { ...top, pending: { ...top.pending!, deadline: "2026-01-01T12:00:01.000Z" } },
      { ...top, pending: { ...top.pending!, retries: 1 } },
      { ...sub, stack: [{ ...sub.stack[0], vars: { name: "Ana", picked: "y" } }, { ...sub.stack[1], resultVar: "name", vars: { limit: 1, item: "z" } }] },
      { ...sub, stack: [sub.stack[0], { ...sub.stack[1], resultVar: null }] },
    ]) {
      expect((await engine.reply(state, "x")).error, JSON.stringify(state)).toBeUndefined();
    }
  });

  it("a state of another bundle version is only shape-checked: a redeploy drops what the new bundle does not declare", async () => {
    const stored = json(ok(await engine.start("main", { sessionId: "s" })).state);
    const odd = { ...stored, stack: [{ ...stored.stack[0], vars: { bogus: 1 } }], pending: { ...stored.pending!, deadline: "yesterday", retries: 9 } };
    const next = engineFor({ ...spec, version: "v2" });
    const moved = ok(await next.reply(odd, "x"));
    expect(moved.redeploy?.dropped).toEqual([{ flow: "main", variable: "bogus", reason: "removed" }]);
  });
});
