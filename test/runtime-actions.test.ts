import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEngine, loadBundle, type ActionContext, type AppliedTurn, type Bundle, type EngineOptions, type Turn } from "../packages/runtime/src/index.js";
import { compile, repo } from "./runtime-fixtures.js";

// Action calls (RUNTIME §2): idempotency keys, results checked against the
// declared type, handler failures, and field access that never reaches a
// prototype, whatever names the bundle, the context, payloads or results use.

function ok(turn: Turn): AppliedTurn {
  if (turn.error) throw new Error(`refused: ${turn.error.code}: ${turn.error.message}`);
  return turn;
}

const shop = compile({
  "loja.flow": `
type Pedido = { id: string; status: "novo" | "pago" }

action criar(sku: string) -> Pedido timeout 200ms
action avisar(texto: string)

flow compra {
    let a = criar("A") else {
        say "falhou A"
        return
    }
    avisar("criado {a.id}")
    ask sku: string "Outro?"
    let b = criar(sku) else {
        say "falhou B"
        return
    }
    say "{a.id} {a.status} {b.id} {b.status}"
}
`,
});

describe("idempotency keys", () => {
  it("are unique per call in a session, and the same when the host retries a turn from the same state", async () => {
    const keys: string[] = [];
    // The conversation id in a key is the start time by the engine's clock (base 36 ms): fixed here.
    let now = new Date("2026-11-24T10:00:00Z");
    const c1 = now.getTime().toString(36);
    const options: EngineOptions = {
      clock: () => now,
      actions: {
        criar: (sku: string, context: ActionContext) => {
          keys.push(context.idempotencyKey);
          return { id: `P-${sku}`, status: "novo" };
        },
        avisar: (_texto: string, context: ActionContext) => void keys.push(context.idempotencyKey),
      },
    };
    const engine = createEngine(shop, options);
    const first = ok(await engine.start("compra", { sessionId: "5511" }));
    const second = ok(await engine.reply(first.state, "B"));
    expect(second.events.at(-2)).toEqual({ type: "say", text: "P-A novo P-B novo" });
    expect(keys).toEqual([`5511:${c1}:1:1`, `5511:${c1}:1:2`, `5511:${c1}:2:1`]);
    // The host's retry of the second turn (same state, e.g. after a crash before saving) reuses its key.
    ok(await engine.reply(first.state, "B"));
    expect(keys.at(-1)).toBe(`5511:${c1}:2:1`);
    // Another session never shares a key.
    ok(await engine.start("compra", { sessionId: "5512" }));
    expect(keys.at(-2)).toBe(`5512:${c1}:1:1`);
    expect(new Set(keys.slice(0, 3)).size).toBe(3);
    // A later conversation with the same contact (same session id) never reuses a key of an earlier one.
    now = new Date("2026-11-24T10:05:00Z");
    ok(await engine.start("compra", { sessionId: "5511" }));
    expect(keys.at(-2)).toBe(`5511:${now.getTime().toString(36)}:1:1`);
    expect(keys.slice(0, 3)).not.toContain(keys.at(-2));
  });

  it("keep the earlier format for a state stored before conversations had an id", async () => {
    const keys: string[] = [];
    const engine = createEngine(shop, { actions: { criar: (sku: string, context: ActionContext) => (keys.push(context.idempotencyKey), { id: `P-${sku}`, status: "novo" }), avisar: () => undefined } });
    const first = ok(await engine.start("compra", { sessionId: "5511" }));
    const { conversation: _dropped, ...older } = JSON.parse(JSON.stringify(first.state));
    ok(await engine.reply(older, "B"));
    expect(keys.at(-1)).toBe("5511:2:1");
  });
});

describe("handler results and failures", () => {
  async function first(criar: (...args: any[]) => unknown): Promise<AppliedTurn> {
    return ok(await createEngine(shop, { actions: { criar, avisar: () => undefined } }).start("compra"));
  }

  const failures: [string, (...args: any[]) => unknown][] = [
    ["a throw", () => { throw new Error("db down"); }],
    ["a throw of a non-Error", () => { throw "nope"; }],
    ["a rejection", () => Promise.reject(new Error("later"))],
    ["a hang past the timeout", () => new Promise(() => {})],
    ["a value outside the declared union", () => ({ id: "x", status: "cancelado" })],
    ["a missing field", () => ({ id: "x" })],
    ["a function in the result", () => ({ id: "x", status: () => "novo" })],
    ["a cyclic result", () => { const o: Record<string, unknown> = { id: "x", status: "novo" }; o.self = o; o.id = o; return o; }],
    ["a bigint", () => ({ id: 1n, status: "novo" })],
    ["a getter that throws", () => Object.defineProperty({ status: "novo" }, "id", { enumerable: true, get: () => { throw new Error("getter"); } })],
    ["undefined", () => undefined],
  ];
  for (const [name, criar] of failures) {
    it(`${name} is a failure of the call: the else arm, nothing assigned`, async () => {
      const turn = await first(criar);
      expect(turn.events).toEqual([{ type: "action", name: "criar", args: ["A"], ok: false }, { type: "say", text: "falhou A" }, { type: "end", reason: "done" }]);
      expect(turn.state.stack[0].vars).toEqual({});
    });
  }

  it("a hang is abandoned at the timeout, and the handler's signal fires", async () => {
    let signal: { aborted: boolean } | undefined;
    const started = Date.now();
    await first((_sku: string, context: ActionContext) => {
      signal = context.signal;
      return new Promise(() => {});
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(signal?.aborted).toBe(true);
  });

  it("a handler gets copies: mutating its arguments or context changes nothing in the session", async () => {
    const engine = createEngine(shop, {
      actions: {
        criar: (sku: string, context: ActionContext) => {
          (context.session.context as Record<string, unknown>).name = "hacked";
          return { id: sku, status: "pago" };
        },
        avisar: () => undefined,
      },
    });
    const turn = ok(await engine.start("compra", { context: { name: "Ana" } }));
    expect(turn.state.context).toEqual({ name: "Ana" });
  });
});

describe("no prototype is ever reached", () => {
  const polluted = () => (Object.prototype as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).polluted;

  it("__proto__, constructor and prototype keys in results, context, payloads and states are plain data", async () => {
    const bundle = compile({
      "p.flow": `
context {
    nome: string
}
type R = { status: string }
action obter() -> R
flow f(pedidoId: string) {
    trigger event "compra"
    let r = obter()
    ask x: string "?"
    say "{r.status}|{context.nome}|{pedidoId}|{x}"
}
`,
    });
    const engine = createEngine(bundle, { actions: { obter: () => JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"status":"ok"}') } });
    const context = JSON.parse('{"__proto__":{"polluted":1},"nome":"Ana","constructor":"c"}');
    const payload = JSON.parse('{"__proto__":{"polluted":1},"pedidoId":"42","prototype":1}');
    const first = ok(await engine.startEvent("compra", payload, { context }));
    expect(first.state.stack[0].vars.r).toEqual({ status: "ok" });
    expect(Object.keys(first.state.context)).toEqual(["__proto__", "nome", "constructor"]);
    // A stored state read back with JSON.parse carries a `__proto__` key as data too: as a variable, it is no variable of
    // the flow, so the state is refused naming it; inside a variable's value, it is a field the type does not have (dropped).
    const text = JSON.stringify(first.state);
    const strayVariable = JSON.parse(text.replace('"vars":{', '"vars":{"__proto__":{"polluted":1},'));
    expect((await engine.reply(strayVariable, "fim")).error).toMatchObject({ code: "invalid-state", message: expect.stringContaining("stack[0].vars.__proto__: flow 'f' has no such variable") });
    const stored = JSON.parse(text.replace('"r":{', '"r":{"__proto__":{"polluted":1},'));
    expect(Object.keys(stored.stack[0].vars.r)).toEqual(["__proto__", "status"]);
    const second = ok(await engine.reply(stored, "fim"));
    expect(second.events[0]).toEqual({ type: "say", text: "ok|Ana|42|fim" });
    expect(Object.getPrototypeOf(second.state.stack[0].vars)).toBe(Object.prototype);
    expect(polluted()).toBeUndefined();
  });

  it("field access reads neither inherited members nor __proto__/constructor/prototype, even when they are own data", async () => {
    const raw = compile({ "q.flow": 'flow f {\n    say "x"\n}\n' }) as unknown as Record<string, any>;
    const get = (object: unknown, field: string): unknown => ["get", object, field, true];
    raw.flows.f.code = [
      { op: "set", var: "r", value: ["rec", ["__proto__", ["lit", "own"]], ["constructor", ["lit", "own"]], ["prototype", ["lit", "own"]], ["a", ["lit", 1]]] },
      { op: "set", var: "constructor", value: ["lit", "a variable"] },
      { op: "say", text: ["str", get(["var", "r"], "__proto__"), "|", get(["var", "r"], "constructor"), "|", get(["var", "r"], "prototype"), "|", get(["var", "r"], "toString"), "|", get(["var", "r"], "hasOwnProperty"), "|", get(["ctx"], "constructor"), "|", ["var", "constructor"]] },
      { op: "say", text: ["var", "toString"] },
      { op: "end" },
    ];
    raw.flows.f.map = raw.flows.f.code.map(() => [0, 1, 1]);
    const turn = ok(await createEngine(loadBundle(raw)).start("f"));
    expect(turn.events[0]).toEqual({ type: "say", text: "||||||a variable" });
    expect(turn.events[1]).toMatchObject({ type: "error", code: "expression", message: "variable 'toString' is read before it is assigned" });
    expect(JSON.stringify(turn.state.stack[0].vars.r)).toBe('{"__proto__":"own","constructor":"own","prototype":"own","a":1}');
  });

  it("flows, actions, handlers and built-ins are looked up as own names only", async () => {
    const text = JSON.stringify(compile({ "q.flow": 'action toString()\nflow f {\n    toString()\n    say "done"\n}\n' })).replace('"f":', '"__proto__":');
    const bundle = loadBundle(text);
    const engine = createEngine(bundle, { actions: {} });
    // The flow named `__proto__` is an ordinary flow; `constructor` is not a flow; no handler is found on Object.prototype.
    const turn = ok(await engine.start("__proto__"));
    expect(turn.events[0]).toEqual({ type: "action", name: "toString", args: [], ok: false });
    expect((await engine.start("constructor")).error?.code).toBe("unknown-flow");
    expect((await engine.start("toString")).error?.code).toBe("unknown-flow");
    const raw = JSON.parse(text);
    raw.flows.__proto__.code[0] = { op: "say", text: ["fn", "constructor", ["lit", 1]] };
    expect(() => loadBundle(raw)).toThrow(/unknown function "constructor"/);
  });

  it("the runtime's sources never evaluate code", () => {
    const dir = path.join(repo, "packages/runtime/src");
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const source = fs.readFileSync(path.join(dir, file), "utf8").replace(/\/\/.*$/gm, "");
      expect(source, file).not.toMatch(/\beval\s*\(|new\s+Function\b|\bFunction\s*\(|["']node:vm["']|\bimport\s*\(/);
    }
  });
});

export type { Bundle };

describe("optional parameters of actions", () => {
  it("a call that leaves out trailing parameters with a default or a nullable type gets them in the bundle: it loads, and the handler gets every argument", async () => {
    const bundle = compile({
      "a.flow": `
action act(a: string, b: integer?) -> string
action act2(a: string, b: integer = 3, c: string = "z")

flow f {
    let r = act("x")
    act2("y")
    act2("w", 4)
    say r
}
`,
    });
    const calls: unknown[][] = [];
    const engine = createEngine(loadBundle(JSON.stringify(bundle)), {
      actions: {
        act: (...args: unknown[]) => {
          calls.push(args.slice(0, -1));
          return "m";
        },
        act2: (...args: unknown[]) => void calls.push(args.slice(0, -1)),
      },
    });
    const turn = ok(await engine.start("f"));
    expect(turn.events.filter((e) => e.type === "say")).toEqual([{ type: "say", text: "m" }]);
    expect(calls).toEqual([
      ["x", null],
      ["y", 3, "z"],
      ["w", 4, "z"],
    ]);
  });
});
