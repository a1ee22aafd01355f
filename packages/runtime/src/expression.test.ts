import { describe, expect, it } from "vitest";
import type { Expr } from "./bundle.js";
import { FlowError } from "./errors.js";
import { evaluate, showInMessage, showInRequest, type Scope } from "./expression.js";
import type { Json } from "./json.js";

function scope(vars: Record<string, Json> = {}, context: Json = {}, locale: "en" | "pt-BR" = "en"): Scope {
  return {
    vars,
    context,
    env: { locale, timeZone: "UTC", now: () => new Date("2026-01-01T12:00:00Z"), secrets: null },
    show: (value) => showInMessage(value, locale),
  };
}

const run = (expr: unknown, vars: Record<string, Json> = {}, context: Json = {}) => evaluate(expr, scope(vars, context));
const lit = (value: Json): Expr => ["lit", value];

function fails(expr: unknown, message: RegExp | string, vars: Record<string, Json> = {}): void {
  expect(() => run(expr, vars)).toThrow(FlowError);
  expect(() => run(expr, vars)).toThrow(message);
}

describe("evaluate", () => {
  it("literals, variables, context", () => {
    expect(run(lit("a"))).toBe("a");
    expect(run(lit(null))).toBeNull();
    expect(run(["var", "x"], { x: [1] })).toEqual([1]);
    expect(run(["ctx"], {}, { name: "Ana" })).toEqual({ name: "Ana" });
    fails(["var", "x"], "variable 'x' is read before it is assigned");
    fails(["var", "toString"], "read before it is assigned");
    fails(lit({ a: 1 } as unknown as Json), "malformed literal");
  });

  it("field access: own properties only, optional chaining, absent fields are null", () => {
    const vars = { o: { a: { b: 2 }, n: null } };
    expect(run(["get", ["get", ["var", "o"], "a", false], "b", false], vars)).toBe(2);
    expect(run(["get", ["var", "o"], "missing", false], vars)).toBeNull();
    expect(run(["get", ["get", ["var", "o"], "n", false], "x", true], vars)).toBeNull();
    fails(["get", ["get", ["var", "o"], "n", false], "x", false], "cannot read field 'x' of null", vars);
    fails(["get", lit("s"), "length", false], "cannot read field 'length' of a string");
    for (const name of ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString"]) {
      expect(run(["get", ["var", "o"], name, false], vars)).toBeNull();
    }
    const own = JSON.parse('{"__proto__": {"polluted": true}}') as Json;
    expect(run(["get", ["var", "o"], "__proto__", false], { o: own })).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("indexing is null out of range", () => {
    const vars = { l: ["a", "b"] };
    expect(run(["idx", ["var", "l"], lit(1)], vars)).toBe("b");
    expect(run(["idx", ["var", "l"], lit(2)], vars)).toBeNull();
    expect(run(["idx", ["var", "l"], lit(-1)], vars)).toBeNull();
    expect(run(["idx", ["var", "l"], lit(0.5)], vars)).toBeNull();
    fails(["idx", lit("ab"), lit(0)], "cannot index a string");
  });

  it("list and record literals; a record field named __proto__ is data", () => {
    expect(run(["list", lit(1), ["list"]])).toEqual([1, []]);
    const record = run(["rec", ["__proto__", lit(1)], ["a", lit(2)]]) as Record<string, Json>;
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.keys(record)).toEqual(["__proto__", "a"]);
  });

  it("logic short-circuits and wants booleans", () => {
    expect(run(["and", lit(false), ["var", "missing"]])).toBe(false);
    expect(run(["or", lit(true), ["var", "missing"]])).toBe(true);
    expect(run(["not", lit(false)])).toBe(true);
    expect(run(["??", lit(null), lit("d")])).toBe("d");
    expect(run(["??", lit(0), ["var", "missing"]])).toBe(0);
    fails(["and", lit(1), lit(true)], "must be a boolean");
    fails(["not", lit(null)], "must be a boolean");
  });

  it("equality is structural; comparisons take two numbers or two strings", () => {
    expect(run(["==", ["list", lit(1), ["rec", ["a", lit(null)]]], ["list", lit(1), ["rec", ["a", lit(null)]]]])).toBe(true);
    expect(run(["!=", lit(1), lit("1")])).toBe(true);
    expect(run(["<", lit(1), lit(2)])).toBe(true);
    expect(run([">=", lit("2026-01-02"), lit("2026-01-01")])).toBe(true);
    expect(run(["in", lit("b"), ["list", lit("a"), lit("b")]])).toBe(true);
    expect(run(["in", ["rec", ["a", lit(1)]], ["list", ["rec", ["a", lit(1)]]]])).toBe(true);
    fails(["<", lit(1), lit("2")], "compares two numbers or two strings");
    fails(["in", lit(1), lit("123")], "'in' needs a list");
  });

  it("arithmetic: numbers, + joins strings, non-finite results are errors", () => {
    expect(run(["+", lit(1), lit(2)])).toBe(3);
    expect(run(["+", lit("a"), lit("b")])).toBe("ab");
    expect(run(["-", lit(1), lit(3)])).toBe(-2);
    expect(run(["*", lit(2), lit(3)])).toBe(6);
    expect(run(["/", lit(1), lit(4)])).toBe(0.25);
    expect(run(["%", lit(7), lit(3)])).toBe(1);
    expect(run(["neg", lit(0)])).toBe(0);
    expect(Object.is(run(["*", lit(-1), lit(0)]), 0)).toBe(true);
    fails(["/", lit(1), lit(0)], "division by zero");
    fails(["%", lit(1), lit(0)], "division by zero");
    fails(["*", lit(1e308), lit(10)], "gave Infinity");
    fails(["+", lit(1), lit("a")], "needs two numbers or two strings");
    fails(["neg", lit("a")], "needs a number");
    const big = "x".repeat(600_000);
    fails(["+", lit(big), lit(big)], "longer than");
  });

  it("str shows values by the scope's rule", () => {
    expect(run(["str", "n=", lit(1234.5), " b=", lit(true), " s=", lit("x"), " null=", lit(null)])).toBe("n=1,234.5 b=yes s=x null=");
    expect(evaluate(["str", lit(1234.5), " ", lit(false)], scope({}, {}, "pt-BR"))).toBe("1.234,5 não");
    expect(evaluate(["str", lit(1234.5), " ", lit(false)], { ...scope(), show: showInRequest })).toBe("1234.5 false");
  });

  it("functions go to the built-ins", () => {
    expect(run(["fn", "upper", lit("ab")])).toBe("AB");
    fails(["fn", "nope"], "unknown function 'nope'");
    fails(["fn", "upper"], "takes 1 argument");
  });

  it("malformed trees are errors, not crashes", () => {
    for (const bad of [null, 1, "x", [], [1], ["nope"], ["rec", "x"], ["rec", [1, lit(1)]]]) {
      expect(() => run(bad)).toThrow(FlowError);
    }
  });
});
