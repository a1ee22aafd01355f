import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { patternProblem } from "./pattern.js";

const EXPONENTIAL = "may take exponential time: a repetition holds something that can match the same text in more than one way";

describe("patternProblem", () => {
  it("refuses patterns known to backtrack exponentially", () => {
    const evil = [
      "(a+)+$",
      "^(a+)+$",
      "(a*)*b",
      "(a|a)*$",
      "(a|ab)*c",
      "^(\\w+\\s?)*$",
      "(\\d+\\.?)+$",
      "^(([a-z])+.)+[A-Z]([a-z])+$",
      "(x+x+)+y",
      "(.*a){12}",
      "(\\s*,\\s*)+$",
      "([a-zA-Z0-9]+)*@",
      "(?:a|a)+",
      "(a{1,3})+$",
      "((ab)*)*",
      "(?=(a+)+b)",
      "(\\w|\\d)+$",
      "(.+)+x",
    ];
    for (const pattern of evil) expect(patternProblem(pattern), pattern).toBe(EXPONENTIAL);
  });

  it("refuses backreferences and invalid patterns", () => {
    expect(patternProblem("(a)\\1")).toBe("uses a backreference, which can take exponential time");
    expect(patternProblem("(?<x>a)\\k<x>")).toBe("uses a backreference, which can take exponential time");
    expect(patternProblem("(")).toBe("is invalid (/(/u: Unterminated group)");
    expect(patternProblem("a{2")).toMatch(/^is invalid/);
  });

  it("accepts common validation patterns", () => {
    const safe = [
      "",
      "abc",
      "^[0-9]{5}-?[0-9]{3}$",
      "^[0-9]{6}$",
      "^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)*\\.[A-Za-z]{2,}$",
      "^([a-z0-9-]+\\.)+[a-z]{2,}$",
      "^\\+?[0-9 ()-]{8,20}$",
      "^\\d{3}\\.?\\d{3}\\.?\\d{3}-?\\d{2}$",
      "^https?://[^\\s/$.?#].[^\\s]*$",
      "^(sim|não|s|n)$",
      "^[A-Za-zÀ-ÿ ]+$",
      "^(\\d{1,3}\\.){3}\\d{1,3}$",
      "^\\p{Lu}\\p{Ll}+$",
      "^(?:[a-z]+-)*[a-z]+$",
      "(?<ano>\\d{4})-(?<mes>\\d{2})",
      "^[\\]\\-a]+$",
      "^.{1,200}$",
      "\\bfoo\\b",
      "(?<!x)y",
      "^([0-9]{2}/){2}[0-9]{4}$",
      "^🙂+$",
      "^[\\u{1F600}-\\u{1F64F}]+$",
      "(?:\\s*[a-z]+)(?:,\\s*[a-z]+)*",
    ];
    for (const pattern of safe) expect(patternProblem(pattern), pattern).toBeUndefined();
  });

  it("what it accepts runs in linear time on hostile texts", () => {
    const accepted = ["^([a-z0-9-]+\\.)+[a-z]{2,}$", "^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)*\\.[A-Za-z]{2,}$", "^(?:[a-z]+-)*[a-z]+$"];
    for (const pattern of accepted) {
      const regexp = new RegExp(pattern, "u");
      const started = Date.now();
      for (const text of ["a".repeat(4096), `${"a-".repeat(2048)}!`, `${"a.".repeat(2048)}!`, `a@${"b.".repeat(2000)}!`]) regexp.test(text);
      expect(Date.now() - started, pattern).toBeLessThan(500);
    }
  });

  it("never throws or hangs, whatever the pattern", () => {
    const token = fc.constantFrom("a", "b", ".", "\\d", "\\w", "\\s", "[a-c]", "[^a]", "(", ")", "(?:", "(?=", "(?<n>", "|", "*", "+", "?", "{2}", "{1,}", "{2,12}", "*?", "^", "$", "\\b", "\\1", "\\p{L}", "\\u{61}", "]", "[", "{", "-", "\\");
    fc.assert(
      fc.property(fc.array(token, { maxLength: 20 }), (tokens) => {
        const result = patternProblem(tokens.join(""));
        expect(result === undefined || typeof result === "string").toBe(true);
      }),
      { seed: 4242, numRuns: 3000 },
    );
  });
});
