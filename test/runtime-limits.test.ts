import { describe, expect, it } from "vitest";
import { createEngine, loadBundle, type AppliedTurn, type Bundle, type EngineOptions, type Instruction, type Turn } from "../packages/runtime/src/index.js";
import { compile } from "./runtime-fixtures.js";

// Limits (RUNTIME §2): steps per turn, reply length, state size, subflow
// depth, and the size of values a flow can build. Each is a typed outcome
// (an `error` event with code `limit`, or a refusal), never an exception or a
// hang, and a state the host stores is always under `limits.stateSize`.

function ok(turn: Turn): AppliedTurn {
  if (turn.error) throw new Error(`refused: ${turn.error.code}: ${turn.error.message}`);
  return turn;
}

/** A one-flow bundle from raw instructions (for programs the checker would not let through). */
function raw(code: Instruction[], extra: Record<string, unknown> = {}): Bundle {
  const bundle = compile({ "x.flow": 'flow f {\n    say "x"\n}\n' }) as unknown as Record<string, any>;
  bundle.flows.f.code = code;
  bundle.flows.f.map = code.map((_, i) => [0, i + 1, 1]);
  Object.assign(bundle.flows.f, extra);
  return loadBundle(bundle);
}

const size = (value: unknown): number => JSON.stringify(value).length;

describe("stepsPerTurn", () => {
  // The checker refuses a loop that never waits (FX4003); a bundle is untrusted, so the runtime must stop one anyway.
  const looping = raw([
    { op: "ask", var: "nome", prompt: ["lit", "Nome?"], input: { type: "string" }, validate: null, invalid: { message: null, retries: 2, then: null }, timeout: null },
    { op: "set", var: "n", value: ["lit", 0] },
    { op: "branch", cond: ["==", ["var", "nome"], ["lit", "loop"]], else: 5 },
    { op: "set", var: "n", value: ["+", ["var", "n"], ["lit", 1]] },
    { op: "jump", to: 3 },
    { op: "say", text: ["str", "ok ", ["var", "nome"]] },
    { op: "end" },
  ]);

  it("a turn that never waits stops with an error event (limit) and end reason limit, quickly; the session is kept", async () => {
    const engine = createEngine(looping, { limits: { stepsPerTurn: 5000 } });
    const waiting = ok(await engine.start("f"));
    const before = JSON.stringify(waiting.state);
    const started = Date.now();
    const turn = ok(await engine.reply(waiting.state, "loop"));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(turn.events).toEqual([
      { type: "error", code: "limit", message: "more than 5000 steps in one turn without waiting for a reply", at: expect.stringMatching(/^x\.flow:[45]:1$/) },
      { type: "end", reason: "limit" },
    ]);
    expect(turn.status).toBe("error");
    // The state returned keeps the session's frames and variables as they were when the limit stopped it.
    expect(turn.state.stack[0].vars.nome).toBe("loop");
    expect(turn.state.stack[0].vars.n).toBeGreaterThan(1000);
    // The state given is untouched: a host can still answer it differently.
    expect(JSON.stringify(waiting.state)).toBe(before);
    expect(ok(await engine.reply(waiting.state, "Ana")).events[0]).toEqual({ type: "say", text: "ok Ana" });
  });
});

describe("reply length", () => {
  it("a reply longer than limits.replyLength is never parsed: the question's invalid path", async () => {
    const engine = createEngine(compile({ "r.flow": 'flow f {\n    ask n: integer "N?"\n    say "{n}"\n}\n' }), { limits: { replyLength: 8 } });
    const first = ok(await engine.start("f"));
    const long = ok(await engine.reply(first.state, "123456789"));
    expect(long.events.map((e) => e.type)).toEqual(["say", "ask"]);
    expect(ok(await engine.reply(first.state, "12345678")).events[0]).toEqual({ type: "say", text: "12,345,678" });
  });
});

describe("stateSize", () => {
  const diary = compile({
    "d.flow": `
action buscar(q: string) -> string
flow f {
    var log: string = ""
    step pergunta {
        ask linha: string "Mais?"
        if linha == "buscar" {
            let r = buscar(linha)
            set log = log + r
        } else {
            set log = log + linha
        }
        goto pergunta
    }
    goto pergunta
}
`,
  });

  it("an assignment that would grow the state past the cap is undone and fails with code limit; every stored state is under the cap", async () => {
    const limit = 2000;
    // A fixed clock: the conversation id (the start time) is part of the state, so its length must not vary.
    const clock = () => new Date("2026-11-24T10:00:00Z");
    const engine = createEngine(diary, { clock, limits: { stateSize: limit } });
    let turn = ok(await engine.start("f"));
    let last: AppliedTurn = turn;
    for (let i = 0; i < 40 && turn.status === "waiting"; i++) {
      last = turn;
      turn = ok(await engine.reply(turn.state, "x".repeat(100)));
      expect(size(turn.state)).toBeLessThanOrEqual(limit);
    }
    expect(turn.status).toBe("error");
    // Whichever grows the state past the cap first (here the question's bookkeeping, after the last line was added) is refused.
    expect(turn.events).toEqual([
      { type: "error", code: "limit", message: `asking this question would make the session state ${limit + 30} characters of JSON, over limits.stateSize (${limit})`, at: "d.flow:6:9" },
      { type: "end", reason: "limit" },
    ]);
    // With lines of another length, the assignment itself is refused, and undone: the log kept is the one before it.
    const other = createEngine(diary, { clock, limits: { stateSize: limit } });
    turn = ok(await other.start("f"));
    for (let i = 0; i < 40 && turn.status === "waiting"; i++) {
      last = turn;
      turn = ok(await other.reply(turn.state, "y".repeat(125)));
      expect(size(turn.state)).toBeLessThanOrEqual(limit);
    }
    expect(turn.events[0]).toEqual({ type: "error", code: "limit", message: `assigning 'log' would make the session state larger than limits.stateSize (${limit} characters of JSON)`, at: "d.flow:11:13" });
    expect(turn.state.stack[0].vars.log).toBe(last.state.stack[0].vars.log);
  });

  it("the default is 64 KiB: a huge action result fails the flow, not the host's store", async () => {
    const engine = createEngine(diary, { actions: { buscar: () => "y".repeat(100_000) } });
    const first = ok(await engine.start("f"));
    const turn = ok(await engine.reply(first.state, "buscar"));
    expect(turn.events[0]).toEqual({ type: "action", name: "buscar", args: ["buscar"], ok: true });
    expect(turn.events[1]).toMatchObject({ type: "error", code: "limit", message: expect.stringContaining("limits.stateSize (65536") });
    expect(size(turn.state)).toBeLessThanOrEqual(65_536);
  });

  it("a question's options count too", async () => {
    const engine = createEngine(
      raw([
        { op: "set", var: "xs", value: ["list", ...Array.from({ length: 50 }, (_, i) => ["lit", `option ${i} ${"z".repeat(40)}`] as ["lit", string])] },
        { op: "askFrom", var: "x", list: ["var", "xs"], label: null, prompt: ["lit", "?"], validate: null, invalid: { message: null, retries: 0, then: null }, timeout: null },
        { op: "end" },
      ]),
      { limits: { stateSize: 4000 } },
    );
    const turn = ok(await engine.start("f"));
    expect(turn.events).toEqual([
      { type: "error", code: "limit", message: expect.stringMatching(/^asking this question would make the session state \d+ characters of JSON, over limits.stateSize \(4000\)$/), at: "x.flow:2:1" },
      { type: "end", reason: "limit" },
    ]);
    expect(turn.state.pending).toBeNull();
    expect(size(turn.state)).toBeLessThanOrEqual(4000);
  });

  it("a state, context or parameters over the cap are refused with a typed error", async () => {
    const engine = createEngine(diary, { limits: { stateSize: 1000 } });
    const big = { note: "n".repeat(2000) };
    expect(await engine.start("f", { context: big })).toMatchObject({ state: null, error: { code: "invalid-input", message: expect.stringContaining("over limits.stateSize (1000)") } });
    const first = ok(await engine.start("f"));
    const refreshed = await engine.reply(first.state, "a", { context: big });
    expect(refreshed.error?.code).toBe("invalid-input");
    expect(refreshed.state).toBe(first.state);
    const stored = structuredClone(first.state);
    stored.stack[0].vars.log = "l".repeat(2000);
    const refused = await engine.reply(stored, "a");
    expect(refused.error).toMatchObject({ code: "invalid-state", message: expect.stringContaining("over limits.stateSize (1000)") });
    // A host object standing for a huge JSON text (shared sub-objects) is refused without being walked in full.
    let shared: unknown = "leaf";
    for (let i = 0; i < 60; i++) shared = [shared, shared];
    const started = Date.now();
    expect((await engine.reply({ ...first.state, context: { shared } }, "a")).error?.code).toBe("invalid-state");
    expect((await engine.start("f", { context: { shared } })).error?.code).toBe("invalid-input");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("values a flow builds and values a host returns", () => {
  it("a list that doubles itself stops at the value size cap, in time", async () => {
    const seeded = createEngine(raw([{ op: "set", var: "xs", value: ["list", ["lit", "x"]] }, { op: "set", var: "xs", value: ["list", ["var", "xs"], ["var", "xs"]] }, { op: "jump", to: 1 }]));
    const started = Date.now();
    const turn = ok(await seeded.start("f"));
    expect(Date.now() - started).toBeLessThan(3000);
    // The state cap is reached first (64 KiB) — long before the value could be exponential.
    expect(turn.events[0]).toMatchObject({ type: "error", code: "limit" });
    const roomy = createEngine(raw([{ op: "set", var: "xs", value: ["list", ["lit", "x"]] }, { op: "set", var: "ys", value: ["list", ["var", "xs"], ["var", "xs"]] }, { op: "set", var: "xs", value: ["var", "ys"] }, { op: "jump", to: 1 }]), {
      limits: { stateSize: 100_000_000 },
    });
    const big = ok(await roomy.start("f"));
    expect(big.events[0]).toMatchObject({ type: "error", code: "expression", message: "a value larger than 2000000 characters of JSON" });
  });

  it("nesting deeper than 200 levels stops the flow", async () => {
    const engine = createEngine(raw([{ op: "set", var: "xs", value: ["list"] }, { op: "set", var: "xs", value: ["list", ["var", "xs"]] }, { op: "jump", to: 1 }]));
    const turn = ok(await engine.start("f"));
    expect(turn.events[0]).toMatchObject({ type: "error", code: "expression", message: "a value nested deeper than 200 levels" });
    // And the state it leaves can be given back (here it has ended, so: session-ended, not invalid-state).
    expect((await engine.reply(turn.state, "x")).error?.code).toBe("session-ended");
  });

  it("a host result sharing sub-objects (exponential as JSON) fails the call quickly", async () => {
    let type: unknown = "string";
    let value: unknown = "leaf";
    for (let i = 0; i < 50; i++) {
      type = { list: type };
      value = [value, value];
    }
    const bundle = compile({ "x.flow": 'action a() -> string\nflow f {\n    let r = a() else {\n        say "failed"\n        return\n    }\n    say r\n}\n' }) as unknown as Record<string, any>;
    bundle.actions.a.result = type;
    const engine = createEngine(loadBundle(bundle), { actions: { a: () => value } });
    const started = Date.now();
    const turn = ok(await engine.start("f"));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(turn.events.slice(0, 2)).toEqual([{ type: "action", name: "a", args: [], ok: false }, { type: "say", text: "failed" }]);
  });

  it("subflows nest at most limits.stackDepth deep", async () => {
    const bundle = compile({ "x.flow": "flow f {\n    run f()\n}\n" });
    const turn = ok(await createEngine(bundle, { limits: { stackDepth: 20 } } satisfies EngineOptions).start("f"));
    expect(turn.events[0]).toMatchObject({ type: "error", code: "limit", message: "subflows nested deeper than 20" });
  });
});
