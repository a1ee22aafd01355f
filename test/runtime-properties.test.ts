import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BundleError,
  createEngine,
  loadBundle,
  seededRandom,
  type Bundle,
  type Engine,
  type EngineOptions,
  type FetchLike,
  type Turn,
} from "../packages/runtime/src/index.js";
import { examplesBundle, kitchenSinkBundle, mutate, nodePaths, sampleOf, type JsonValue, type Mutation, type Segment } from "./runtime-fixtures.js";

// Robustness properties of the engine over the examples' bundle (RUNTIME §2:
// "bad input never throws out of reply"), with fixed seeds: random replies
// and timeouts, corrupted and truncated states, and mutated bundles. Every
// call must settle (no exception, no hang) with a typed result; the state
// given must be left exactly as it was; a state returned must be plain JSON
// under the size cap.

const TURN_CODES = new Set(["session-ended", "bundle-version", "invalid-state", "unknown-flow", "no-pending-question", "invalid-input"]);
const STATUSES = new Set(["waiting", "ended", "handoff", "error"]);
const EVENT_TYPES = new Set(["say", "media", "ask", "wait", "action", "handoff", "end", "error"]);
const TURN_DEADLINE_MS = 5000;

let bundle: Bundle;
let engine: Engine;
const states: unknown[] = [];
/** What the turns of this file did, so that the properties are known not to hold vacuously. */
const seen = { applied: 0, refused: 0, statuses: new Map<string, number>(), events: new Map<string, number>() };

/** Handlers that mostly honour their declared result types, and sometimes return junk or throw (seeded). */
function handlers(b: Bundle, random: () => number): EngineOptions["actions"] {
  const actions: NonNullable<EngineOptions["actions"]> = {};
  for (const [name, action] of Object.entries(b.actions)) {
    actions[name] = () => {
      const r = random();
      if (r < 0.1) throw new Error("handler failed");
      if (r < 0.2) return { junk: [1, "x"], __proto__: 1 };
      return action.result === null ? undefined : sampleOf(action.result, random);
    };
  }
  // The HTTP action gets its host handler removed so the runtime performs it against `fetch` below.
  for (const [name, action] of Object.entries(b.actions)) if (action.http) delete actions[name];
  return actions;
}

function fakeFetch(random: () => number): FetchLike {
  const bodies = ['{"id":"482913","status":"enviado","transportadora":null,"codigoRastreio":"BR1"}', "{}", "not json", '{"__proto__":{"x":1}}', ""];
  return async () => {
    const body = bodies[Math.floor(random() * bodies.length)];
    return { status: random() < 0.8 ? 200 : 503, headers: { get: () => null }, text: async () => body };
  };
}

function engineFor(b: Bundle, seed: number): Engine {
  const random = seededRandom(seed);
  return createEngine(b, {
    actions: handlers(b, random),
    fetch: fakeFetch(random),
    secrets: { PEDIDOS_TOKEN: "secret-token-value" },
    clock: () => new Date("2026-03-02T15:00:00Z"),
    random,
    limits: { stepsPerTurn: 2000 },
  });
}

/** Runs one engine call, failing the test on an exception, a hang, a changed input state or an untyped result. */
async function settle(call: () => Promise<Turn>, given: unknown): Promise<Turn> {
  let snapshot: string | undefined;
  try {
    snapshot = JSON.stringify(given);
  } catch {
    snapshot = undefined;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the turn did not settle within ${TURN_DEADLINE_MS} ms`)), TURN_DEADLINE_MS);
  });
  const turn = await Promise.race([call(), hang]).finally(() => clearTimeout(timer));
  if (snapshot !== undefined) expect(JSON.stringify(given)).toBe(snapshot);
  if (turn.error) seen.refused++;
  else {
    seen.applied++;
    seen.statuses.set(turn.status, (seen.statuses.get(turn.status) ?? 0) + 1);
    for (const event of turn.events) seen.events.set(event.type, (seen.events.get(event.type) ?? 0) + 1);
  }
  if (turn.error) {
    expect(TURN_CODES).toContain(turn.error.code);
    expect(turn.state).toBe(given);
    expect(turn.events).toEqual([]);
  } else {
    expect(STATUSES).toContain(turn.status);
    expect(turn.state.status).toBe(turn.status);
    const text = JSON.stringify(turn.state);
    expect(JSON.parse(text)).toEqual(turn.state);
    expect(text.length).toBeLessThanOrEqual(65_536);
    expect(text).not.toContain("secret-token-value");
    for (const event of turn.events) expect(EVENT_TYPES).toContain(event.type);
  }
  return turn;
}

const replies = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("1", "2", "3", "sim", "não", "Roupas", "100", "2", "482913", "123", "Ana", "ana@loja.example", "11 99999-0000", "24/11/2026", "5", "P", "M") },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\u0000", "__proto__", "constructor", "🙂".repeat(2000), "9".repeat(5000), "1e999", "-0", "NaN") },
);
const input = fc.oneof({ weight: 9, arbitrary: replies.map((text) => ({ kind: "reply" as const, text })) }, { weight: 1, arbitrary: fc.constant({ kind: "timeout" as const, text: "" }) });

/** How a conversation starts: a keyword or start trigger, or the purchase event. */
function starts(b: Bundle): (() => (e: Engine) => Promise<Turn>)[] {
  const out: (() => (e: Engine) => Promise<Turn>)[] = [];
  for (const [name, flow] of Object.entries(b.flows)) {
    if (flow.params.length === 0) out.push(() => (e) => e.start(name, { context: { nome: "Ana", telefone: "+5511999990000", vip: false }, sessionId: "s" }));
    for (const trigger of flow.triggers) {
      if ("event" in trigger) out.push(() => (e) => e.startEvent(trigger.event, { pedidoId: "482913", nota: 5 }, { context: { nome: "Bia", telefone: "+5511988880000" } }));
    }
  }
  return out;
}

beforeAll(() => {
  bundle = loadBundle(examplesBundle());
  engine = engineFor(bundle, 1);
});

describe("engine properties (fixed seeds)", () => {
  it("random conversations: every reply and timeout settles with a typed result, leaving the given state as it was", async () => {
    const ways = starts(bundle);
    expect(ways.length).toBeGreaterThan(4);
    await fc.assert(
      fc.asyncProperty(fc.nat(ways.length - 1), fc.array(input, { minLength: 1, maxLength: 12 }), fc.nat(), async (way, inputs, seed) => {
        const e = engineFor(bundle, seed);
        let turn = await settle(() => ways[way]()(e), null);
        for (const step of inputs) {
          if (turn.error || turn.status !== "waiting") break;
          const given = turn.state;
          if (states.length < 400) states.push(given);
          turn = await settle(() => (step.kind === "reply" ? e.reply(given, step.text) : e.timeout(given)), given);
        }
      }),
      { seed: 424242, numRuns: 250 },
    );
    expect(states.length).toBeGreaterThan(100);
    // With this seed: about 600 turns ran, reaching every status and most kinds of event.
    expect(seen.applied).toBeGreaterThan(400);
    for (const status of STATUSES) expect(seen.statuses.get(status) ?? 0, status).toBeGreaterThan(5);
    for (const type of ["say", "ask", "action", "handoff", "end", "error"]) expect(seen.events.get(type) ?? 0, type).toBeGreaterThan(5);
  });

  const mutation = fc.record({
    kind: fc.constantFrom<Mutation["kind"]>("replace", "delete", "extra", "truncate", "swap-type", "transplant"),
    node: fc.nat(),
    other: fc.nat(),
    pick: fc.nat(),
    json: fc.jsonValue({ maxDepth: 2 }),
  });

  it("corrupted states: a typed error (or a turn, when still valid), never an exception, and the given state untouched", async () => {
    expect(states.length).toBeGreaterThan(0);
    const errors = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), replies, fc.constantFrom("reply", "timeout", "evaluate"), async (which, mutations, text, call) => {
        let state = states[which % states.length] as JsonValue;
        for (const m of mutations) state = mutate(state, nodePaths(state), m);
        if (call === "evaluate") {
          const before = JSON.stringify(state);
          const result = engine.evaluate(state, ["var", "nome"]);
          expect(typeof result.ok).toBe("boolean");
          expect(JSON.stringify(state)).toBe(before);
          return;
        }
        const turn = await settle(() => (call === "reply" ? engine.reply(state, text) : engine.timeout(state)), state);
        if (turn.error) errors.set(turn.error.code, (errors.get(turn.error.code) ?? 0) + 1);
      }),
      { seed: 777, numRuns: 600 },
    );
    expect(errors.get("invalid-state")).toBeGreaterThan(50);
  });

  it("truncated states: JSON text cut anywhere, and values cut short, get typed errors", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), async (which, cut, parse) => {
        const text = JSON.stringify(states[which % states.length]);
        const truncated = text.slice(0, Math.floor(text.length * cut));
        let given: unknown = truncated;
        if (parse) {
          try {
            given = JSON.parse(truncated);
          } catch {
            given = truncated;
          }
        }
        const turn = await settle(() => engine.reply(given, "1"), given);
        if (truncated.length < text.length) expect(turn.error?.code).toBe("invalid-state");
      }),
      { seed: 31337, numRuns: 300 },
    );
    // Structurally truncated: a frame, the stack or the pending question cut short.
    const waiting = states.find((s) => (s as { status: string }).status === "waiting") as Record<string, any>;
    for (const cutShort of [{ ...waiting, stack: [] }, { ...waiting, stack: [{ flow: waiting.stack[0].flow }] }, { ...waiting, pending: {} }, { version: waiting.version }]) {
      expect((await settle(() => engine.reply(cutShort, "1"), cutShort)).error?.code).toBe("invalid-state");
    }
  });

  it("mutated bundles: loadBundle throws only BundleError; an accepted one runs without throwing or hanging", async () => {
    const bases = [kitchenSinkBundle(), loadBundle(examplesBundle())].map((b) => ({ bundle: b as unknown as JsonValue, paths: nodePaths(b as unknown as JsonValue) as Segment[][] }));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), mutation, fc.array(replies, { maxLength: 4 }), async (which, m, texts) => {
        const base = bases[which % bases.length];
        const mutated = mutate(base.bundle, base.paths, m);
        let loaded: Bundle;
        try {
          loaded = loadBundle(mutated);
        } catch (error) {
          expect(error).toBeInstanceOf(BundleError);
          expect((error as BundleError).path).toMatch(/^\$/);
          return;
        }
        accepted++;
        const e = engineFor(loaded, which);
        for (const start of starts(loaded).slice(0, 3)) {
          let turn = await settle(() => start()(e), null);
          for (const text of texts) {
            if (turn.error || turn.status !== "waiting") break;
            const given = turn.state;
            turn = await settle(() => e.reply(given, text), given);
          }
        }
      }),
      { seed: 8080, numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});
