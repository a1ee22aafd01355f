import { describe, expect, it } from "vitest";
import { callBuiltin, MAX_MATCH_LENGTH, parseHoursSpec, today, withinHours, type BuiltinEnv } from "./builtins.js";
import { FlowError } from "./errors.js";

const env = (now = "2026-01-01T12:00:00Z", locale: BuiltinEnv["locale"] = "en", secrets: BuiltinEnv["secrets"] = null): BuiltinEnv => ({
  locale,
  timeZone: "America/Sao_Paulo",
  now: () => new Date(now),
  secrets,
});
const call = (name: string, ...args: unknown[]) => callBuiltin(name, args, env());

describe("string and list functions", () => {
  it("lower, upper, trim, len (code points), contains, startsWith, endsWith", () => {
    expect(call("lower", "ÀB")).toBe("àb");
    expect(call("upper", "àb")).toBe("ÀB");
    expect(call("trim", "  a ")).toBe("a");
    expect(call("len", "🙂a")).toBe(2);
    expect(call("len", [1, 2, 3])).toBe(3);
    expect(call("contains", "abc", "bc")).toBe(true);
    expect(call("contains", ["a", "b"], "b")).toBe(true);
    expect(call("startsWith", "abc", "ab")).toBe(true);
    expect(call("endsWith", "abc", "ab")).toBe(false);
    expect(() => call("len", 5)).toThrow(FlowError);
    expect(() => call("lower", null)).toThrow("lower(): argument 1 must be a string");
  });

  it("matches uses ECMAScript patterns with the u flag; bad patterns are errors", () => {
    expect(call("matches", "482913", "^[0-9]{6}$")).toBe(true);
    expect(call("matches", "48291", "^[0-9]{6}$")).toBe(false);
    expect(call("matches", "🙂", "^.$")).toBe(true);
    expect(() => call("matches", "a", "(")).toThrow('matches(): the pattern "(" is invalid (/(/u: Unterminated group)');
    expect(() => call("matches", "a", "\\p{Nope}")).toThrow("is invalid");
  });

  it("matches refuses patterns that can backtrack exponentially, and texts longer than it runs patterns on", () => {
    expect(call("matches", "12345-678", "^[0-9]{5}-?[0-9]{3}$")).toBe(true);
    expect(call("matches", "12345678", "^[0-9]{5}-?[0-9]{3}$")).toBe(true);
    expect(call("matches", "ana@mail.example.com", "^[^\\s@]+@([a-z0-9-]+\\.)+[a-z]{2,}$")).toBe(true);
    const evil = "(a+)+$";
    let error: unknown;
    try {
      call("matches", `${"a".repeat(40)}b`, evil);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toMatchObject({ code: "expression", message: 'matches(): the pattern "(a+)+$" may take exponential time: a repetition holds something that can match the same text in more than one way' });
    expect(() => call("matches", "aa", "(a)\\1")).toThrow("uses a backreference");
    expect(call("matches", "x".repeat(MAX_MATCH_LENGTH), "^x+$")).toBe(true);
    expect(() => call("matches", "x".repeat(MAX_MATCH_LENGTH + 1), "^x+$")).toThrow(`matches(): the text is ${MAX_MATCH_LENGTH + 1} characters, over ${MAX_MATCH_LENGTH}`);
  });
});

describe("numbers", () => {
  it("toNumber parses by the locale, null when it cannot", () => {
    expect(callBuiltin("toNumber", ["1.234,5"], env(undefined, "pt-BR"))).toBe(1234.5);
    expect(call("toNumber", "abc")).toBeNull();
    expect(call("toNumber", 3)).toBe(3);
  });

  it("round (half away from zero), floor, ceil, fixed", () => {
    expect(call("round", 2.5)).toBe(3);
    expect(call("round", -2.5)).toBe(-3);
    expect(call("round", -0.4)).toBe(0);
    expect(Object.is(call("round", -0.4), 0)).toBe(true);
    expect(call("floor", 2.7)).toBe(2);
    expect(call("ceil", 2.1)).toBe(3);
    expect(callBuiltin("fixed", [1234.5, 2], env(undefined, "pt-BR"))).toBe("1.234,50");
    expect(() => call("round", "1")).toThrow(FlowError);
  });
});

describe("time", () => {
  it("today() is the date in the bundle's time zone", () => {
    expect(callBuiltin("today", [], env("2026-01-01T02:00:00Z"))).toBe("2025-12-31");
    expect(callBuiltin("today", [], env("2026-01-01T03:00:00Z"))).toBe("2026-01-01");
    expect(today(new Date("2026-06-30T23:30:00Z"), "Asia/Tokyo")).toBe("2026-07-01");
  });

  it("parses hours specs", () => {
    expect(parseHoursSpec("mon-fri 08:00-18:00; sat 09:00-12:00")).toEqual([
      { days: [1, 2, 3, 4, 5], ranges: [{ start: 480, end: 1080 }] },
      { days: [6], ranges: [{ start: 540, end: 720 }] },
    ]);
    expect(parseHoursSpec("sat,sun 10:00-12:00,14:00-24:00")).toEqual([{ days: [0, 6], ranges: [{ start: 600, end: 720 }, { start: 840, end: 1440 }] }]);
    expect(parseHoursSpec("fri-mon 00:00-01:00")).toEqual([{ days: [0, 1, 5, 6], ranges: [{ start: 0, end: 60 }] }]);
    for (const bad of ["", "mon", "mon 8-18", "xyz 08:00-18:00", "mon 18:00-08:00", "mon 08:00-25:00", "mon 08:60-09:00"]) {
      expect(typeof parseHoursSpec(bad)).toBe("string");
    }
  });

  it("withinHours: start included, end excluded, in the given zone", () => {
    const spec = "mon-fri 08:00-18:00; sat 09:00-12:00";
    const zone = "America/Sao_Paulo"; // UTC-3
    // Friday 2026-01-02.
    expect(withinHours(spec, zone, new Date("2026-01-02T11:00:00Z"))).toBe(true); // 08:00 local
    expect(withinHours(spec, zone, new Date("2026-01-02T10:59:59Z"))).toBe(false); // 07:59:59
    expect(withinHours(spec, zone, new Date("2026-01-02T20:59:00Z"))).toBe(true); // 17:59
    expect(withinHours(spec, zone, new Date("2026-01-02T21:00:00Z"))).toBe(false); // 18:00
    // Saturday 2026-01-03, and Saturday 01:00 UTC is still Friday 22:00 local.
    expect(withinHours(spec, zone, new Date("2026-01-03T13:00:00Z"))).toBe(true);
    expect(withinHours(spec, zone, new Date("2026-01-03T15:00:00Z"))).toBe(false);
    expect(withinHours("fri 21:00-23:00", zone, new Date("2026-01-03T01:00:00Z"))).toBe(true);
    // Sunday.
    expect(withinHours(spec, zone, new Date("2026-01-04T15:00:00Z"))).toBe(false);
    expect(withinHours(spec, "UTC", new Date("2026-01-02T08:00:00Z"))).toBe(true);
    expect(() => withinHours("bad", zone, new Date())).toThrow("invalid hours spec");
    expect(() => withinHours(spec, "Mars/Base", new Date())).toThrow("unknown time zone");
    expect(callBuiltin("withinHours", [spec, zone], env("2026-01-02T12:00:00Z"))).toBe(true);
  });

  it("an invalid clock is an error", () => {
    expect(() => callBuiltin("today", [], { ...env(), now: () => new Date(NaN) })).toThrow("invalid date");
  });
});

describe("secret", () => {
  it("reads host secrets only where allowed", () => {
    expect(callBuiltin("secret", ["T"], env(undefined, "en", { T: "x" }))).toBe("x");
    expect(() => callBuiltin("secret", ["U"], env(undefined, "en", { T: "x" }))).toThrow("secret 'U' is not set");
    expect(() => callBuiltin("secret", ["toString"], env(undefined, "en", {}))).toThrow("is not set");
    expect(() => callBuiltin("secret", ["T"], env())).toThrow("only be used in an HTTP action");
  });
});
