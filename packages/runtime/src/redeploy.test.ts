import { describe, expect, it } from "vitest";
import { end, makeBundle, say } from "../test/helpers.js";
import type { Instruction } from "./bundle.js";
import { diffBundles, frameTypes, migrateState, stepAt, stepRegion, typeKey, type RecordedFrame } from "./redeploy.js";

const ask = (name: string): Instruction => ({ op: "ask", var: name, prompt: ["lit", "?"], input: { type: "string" }, validate: null, invalid: { message: null, retries: 2, then: null }, timeout: null });
const run = (flow: string, result: string | null = null): Instruction => ({ op: "run", flow, args: [], var: result });

const v1 = makeBundle({
  version: "v1",
  flows: {
    // body 0-1, step a 2-4, step b 5-6
    main: { code: [say("hi"), { op: "jump", to: 2 }, ask("x"), run("sub", "r"), { op: "jump", to: 5 }, ask("y"), end()], steps: { "": 0, a: 2, b: 5 }, vars: { x: "string", r: "integer", y: { record: { p: "string", q: "integer" } } } },
    sub: { code: [ask("z"), { op: "return", value: ["lit", 1] }], result: "integer", vars: { z: "string" } },
  },
});

describe("step bookkeeping", () => {
  it("stepAt: the step with the greatest entry not after the pc", () => {
    const flow = v1.flows.main;
    expect([0, 1, 2, 3, 4, 5, 6].map((pc) => stepAt(flow, pc))).toEqual(["", "", "a", "a", "a", "b", "b"]);
    expect(stepRegion(flow, "a")).toEqual([2, 5]);
    expect(stepRegion(flow, "b")).toEqual([5, 7]);
    expect(stepRegion(flow, "nope")).toBeUndefined();
  });

  it("typeKey: primitive names as they are, other types hashed canonically", () => {
    expect(typeKey("string")).toBe("string");
    expect(typeKey({ union: ["string", "null"] })).toBe(typeKey({ union: ["null", "string"] }));
    expect(typeKey({ record: { a: "string", b: "integer" } })).toBe(typeKey({ record: { b: "integer", a: "string" } }));
    expect(typeKey({ literal: "1" })).not.toBe(typeKey({ literal: 1 }));
    expect(typeKey({ list: "string" })).not.toBe(typeKey({ list: "email" }));
    expect(frameTypes(v1.flows.main, { x: "a", undeclared: 1 })).toEqual({ x: "string" });
  });
});

describe("migrateState", () => {
  const waiting: RecordedFrame[] = [
    { flow: "main", pc: 4, vars: { x: "a" }, resultVar: null, step: "a", types: { x: "string" } },
    { flow: "sub", pc: 0, vars: {}, resultVar: "r", step: "", types: {} },
  ];

  it("moves frames by step name: the caller after its single run, the top at its step's start", () => {
    const v2 = makeBundle({
      version: "v2",
      flows: {
        main: { code: [say("new"), ask("x"), run("sub", "r2"), end(), ask("y"), end()], steps: { "": 0, a: 1, b: 4 }, vars: { x: "string", r2: "integer" } },
        sub: { code: [say("again"), ask("z"), { op: "return", value: ["lit", 1] }], result: "integer", vars: { z: "string" } },
      },
    });
    const moved = migrateState(waiting, "v1", v2);
    expect(moved).toEqual({
      ok: true,
      stack: [
        { flow: "main", pc: 3, vars: { x: "a" }, resultVar: null, step: "a" },
        { flow: "sub", pc: 0, vars: {}, resultVar: "r2", step: "" },
      ],
      report: { from: "v1", to: "v2", resumed: [{ flow: "main", step: "a", at: "after-run" }, { flow: "sub", step: "", at: "start" }], dropped: [] },
    });
  });

  it("drops variables that are no longer declared, whose type changed, or whose value does not fit", () => {
    const v2 = makeBundle({ version: "v2", flows: { main: { code: [ask("x"), end()], steps: { "": 0, a: 0 }, vars: { x: "integer", w: "string" } } } });
    const moved = migrateState([{ flow: "main", pc: 0, vars: { x: "a", w: 5, gone: 1 }, resultVar: null, step: "a", types: { x: "string", w: "string", gone: "integer" } }], "v1", v2);
    expect(moved.ok && moved.report.dropped).toEqual([
      { flow: "main", variable: "x", reason: "type-changed" },
      { flow: "main", variable: "w", reason: "value" },
      { flow: "main", variable: "gone", reason: "removed" },
    ]);
  });

  it("refuses naming the first frame whose flow or step is gone", () => {
    const v2 = makeBundle({ version: "v2", flows: { main: { code: [end()], steps: { "": 0 } } } });
    expect(migrateState(waiting, "v1", v2)).toMatchObject({ ok: false, flow: "main", step: "a" });
    const v3 = makeBundle({ version: "v3", flows: { main: { code: [end()], steps: { "": 0, a: 0 } } } });
    expect(migrateState(waiting, "v1", v3)).toMatchObject({ ok: false, flow: "sub", step: "", message: expect.stringContaining("has no flow 'sub'") });
  });
});

describe("diffBundles", () => {
  it("lists removed flows and steps, and variables removed or retyped", () => {
    const v2 = makeBundle({ version: "v2", flows: { main: { code: [end()], steps: { "": 0, b: 0 }, vars: { x: "string", r: "number" } } } });
    expect(diffBundles(v1, v2)).toEqual({
      flows: ["sub"],
      steps: [{ flow: "main", step: "a" }, { flow: "sub", step: "" }],
      variables: [
        { flow: "main", variable: "r", from: "integer", to: "number" },
        { flow: "main", variable: "y", from: "{ p: string; q: integer }", to: null },
      ],
    });
  });
});
