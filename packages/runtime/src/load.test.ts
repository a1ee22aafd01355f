import { describe, expect, it } from "vitest";
import { end, lit, rawBundle, say } from "../test/helpers.js";
import { BundleError, loadBundle } from "./load.js";

// Bundles are mutated freely here to break them in every way.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutable = Record<string, any>;

const base = () =>
  rawBundle({
    actions: { getOrder: { params: [{ name: "id", type: "string" }], result: { record: { id: "string" } }, timeoutMs: 5000 } },
    flows: {
      main: { code: [say("hi"), { op: "call", action: "getOrder", args: [lit("1")], var: "o", else: 3 }, end(), { op: "run", flow: "sub", args: [], var: null }, end()] },
      sub: { params: [{ name: "x", type: { union: ["string", "null"] } }], code: [{ op: "return", value: null }] },
    },
  }) as Mutable;

function refusal(mutate: (bundle: Mutable) => void): BundleError {
  const bundle = base();
  mutate(bundle);
  try {
    loadBundle(bundle);
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError);
    return error as BundleError;
  }
  throw new Error("the bundle was accepted");
}

describe("loadBundle", () => {
  it("accepts a well-formed bundle, as a value or as JSON text, and detaches it", () => {
    const bundle = base();
    const loaded = loadBundle(bundle);
    expect(loaded).toEqual(bundle);
    expect(loaded).not.toBe(bundle);
    expect(loadBundle(JSON.stringify(bundle))).toEqual(bundle);
  });

  const cases: [string, (b: Mutable) => void, string][] = [
    ["an unknown format", (b) => (b.format = "fluxo.bundle/2"), "$.format"],
    ["a missing version", (b) => delete b.version, "$.version"],
    ["an unknown locale", (b) => (b.locale = "fr"), "$.locale"],
    ["an unknown time zone", (b) => (b.timeZone = "Mars/Base"), "$.timeZone"],
    ["a bad context type", (b) => (b.context = { name: "str" }), "$.context.name"],
    ["an unknown op", (b) => (b.flows.main.code[0] = { op: "print" }), "$.flows.main.code[0].op"],
    ["a jump out of range", (b) => (b.flows.main.code[2] = { op: "jump", to: 5 }), "$.flows.main.code[2].to"],
    ["a negative else", (b) => (b.flows.main.code[1].else = -1), "$.flows.main.code[1].else"],
    ["a fractional target", (b) => (b.flows.main.code[2] = { op: "jump", to: 1.5 }), "$.flows.main.code[2].to"],
    ["an unknown action", (b) => (b.flows.main.code[1].action = "nope"), "$.flows.main.code[1].action"],
    ["a call with the wrong arity", (b) => (b.flows.main.code[1].args = []), "$.flows.main.code[1].args"],
    ["an unknown flow", (b) => (b.flows.main.code[3].flow = "nope"), "$.flows.main.code[3].flow"],
    ["a run with too many arguments", (b) => (b.flows.main.code[3].args = [lit("a"), lit("b")]), "$.flows.main.code[3].args"],
    ["a step out of range", (b) => (b.flows.main.steps.human = 9), "$.flows.main.steps.human"],
    ["a short source map", (b) => b.flows.main.map.pop(), "$.flows.main.map"],
    ["a source index out of range", (b) => (b.flows.main.map[0] = [3, 1, 1]), "$.flows.main.map[0][0]"],
    ["an unknown expression opcode", (b) => (b.flows.main.code[0].text = ["eval", "x"]), "$.flows.main.code[0].text[0]"],
    ["a wrong operand count", (b) => (b.flows.main.code[0].text = ["not"]), "$.flows.main.code[0].text"],
    ["an unknown function", (b) => (b.flows.main.code[0].text = ["fn", "require", lit("fs")]), "$.flows.main.code[0].text[1]"],
    ["a non-literal lit", (b) => (b.flows.main.code[0].text = ["lit", { a: 1 }]), "$.flows.main.code[0].text[1]"],
    ["falling off the end", (b) => b.flows.sub.code.unshift(say("x")) && (b.flows.sub.code = [say("x")]) && (b.flows.sub.map = [[0, 1, 1]]), "$.flows.sub.code[0]"],
    ["an empty flow", (b) => (b.flows.sub.code = []) && (b.flows.sub.map = []), "$.flows.sub.code"],
    ["a bad trigger", (b) => (b.flows.main.triggers = [{ cron: "* * *" }]), "$.flows.main.triggers[0]"],
    ["a bad input type", (b) => (b.flows.main.code[0] = { op: "ask", var: "x", prompt: lit("?"), input: { type: "color" }, validate: null, invalid: { message: null, retries: 2, then: null }, timeout: null }), "$.flows.main.code[0].input.type"],
    ["a missing invalid spec", (b) => (b.flows.main.code[0] = { op: "ask", var: "x", prompt: lit("?"), input: { type: "string" }, validate: null, timeout: null }), "$.flows.main.code[0].invalid"],
    ["a bad HTTP origin", (b) => (b.actions.getOrder.http = { method: "GET", url: lit("x"), origin: "ftp://x", headers: [], body: null }), "$.actions.getOrder.http.origin"],
    ["a non-positive timeout", (b) => (b.actions.getOrder.timeoutMs = 0), "$.actions.getOrder.timeoutMs"],
    ["weights adding up to zero", (b) => (b.flows.main.code[2] = { op: "random", arms: [{ weight: 0, to: 0 }] }), "$.flows.main.code[2].arms"],
    ["a flow name needing quotes", (b) => (b.flows["my flow"] = { ...b.flows.sub, code: "x" }), '$.flows["my flow"].code'],
  ];
  for (const [name, mutate, path] of cases) {
    it(`refuses ${name}, naming ${path}`, () => {
      const error = refusal(mutate);
      expect(error.path).toBe(path);
      expect(error.message).toContain(path);
    });
  }

  it("refuses fields the format does not have, anywhere (a shape error, as in the JSON Schema)", () => {
    const unknown: [(b: Mutable) => void, string][] = [
      [(b) => (b.extra = 1), "$.extra"],
      [(b) => (b.flows.main.code[0].extra = 1), "$.flows.main.code[0].extra"],
      [(b) => (b.flows.main.code[2].text = lit("x")), "$.flows.main.code[2].text"],
      [(b) => (b.actions.getOrder.params[0].doc = "x"), "$.actions.getOrder.params[0].doc"],
      [(b) => (b.flows.main.extra = {}), "$.flows.main.extra"],
      [(b) => (b.flows.main.triggers = [{ keyword: ["a"], event: "b" }]), "$.flows.main.triggers[0]"],
    ];
    for (const [mutate, path] of unknown) {
      const error = refusal(mutate);
      expect(error.path).toBe(path);
      expect(error.kind).toBe("shape");
    }
  });

  it("tells shape errors from consistency errors (what a JSON Schema cannot express)", () => {
    expect(refusal((b) => (b.flows.main.code[1].action = "nope")).kind).toBe("consistency");
    expect(refusal((b) => (b.flows.main.code[2] = { op: "jump", to: 5 })).kind).toBe("consistency");
    expect(refusal((b) => (b.flows.main.code[2] = { op: "jump", to: -1 })).kind).toBe("shape");
    expect(refusal((b) => (b.timeZone = "Mars/Base")).kind).toBe("consistency");
    expect(refusal((b) => (b.locale = "fr")).kind).toBe("shape");
  });

  it("refuses a literal pattern of matches() that is invalid or can backtrack exponentially, naming it", () => {
    const withPattern = (pattern: string) => (b: Mutable) => (b.flows.main.code[0] = say(["fn", "matches", lit("aaaa"), lit(pattern)] as never));
    const evil = refusal(withPattern("(a+)+$"));
    expect(evil).toMatchObject({ path: "$.flows.main.code[0].text[3][1]", kind: "consistency" });
    expect(evil.message).toBe('invalid bundle at $.flows.main.code[0].text[3][1]: the pattern "(a+)+$" may take exponential time: a repetition holds something that can match the same text in more than one way');
    expect(refusal(withPattern("(a)\\1")).detail).toBe('the pattern "(a)\\\\1" uses a backreference, which can take exponential time');
    expect(refusal(withPattern("(")).detail).toMatch(/^the pattern "\(" is invalid/);
    // Safe patterns load; a computed pattern is checked when it runs (builtins.ts).
    for (const pattern of ["^[0-9]{5}-?[0-9]{3}$", "^([a-z0-9-]+\\.)+[a-z]{2,}$"]) {
      const bundle = base();
      withPattern(pattern)(bundle);
      expect(() => loadBundle(bundle)).not.toThrow();
    }
  });

  it("refuses non-JSON and hostile input without throwing anything else", () => {
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 10_000; i++) {
      const next: unknown[] = [];
      cursor.push(next);
      cursor = next;
    }
    const cyclic: Record<string, unknown> = base();
    cyclic.self = cyclic;
    const getter = Object.defineProperty(base(), "flows", { enumerable: true, get: () => { throw new Error("x"); } });
    for (const input of [undefined, null, 42, "{not json", [], deep, cyclic, getter, { ...base(), version: () => 1 }, { ...base(), n: NaN }]) {
      expect(() => loadBundle(input)).toThrow(BundleError);
    }
  });

  it("an expression nested too deep is refused, not a stack overflow", () => {
    let expr: unknown = lit(true);
    for (let i = 0; i < 200; i++) expr = ["not", expr];
    const error = refusal((b) => (b.flows.main.code[0].text = expr));
    expect(error.detail).toContain("nested deeper");
  });
});
