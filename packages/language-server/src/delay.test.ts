import { describe, expect, it } from "vitest";
import { diagnosticsDelayFor } from "./language-server.js";

describe("adaptive diagnostics delay", () => {
  it("pushes at once while re-checking is fast", () => {
    expect(diagnosticsDelayFor(0)).toBe(0);
    expect(diagnosticsDelayFor(12.5)).toBe(0);
    expect(diagnosticsDelayFor(49.9)).toBe(0);
    expect(diagnosticsDelayFor(99.9)).toBe(0);
  });

  it("waits as long as a slow re-check took, at most 150 ms", () => {
    expect(diagnosticsDelayFor(100)).toBe(100);
    expect(diagnosticsDelayFor(120.4)).toBe(120);
    expect(diagnosticsDelayFor(150)).toBe(150);
    expect(diagnosticsDelayFor(2000)).toBe(150);
  });
});
