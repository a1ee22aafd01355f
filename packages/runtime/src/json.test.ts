import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containerSize, copyJson, JsonError, measure, setOwn } from "./json.js";

describe("measure", () => {
  it("gives exactly JSON.stringify's length, and the depth", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(measure(value).size).toBe(JSON.stringify(value).length);
      }),
      { seed: 11, numRuns: 500 },
    );
    expect(measure("a\"b\\\u0001\ud800🙂").size).toBe(JSON.stringify("a\"b\\\u0001\ud800🙂").length);
    expect(measure([[1], { a: [] }]).depth).toBe(3);
    expect(measure(-0).size).toBe(1);
  });

  it("measures shared parts once (a value standing for an exponential JSON text stays cheap)", () => {
    let value: unknown = "x";
    for (let i = 0; i < 40; i++) value = [value, value];
    expect(measure(value).size).toBeGreaterThan(2 ** 40);
  });

  it("containerSize walks an object afresh, and agrees with JSON.stringify", () => {
    const vars: Record<string, unknown> = { a: 1 };
    expect(containerSize(vars)).toBe(7);
    setOwn(vars, "__proto__", [1, 2]);
    expect(containerSize(vars)).toBe(JSON.stringify(vars).length);
  });
});

describe("copyJson", () => {
  it("refuses more values than its budget", () => {
    let shared: unknown = 1;
    for (let i = 0; i < 50; i++) shared = [shared, shared];
    expect(() => copyJson(shared, 10_000)).toThrow(JsonError);
    expect(copyJson([1, [2, 3]], 5)).toEqual([1, [2, 3]]);
    expect(() => copyJson([1, [2, 3]], 4)).toThrow(/too many values/);
  });

  it("setOwn never calls a setter, even for names the prototype has", () => {
    const object: Record<string, unknown> = {};
    setOwn(object, "__proto__", 1);
    setOwn(object, "constructor", 2);
    setOwn(object, "toString", 3);
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object)).toEqual(["__proto__", "constructor", "toString"]);
  });
});
