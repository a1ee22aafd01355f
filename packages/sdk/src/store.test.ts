import type { SessionState } from "@fluxo/runtime";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "./store.js";

const state = (status: SessionState["status"], turn = 1): SessionState => ({
  version: "v",
  session: "s",
  status,
  turn,
  context: {},
  stack: [{ flow: "f", pc: 0, vars: {}, resultVar: null }],
  pending: null,
});

describe("MemoryStore", () => {
  it("creates with expected version 0, then compare-and-sets on the version", async () => {
    const store = new MemoryStore();
    expect(await store.get("a")).toBeUndefined();
    expect(await store.set("a", { state: state("waiting"), deadline: null }, 1)).toBe(false);
    expect(await store.set("a", { state: state("waiting"), deadline: null }, 0)).toBe(true);
    expect(await store.set("a", { state: state("waiting", 2), deadline: null }, 0)).toBe(false);
    expect((await store.get("a"))?.version).toBe(1);
    expect(await store.set("a", { state: state("ended", 2), deadline: null }, 1)).toBe(true);
    const stored = await store.get("a");
    expect(stored?.version).toBe(2);
    expect(stored?.state.status).toBe("ended");
    expect(store.size).toBe(1);
  });

  it("of two writers that read the same version, exactly one wins", async () => {
    const store = new MemoryStore();
    await store.set("a", { state: state("waiting"), deadline: null }, 0);
    const { version } = (await store.get("a"))!;
    const results = await Promise.all([
      store.set("a", { state: state("waiting", 2), deadline: null }, version),
      store.set("a", { state: state("ended", 2), deadline: null }, version),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("deletes unconditionally or on a version", async () => {
    const store = new MemoryStore();
    await store.set("a", { state: state("waiting"), deadline: null }, 0);
    expect(await store.delete("a", 7)).toBe(false);
    expect(await store.delete("a", 1)).toBe(true);
    expect(await store.delete("a")).toBe(false);
    await store.set("a", { state: state("waiting"), deadline: null }, 0);
    expect(await store.delete("a")).toBe(true);
    expect(store.size).toBe(0);
  });

  it("lists due sessions, earliest first, up to a limit", async () => {
    const store = new MemoryStore();
    await store.set("late", { state: state("waiting"), deadline: 3000 }, 0);
    await store.set("early", { state: state("waiting"), deadline: 1000 }, 0);
    await store.set("none", { state: state("waiting"), deadline: null }, 0);
    await store.set("future", { state: state("waiting"), deadline: 9000 }, 0);
    expect(await store.due(new Date(500))).toEqual([]);
    expect(await store.due(new Date(3000))).toEqual(["early", "late"]);
    expect(await store.due(new Date(10_000), 2)).toEqual(["early", "late"]);
    await store.set("early", { state: state("ended"), deadline: null }, 1);
    expect(await store.due(new Date(10_000))).toEqual(["late", "future"]);
  });
});

describe("MemoryStore versions across delete", () => {
  it("never gives a session id a version it had before: a new session starts above the deleted one", async () => {
    const store = new MemoryStore();
    await store.set("a", { state: state("waiting"), deadline: null }, 0);
    await store.set("a", { state: state("waiting", 2), deadline: null }, 1);
    expect(await store.delete("a")).toBe(true);
    // A writer that loaded version 2 before the delete finds no session to write over.
    expect(await store.set("a", { state: state("ended", 3), deadline: null }, 2)).toBe(false);
    expect(await store.delete("a", 2)).toBe(false);
    expect(await store.get("a")).toBeUndefined();
    // A new session of the id starts above 2, so that writer still loses after the new one reaches 2 writes.
    expect(await store.set("a", { state: state("waiting"), deadline: null }, 0)).toBe(true);
    expect((await store.get("a"))?.version).toBe(3);
    expect(await store.set("a", { state: state("waiting", 2), deadline: null }, 3)).toBe(true);
    expect(await store.set("a", { state: state("ended", 3), deadline: null }, 2)).toBe(false);
    expect((await store.get("a"))?.version).toBe(4);
    expect(store.size).toBe(1);
    // Other ids are not affected.
    expect(await store.set("b", { state: state("waiting"), deadline: null }, 0)).toBe(true);
    expect((await store.get("b"))?.version).toBe(1);
  });
});
