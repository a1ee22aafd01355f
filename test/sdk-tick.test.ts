// @fluxo/sdk `tick` over sessions the engine cannot time out: a due session
// whose stored state is not waiting (corrupted, ended, handed off) or has no
// timeout to run. Each is reported to `onRefusedState` once (after the write
// that clears its deadline), left as it was and no longer due, so later ticks
// neither see it nor report it again. Also: `receive` reports a refused state
// once even when its turn is rerun after losing a compare-and-set.

import type { SessionState } from "@fluxo/runtime";
import { describe, expect, it } from "vitest";
import { createBot, defineFlows, MemoryStore, type RefusedState } from "../packages/sdk/src/index.js";
import { CountingStore, compileFlows, seeded } from "../packages/sdk/test/helpers.js";

const flows = defineFlows(
  compileFlows({
    "t.flow": `
flow survey {
    trigger start
    ask grade: integer "Grade?" {
        timeout 10m => {
            say "bye"
            end
        }
    }
    say "thanks {grade}"
}

flow plain {
    trigger keyword "plain"
    ask name: string "Name?"
    say "hi {name}"
}
`,
  }),
);

function bot(store: MemoryStore | CountingStore, refused: RefusedState[], now: () => Date = () => new Date("2030-01-01T10:00:00Z")) {
  return createBot(flows, { store, clock: now, onRefusedState: (r) => refused.push(r) });
}

describe("stored states the engine refuses: tick and receive", () => {
  it("clears the deadline of a corrupted state, reports it once, and leaves the state as it was", async () => {
    const store = new MemoryStore();
    const refused: RefusedState[] = [];
    const junk = { junk: 1 } as unknown as SessionState;
    await store.set("g", { state: junk, deadline: 0 }, 0);
    const b = bot(store, refused);
    for (let i = 0; i < 3; i++) expect(await b.tick(new Date())).toEqual([]);
    expect(await store.due(new Date())).toEqual([]);
    const stored = (await store.get("g"))!;
    expect(stored.state).toBe(junk);
    expect(stored.deadline).toBeNull();
    expect(stored.version).toBe(2); // one compare-and-set write, by the first tick
    expect(refused.map((r) => `${r.sessionId} ${r.code}`)).toEqual(["g invalid-state"]);
  });

  it("does the same for ended and handed-off states and a waiting question without a timeout", async () => {
    const store = new MemoryStore();
    const refused: RefusedState[] = [];
    let now = new Date("2030-01-01T10:00:00Z");
    const b = bot(store, refused, () => now);
    // A waiting question without `timeout`, stored with a deadline by a host or an older writer.
    await b.receive({ sessionId: "w", text: "plain", context: {} });
    // An ended conversation.
    await b.receive({ sessionId: "e", text: "hi", context: {} });
    await b.receive({ sessionId: "e", text: "7", context: {} });
    const waiting = (await store.get("w"))!;
    const ended = (await store.get("e"))!;
    expect(waiting.state.status).toBe("waiting");
    expect(ended.state.status).toBe("ended");
    await store.set("w", { state: waiting.state, deadline: 5 }, waiting.version);
    await store.set("e", { state: ended.state, deadline: 1 }, ended.version);
    await store.set("h", { state: { ...ended.state, status: "handoff" }, deadline: 3 }, 0);
    now = new Date("2030-01-01T11:00:00Z");
    expect(await b.tick()).toEqual([]);
    expect(await b.tick()).toEqual([]);
    expect(await store.due(now)).toEqual([]);
    expect(refused.map((r) => `${r.sessionId} ${r.code}`)).toEqual(["e session-ended", "h session-ended", "w no-pending-question"]);
    // The states are kept: the waiting one still takes its answer.
    expect((await store.get("e"))!.state).toBe(ended.state);
    expect((await b.receive({ sessionId: "w", text: "Ana", context: {} })).map((e) => (e.type === "say" ? e.text : e.type))).toEqual(["hi Ana", "end"]);
  });

  it("clears each refused session once with two bots ticking at the same time", async () => {
    const random = seeded(11);
    const shared = new CountingStore(new MemoryStore(), () => random() * 2);
    const refused: RefusedState[] = [];
    for (let i = 0; i < 20; i++) await shared.set(`j${i}`, { state: { junk: i } as unknown as SessionState, deadline: i }, 0);
    const [one, two] = [bot(shared, refused), bot(shared, refused)];
    const now = new Date("2030-01-01T10:00:00Z");
    expect(await Promise.all([one.tick(now), two.tick(now)])).toEqual([[], []]);
    // The bots did race: some writes lost and their turns ran again, yet each session is reported once.
    expect(shared.conflicts).toBeGreaterThan(0);
    expect(await shared.due(now)).toEqual([]);
    expect(refused.map((r) => r.sessionId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `j${i}`).sort());
  });

  it("goes on with the other due sessions when one keeps losing its write (conflict)", async () => {
    const store = new MemoryStore();
    const refused: RefusedState[] = [];
    let now = new Date("2030-01-01T10:00:00Z");
    const b = createBot(flows, { store, clock: () => now, onRefusedState: (r) => refused.push(r), maxAttempts: 3, tickConcurrency: 1 });
    for (const id of ["a", "busy", "c"]) await b.receive({ sessionId: id, text: "hi", context: {} });
    // Another writer changes "busy" before every write this bot attempts.
    const set = store.set.bind(store);
    store.set = async (sessionId, session, expected) => {
      if (sessionId === "busy") {
        const current = (await store.get("busy"))!;
        await set("busy", { state: current.state, deadline: 1 }, current.version);
      }
      return set(sessionId, session, expected);
    };
    now = new Date("2030-01-01T11:00:00Z");
    const turns = await b.tick();
    expect(turns.map((t) => t.sessionId)).toEqual(["a", "c"]);
    expect(turns[0]!.events.map((e) => (e.type === "say" ? e.text : e.type))).toEqual(["bye", "end"]);
    // Still due: a later tick runs it.
    expect(await store.due(now)).toEqual(["busy"]);
    expect(refused).toEqual([]);
  });

  it("reports a state refused by `receive` once, even when the turn is rerun after losing a write", async () => {
    const random = seeded(5);
    const shared = new CountingStore(new MemoryStore(), () => random() * 2);
    const refused: RefusedState[] = [];
    await shared.set("r", { state: { status: "waiting", junk: 1 } as unknown as SessionState, deadline: null }, 0);
    const [one, two] = [bot(shared, refused), bot(shared, refused)];
    await Promise.all([one.receive({ sessionId: "r", text: "hi", context: {} }), two.receive({ sessionId: "r", text: "hi", context: {} })]);
    expect(shared.conflicts).toBeGreaterThan(0);
    expect(refused.map((r) => `${r.sessionId} ${r.code}`)).toEqual(["r invalid-state"]);
  });
});
