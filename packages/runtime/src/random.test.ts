import { describe, expect, it } from "vitest";
import { seededRandom } from "./random.js";

describe("seededRandom", () => {
  it("is deterministic per seed and stays in [0, 1)", () => {
    const a = seededRandom(0);
    const b = seededRandom(0);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
    expect(seededRandom("5511999990000")()).toBe(seededRandom("5511999990000")());
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });

  it("keeps its sequence (tests depend on it)", () => {
    const r = seededRandom(0);
    expect([r(), r(), r()].map((x) => x.toFixed(6))).toMatchInlineSnapshot(`
      [
        "0.266429",
        "0.000330",
        "0.223272",
      ]
    `);
  });
});
