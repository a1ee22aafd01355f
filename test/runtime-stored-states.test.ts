import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEngine, loadBundle, seededRandom, type Bundle, type Engine, type EngineOptions, type SessionState, type Turn } from "../packages/runtime/src/index.js";
import { compile, examplesBundle, kitchenSinkBundle, sampleOf } from "./runtime-fixtures.js";

// Every state the engine issues passes its own checks when it comes back from
// storage (RUNTIME §2). An issued state given back as it is, is trusted; read
// back from JSON, it is checked in full (`checkState`: variables of the flow,
// steps, the caller's result variable, retries, the deadline's form). Random
// conversations over the examples' bundle and the kitchen-sink bundle (fixed
// seed): each turn is run on the issued state and on its JSON copy, and the
// two must give the same result.

/** Handlers whose result depends only on the action (so a turn run twice gets the same results). */
function handlers(bundle: Bundle): EngineOptions["actions"] {
  const actions: NonNullable<EngineOptions["actions"]> = {};
  for (const [name, action] of Object.entries(bundle.actions)) actions[name] = () => (action.result === null ? undefined : sampleOf(action.result, seededRandom(name)));
  return actions;
}

function engineFor(bundle: Bundle): Engine {
  return createEngine(bundle, { actions: handlers(bundle), clock: () => new Date("2026-03-02T15:00:00Z"), random: () => 0.3, limits: { stepsPerTurn: 2000 } });
}

/** Every way a conversation of `bundle` can start: each flow by name (with sampled parameters) and each event. */
function starts(bundle: Bundle): ((engine: Engine) => Promise<Turn>)[] {
  const context = { nome: "Ana", telefone: "+5511999990000", vip: false, name: "Ana" };
  const out: ((engine: Engine) => Promise<Turn>)[] = [];
  for (const [name, flow] of Object.entries(bundle.flows)) {
    const params = Object.fromEntries(flow.params.map((param) => [param.name, sampleOf(param.type, seededRandom(param.name))]));
    out.push((engine) => engine.start(name, { params, context, sessionId: "s" }));
    for (const trigger of flow.triggers) if ("event" in trigger) out.push((engine) => engine.startEvent(trigger.event, params, { context, sessionId: "s" }));
  }
  return out;
}

const replies = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("1", "2", "3", "sim", "não", "P", "M", "yes", "no", "5", "482913", "Ana", "ana@loja.example", "11 99999-0000", "24/11/2026", "100") },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const input = fc.oneof({ weight: 8, arbitrary: replies.map((text) => ({ kind: "reply" as const, text })) }, { weight: 1, arbitrary: fc.constant({ kind: "timeout" as const, text: "" }) });

/** Subflows that wait for replies (so frames have callers and result variables), steps, retries and timeouts. */
const NESTED = `
flow principal {
    trigger start
    ask nome: string "Nome?" {
        validate len(nome) > 1
        invalid "De novo" retries 2
        timeout 1h => goto fim
    }
    let cor = run escolher(nome)
    let outra = run escolher("x")
    say "{nome} {cor} {outra}"
    step fim {
        ask nota: integer "Nota?" {
            invalid "De 1 a 5" retries 1
            timeout 10m
        }
        say "tchau {nota}"
    }
}

flow escolher(quem: string, vezes: integer = 1) -> string {
    ask cor: "Azul" | "Verde" "Cor, {quem}?" {
        invalid "Azul ou Verde" retries 1
        timeout 30m
    }
    return cor
}
`;

describe("states the engine issues pass its checks when read back from storage", () => {
  // `everyKind`: the bundle is made to reach every kind of state the checks look at (callers and their result
  // variables, retries, deadlines, steps), and the run must have met each of them.
  for (const [name, make, everyKind] of [
    ["the examples' bundle", () => loadBundle(examplesBundle()), false],
    ["the kitchen-sink bundle", () => loadBundle(kitchenSinkBundle()), false],
    ["nested subflows that wait", () => compile({ "n.flow": NESTED }, { locale: "pt-BR" }), true],
  ] as const) {
    it(`${name}: the issued state and its JSON copy give the same turn`, async () => {
      const bundle = make();
      const engine = engineFor(bundle);
      const ways = starts(bundle);
      const seen = { checked: 0, subflows: 0, retries: 0, deadlines: 0, steps: 0 };
      await fc.assert(
        fc.asyncProperty(fc.nat(ways.length - 1), fc.array(input, { minLength: 1, maxLength: 10 }), async (way, inputs) => {
          let turn = await ways[way](engine);
          for (const step of inputs) {
            if (turn.error || turn.status !== "waiting") return;
            const issued: SessionState = turn.state;
            const stored = JSON.parse(JSON.stringify(issued)) as unknown;
            const call = (state: unknown) => (step.kind === "reply" ? engine.reply(state, step.text) : engine.timeout(state));
            const direct = await call(issued);
            const copy = await call(stored);
            expect(copy.error?.code, JSON.stringify(copy.error)).not.toBe("invalid-state");
            expect(JSON.stringify({ ...copy, state: null })).toBe(JSON.stringify({ ...direct, state: null }));
            if (!direct.error) expect(JSON.stringify(copy.state)).toBe(JSON.stringify(direct.state));
            seen.checked++;
            if (issued.stack.length > 1) seen.subflows++;
            if (issued.pending!.retries > 0) seen.retries++;
            if (issued.pending!.deadline !== null) seen.deadlines++;
            if (issued.stack.some((frame) => frame.step !== undefined && frame.step !== "")) seen.steps++;
            turn = direct;
          }
        }),
        { seed: 20261207, numRuns: 150 },
      );
      expect(seen.checked).toBeGreaterThan(50);
      if (everyKind) for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(10);
    });
  }
});
