//! `createBot` (RUNTIME §3): a bot over a flows module, a session store and
//! the host's action handlers. It turns inbound messages, host events and the
//! passing of time into engine turns on stored sessions.
//!
//! Every turn is a transaction on one session: load the stored session, run
//! the engine (a pure function of state and input), write the new state with
//! compare-and-set on the version it was loaded at. Two guards make turns of
//! one session apply one at a time, in order, exactly once:
//!
//! - in-process, turns of a session are queued (FIFO), so two messages of one
//!   session received by one bot never race;
//! - across processes (bots sharing a store), a write that finds another
//!   version stored is a conflict: the turn is run again from the state now
//!   stored. The engine never mutates a state and depends only on its inputs,
//!   so rerunning is safe; what it cannot undo are side effects of handlers
//!   called by the discarded run. Those get an idempotency key per call, and
//!   a host that needs exactly-once side effects across processes should
//!   route each session to one process (as webhook providers usually allow)
//!   or deduplicate by key.
//!
//! Idempotency keys: the engine's key (`session:turn:call`) is the same for
//! two *different* inputs applied to the same state, which is what happens
//! when two processes race on a session. The SDK appends a digest of the
//! turn's input (`…:m1x9k2`), so a key names one call of one turn: two
//! racing turns never share a key, and a turn rerun from the same state with
//! the same input gets the same keys again.
//!
//! Decisions where the specification is silent:
//! - A message starts a conversation when none is waiting (no session, or it
//!   ended or failed): the flow whose keyword it matches, else the `trigger
//!   start` flow, else nothing happens. A session handed off to a human is
//!   left to the human: `receive` returns no events until `reset`.
//! - A stored state from another bundle version is moved onto this bundle by
//!   the engine (RUNTIME §2 "Redeploys": the question is asked again at the
//!   start of its step; the message that arrived is not applied to it), and
//!   the move is reported to `onRedeploy`. A state the engine refuses (its
//!   step is gone, or it is corrupted) is reported to `onRefusedState` and
//!   treated as no conversation: the message starts a new one.
//! - `tick` hands every due session to the engine's `timeout`, whatever its
//!   status. A state it refuses (corrupted, ended, handed off, a question
//!   without `timeout`) is kept as it is but its deadline is cleared (a
//!   compare-and-set write like any turn), so it is no longer due, and it is
//!   reported to `onRefusedState`. Skipping it without a write would leave it
//!   due, and skipped, at every tick. A session other writers keep changing
//!   (`conflict`) is left to them: the rest of the tick goes on.
//! - `onRefusedState` and `onRedeploy` are told after the turn's write
//!   succeeds: a run that lost the write to another bot and is rerun reports
//!   nothing, so each refusal is reported once.
//! - `emit` and `start` begin their flow even when a conversation is waiting;
//!   that conversation is abandoned (the host decides when to call them).
//! - The context is checked against the declared `context` before a turn; a
//!   context that does not fit is the host's bug and throws `BotError`.

import {
  conform,
  createEngine,
  loadBundle,
  type Bundle,
  type EngineLimits,
  type FetchLike,
  type FlowEvent,
  type RedeployReport,
  type SessionState,
  type TurnErrorCode,
  type Turn,
} from "@fluxo/runtime";
import { hostActions, type ActionHandlers, type EventName, type FlowName, type FlowsModule, type FlowsSpec } from "./flows.js";
import { SessionQueue } from "./queue.js";
import { MemoryStore, type SessionStore, type StoredSession } from "./store.js";

/** Why `createBot` or a bot method refused to go on. */
export type BotErrorCode =
  /** `actions` lacks a handler for a host action, or has one for something else. */
  | "handlers"
  /** The context does not fit the declared `context`. */
  | "context"
  /** The engine refused to start: an unknown flow or event, or parameters that do not fit. */
  | "refused"
  /** Other bot instances kept changing the session: `maxAttempts` runs of the turn all lost. */
  | "conflict";

/** A host mistake or an exhausted retry; the session is left as it was. */
export class BotError extends Error {
  constructor(
    readonly code: BotErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BotError";
  }
}

/** A stored state the engine refused, reported before the session starts over. */
export interface RefusedState {
  sessionId: string;
  code: TurnErrorCode;
  message: string;
}

/** Settings of a bot, apart from its handlers. Everything is optional. */
export interface BotSettings {
  /** Where sessions are kept (default: a new `MemoryStore`). */
  store?: SessionStore;
  /** Secrets for HTTP actions' `secret("NAME")`; a missing one fails that call. */
  secrets?: Record<string, string | undefined>;
  /** Used by HTTP actions (default: `globalThis.fetch`). */
  fetch?: FetchLike;
  /** Time source (default: real time); `tick()` without an argument reads it too. */
  clock?: () => Date;
  /** Random source in `[0, 1)` for `random` (default `Math.random`). */
  random?: () => number;
  /** The engine's limits (RUNTIME §2); each one given must be a positive integer, or `createBot` throws (`RangeError`/`TypeError`, from `createEngine`). */
  limits?: EngineLimits;
  /** Runs of one turn before a write conflict is given up as `BotError` `conflict` (default 50). */
  maxAttempts?: number;
  /** Sessions `tick` runs at the same time (default 32). */
  tickConcurrency?: number;
  /** Told when a stored state is refused by the engine and the session starts over. */
  onRefusedState?: (refused: RefusedState) => void;
  /** Told when a session written by another bundle version was moved onto this one (after the move is saved). */
  onRedeploy?: (redeployed: { sessionId: string; report: RedeployReport }) => void;
}

/**
 * The `actions` option: one handler per host action. Optional when the flows
 * have no host action; any handlers at all for an untyped module.
 */
export type ActionsOption<S extends FlowsSpec> = string extends keyof S["actions"]
  ? { actions?: Record<string, (...args: never[]) => unknown> }
  : [keyof S["actions"]] extends [never]
    ? // Not `ActionHandlers<S>`, which is `{}` here: TypeScript checks no excess property against `{}`.
      { actions?: Record<string, never> }
    : { actions: ActionHandlers<S> };

/** What `createBot` takes besides the flows. */
export type BotOptions<S extends FlowsSpec> = BotSettings & ActionsOption<S>;

/** An inbound message. */
export interface InboundMessage<Context> {
  /** The conversation: typically the contact's address (a phone number). */
  sessionId: string;
  text: string;
  /** The contact as the host knows it now; it replaces the session's context. */
  context: Context;
}

/** The session a host-initiated turn belongs to. */
export interface SessionTarget<Context> {
  sessionId: string;
  context: Context;
}

/** What `tick` did to one session. */
export interface TimeoutTurn {
  sessionId: string;
  events: FlowEvent[];
}

/** A bot over one flows module. */
export interface Bot<S extends FlowsSpec = FlowsSpec> {
  readonly bundle: Bundle;
  readonly store: SessionStore;
  /**
   * Handles an inbound message: replies to the waiting conversation, or
   * starts one by keyword (else the `trigger start` flow). Returns the
   * events to deliver, in order; none when nothing handled the message.
   */
  receive(message: InboundMessage<S["context"]>): Promise<FlowEvent[]>;
  /** Starts the flow with `trigger event` `event`; the payload fills its parameters. */
  emit<E extends EventName<S>>(event: E, payload: S["events"][E], target: SessionTarget<S["context"]>): Promise<FlowEvent[]>;
  /** Starts `flow` with `params` in a session (a host-initiated conversation). */
  start<F extends FlowName<S>>(flow: F, params: S["flows"][F]["params"], target: SessionTarget<S["context"]>): Promise<FlowEvent[]>;
  /**
   * Runs the timeout of every session whose question is due at `now`
   * (default: the clock), each once, even with several bots sharing the
   * store. Returns the sessions that timed out with their events.
   */
  tick(now?: Date): Promise<TimeoutTurn[]>;
  /** The stored session, if any (its state says whether it waits, ended or was handed off). */
  session(sessionId: string): Promise<StoredSession | undefined>;
  /**
   * Forgets a session: its next message starts a new conversation (after a
   * handoff, for instance). The store never gives the id a version it had
   * before, so a turn another bot is still running on the forgotten
   * conversation cannot overwrite the new one: it is rerun on it.
   */
  reset(sessionId: string): Promise<void>;
}

/** A turn's outcome to store: the new state and what to deliver. */
interface Outcome {
  state: SessionState;
  events: FlowEvent[];
  /** Set when the turn moved a state of another bundle version onto this one. */
  redeploy?: RedeployReport;
  /** Set when the engine refused the stored state; reported once the outcome is written. */
  refused?: RefusedState;
  /** null: store no deadline, whatever the state says (a state the engine refused). */
  deadline?: null;
}

type Platform = { setTimeout?: (callback: () => void, ms: number) => unknown };

/** Waits a little (jittered, growing with the attempt) before rerunning a turn that lost a write. */
function pause(attempt: number): Promise<void> {
  const setTimer = (globalThis as Platform).setTimeout;
  if (!setTimer) return Promise.resolve();
  const ms = Math.random() * Math.min(2 ** attempt, 50);
  return new Promise((resolve) => void setTimer(resolve, ms));
}

/** When the state's pending question times out (ms since the epoch), or null. */
function deadlineOf(state: SessionState): number | null {
  if (state.status !== "waiting" || state.pending === null || typeof state.pending.deadline !== "string") return null;
  const time = Date.parse(state.pending.deadline);
  return Number.isNaN(time) ? null : time;
}

function statusOf(stored: StoredSession | undefined): string | undefined {
  const state: unknown = stored?.state;
  return typeof state === "object" && state !== null ? (state as { status?: string }).status : undefined;
}

/**
 * A bot over `flows` (the default export of a module generated by `fluxo
 * build --target ts`). Its options are typed from the module: a missing,
 * mistyped or unknown action handler is a compile error.
 */
export function createBot<S extends FlowsSpec>(flows: FlowsModule<S>, options: BotOptions<S>): Bot<S> {
  return new FlowBot<S>(flows, options);
}

class FlowBot<S extends FlowsSpec> implements Bot<S> {
  readonly bundle: Bundle;
  readonly store: SessionStore;
  private readonly engine: ReturnType<typeof createEngine>;
  private readonly queue = new SessionQueue();
  /** The digest of the input of each session's running turn (one at a time per session: the queue). */
  private readonly inputs = new Map<string, string>();
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly tickConcurrency: number;

  constructor(
    flows: FlowsModule<S>,
    private readonly options: BotOptions<S>,
  ) {
    this.bundle = loadBundle(flows.bundle);
    const handlers = (options.actions ?? {}) as Record<string, unknown>;
    const required = hostActions(this.bundle);
    // Own properties only: an action may be named like a member of `Object.prototype`
    // (`toString`, `constructor`, `__proto__`), which is no handler.
    const handlerOf = (name: string): unknown => (Object.prototype.hasOwnProperty.call(handlers, name) ? handlers[name] : undefined);
    const missing = required.filter((name) => typeof handlerOf(name) !== "function");
    const unknown = Object.keys(handlers).filter((name) => !required.includes(name));
    if (missing.length > 0 || unknown.length > 0) {
      const problems = [
        ...(missing.length > 0 ? [`no handler for ${missing.map((n) => `'${n}'`).join(", ")}`] : []),
        ...(unknown.length > 0 ? [`handlers for ${unknown.map((n) => `'${n}'`).join(", ")}, which ${unknown.length === 1 ? "is not a host action" : "are not host actions"}`] : []),
      ];
      throw new BotError("handlers", `createBot: ${problems.join("; ")} (host actions: ${required.join(", ") || "none"})`);
    }
    this.store = options.store ?? new MemoryStore();
    this.clock = options.clock ?? (() => new Date());
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 50));
    this.tickConcurrency = Math.max(1, Math.floor(options.tickConcurrency ?? 32));
    // No prototype, and fields defined (not assigned): an action `__proto__` is a field like any other.
    const actions: Record<string, (...args: unknown[]) => unknown> = Object.create(null) as Record<string, (...args: unknown[]) => unknown>;
    for (const name of required) {
      Object.defineProperty(actions, name, { value: this.keyed(handlerOf(name) as (...args: unknown[]) => unknown), enumerable: true, writable: true, configurable: true });
    }
    this.engine = createEngine(this.bundle, {
      actions,
      ...(options.secrets !== undefined ? { secrets: options.secrets } : {}),
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      clock: this.clock,
      ...(options.random !== undefined ? { random: options.random } : {}),
      ...(options.limits !== undefined ? { limits: options.limits } : {}),
    });
  }

  async receive(message: InboundMessage<S["context"]>): Promise<FlowEvent[]> {
    const { sessionId, text } = message;
    checkSessionId(sessionId);
    if (typeof text !== "string") throw new TypeError("receive: text must be a string");
    const context = this.checkContext(message.context);
    return this.transact(sessionId, `message\u0000${text}`, async (stored) => {
      const status = statusOf(stored);
      let refused: RefusedState | undefined;
      if (stored && status === "waiting") {
        const turn = await this.engine.reply(stored.state, text, context === undefined ? {} : { context });
        if (!turn.error) return turn;
        if (turn.error.code !== "bundle-version" && turn.error.code !== "invalid-state") throw new BotError("refused", turn.error.message);
        refused = { sessionId, code: turn.error.code, message: turn.error.message };
      } else if (status === "handoff") {
        return undefined;
      }
      const flow = this.engine.match(text) ?? this.engine.startFlow;
      if (flow === undefined) {
        // Nothing is written, so nothing reruns: report now (again at the next message).
        if (refused) this.options.onRefusedState?.(refused);
        return undefined;
      }
      const outcome = started(await this.engine.start(flow, { context, sessionId }));
      return refused ? { ...outcome, refused } : outcome;
    });
  }

  async emit<E extends EventName<S>>(event: E, payload: S["events"][E], target: SessionTarget<S["context"]>): Promise<FlowEvent[]> {
    checkSessionId(target.sessionId);
    const context = this.checkContext(target.context);
    return this.transact(target.sessionId, `event\u0000${event}\u0000${stableJson(payload)}`, async () =>
      started(await this.engine.startEvent(event, payload, { context, sessionId: target.sessionId })),
    );
  }

  async start<F extends FlowName<S>>(flow: F, params: S["flows"][F]["params"], target: SessionTarget<S["context"]>): Promise<FlowEvent[]> {
    checkSessionId(target.sessionId);
    const context = this.checkContext(target.context);
    return this.transact(target.sessionId, `start\u0000${flow}\u0000${stableJson(params)}`, async () =>
      started(await this.engine.start(flow, { params: params as Record<string, unknown>, context, sessionId: target.sessionId })),
    );
  }

  async tick(now: Date = this.clock()): Promise<TimeoutTurn[]> {
    const time = now.getTime();
    const due = await this.store.due(now);
    const results: (TimeoutTurn | undefined)[] = new Array(due.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length) {
        const index = next++;
        const sessionId = due[index]!;
        let ran = false;
        let events: FlowEvent[];
        try {
          events = await this.transact(sessionId, "timeout", async (stored) => {
            ran = false; // a rerun after a lost write starts afresh
            // Due when listed, but another bot (or a reply) may have moved the session on since.
            if (!stored || stored.deadline === null || stored.deadline > time) return undefined;
            // Still due: the engine judges the state, whatever its status. Skipping a
            // state that is not waiting without writing would leave it due for ever.
            const turn = await this.engine.timeout(stored.state);
            if (turn.error) {
              // A state the engine cannot time out (corrupted, ended, handed off, a question
              // without `timeout`) stays as it is, no longer due; its next message goes on
              // from it as `receive` decides. Reported once, after the write.
              return { state: stored.state, events: [], deadline: null, refused: { sessionId, code: turn.error.code, message: turn.error.message } };
            }
            ran = true;
            return turn;
          });
        } catch (error) {
          // Other writers kept changing this session (`conflict`): they are moving it on, and if it is still
          // due the next tick runs it. The other due sessions of this tick are not given up for it.
          if (error instanceof BotError && error.code === "conflict") continue;
          throw error;
        }
        if (ran) results[index] = { sessionId, events };
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.tickConcurrency, due.length) }, worker));
    return results.filter((r): r is TimeoutTurn => r !== undefined);
  }

  async session(sessionId: string): Promise<StoredSession | undefined> {
    return await this.store.get(sessionId);
  }

  reset(sessionId: string): Promise<void> {
    return this.queue.run(sessionId, async () => {
      await this.store.delete(sessionId);
    });
  }

  // ---------------------------------------------------------- internals

  /**
   * Runs a turn as a transaction on the session: queued behind the session's
   * other turns in this process, and rerun from the stored state when another
   * writer changed the session meanwhile. `run` returns the outcome to store,
   * or undefined when there is nothing to do.
   */
  private transact(
    sessionId: string,
    input: string,
    run: (stored: StoredSession | undefined) => Promise<Outcome | undefined>,
  ): Promise<FlowEvent[]> {
    return this.queue.run(sessionId, async () => {
      for (let attempt = 1; ; attempt++) {
        const stored = await this.store.get(sessionId);
        this.inputs.set(sessionId, digest(input));
        let outcome: Outcome | undefined;
        try {
          outcome = await run(stored);
        } finally {
          this.inputs.delete(sessionId);
        }
        if (outcome === undefined) return [];
        const deadline = outcome.deadline === null ? null : deadlineOf(outcome.state);
        if (await this.store.set(sessionId, { state: outcome.state, deadline }, stored?.version ?? 0)) {
          // Reported only for the run whose outcome was written: a run that lost the write reports nothing.
          if (outcome.refused) this.options.onRefusedState?.(outcome.refused);
          if (outcome.redeploy) this.options.onRedeploy?.({ sessionId, report: outcome.redeploy });
          return outcome.events;
        }
        if (attempt >= this.maxAttempts) {
          throw new BotError("conflict", `session ${JSON.stringify(sessionId)}: the store kept changing; gave up after ${attempt} attempts`);
        }
        await pause(attempt);
      }
    });
  }

  /** A host handler whose idempotency key also names the turn's input (see the module comment). */
  private keyed(handler: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
    return (...args: unknown[]) => {
      const call = args[args.length - 1] as { session: { id: string }; idempotencyKey: string };
      const input = this.inputs.get(call.session.id);
      if (input !== undefined) args[args.length - 1] = { ...call, idempotencyKey: `${call.idempotencyKey}:${input}` };
      return handler(...args);
    };
  }

  /** The context checked against the declared one (a copy with only the declared fields), or undefined when none is given. */
  private checkContext(context: unknown): Record<string, unknown> | undefined {
    if (context === undefined) return undefined;
    const checked = conform(context, { record: this.bundle.context }, "context");
    if (!checked.ok) throw new BotError("context", `${checked.path}: expected ${checked.expected}`);
    return checked.value as Record<string, unknown>;
  }
}

function checkSessionId(sessionId: unknown): asserts sessionId is string {
  if (typeof sessionId !== "string" || sessionId.length === 0) throw new TypeError("sessionId must be a non-empty string");
}

/** JSON with object keys sorted, so equal values give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A short digest of a text (two 32-bit FNV-1a style hashes, base 36): not cryptographic, only to tell inputs apart. */
export function digest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36).padStart(7, "0");
}

/** A started turn, or the engine's refusal as a `BotError`. */
function started(turn: Turn): Outcome {
  if (turn.error) throw new BotError("refused", turn.error.message);
  return turn;
}
