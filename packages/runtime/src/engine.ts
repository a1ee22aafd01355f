// The engine (RUNTIME §2): a pure step function over session states.
// `createEngine(bundle, options)` gives `start`, `reply`, `timeout`,
// `startEvent` and `match`. A turn takes a state (plain JSON) and input, runs
// the flow's instructions until it waits for a reply, ends, hands off or
// fails, and returns `{ state, events, status }` with a *new* state: the
// state given is never mutated, so a host can retry a turn or keep history.
// Everything the host passes (state, context, params, handler results) is
// untrusted and goes through `copyJson`/`conform`;
// nothing a host passes can make `start`/`reply`/`timeout` throw: bad input
// gets a typed error result, bad replies the flow's `invalid` path, and
// failures inside a flow `error` events.
//
// State layout (`SessionState`): bundle version, session id, status, a turn
// counter, the context, the flow stack (frames `{flow, pc, vars,
// resultVar, step, types}`), and the pending question `{pc, retries,
// deadline, options?, values?}`. `step` and `types` are what redeploys need
// (`redeploy.ts`): each time a question is asked, every frame records the
// name of the step it is in and a fingerprint of the declared type of each
// variable it holds. They describe the frame as of the last question; a
// frame pushed since (in an ended state) may lack them. The state holds no
// secrets: `secret()` is only evaluated while an HTTP request is built, and
// its value goes only to `fetch` (a response echoing a secret that request
// read has it masked, `http.ts`).
//
// Decisions where the specification is silent:
// - A turn counter in the state (`turn`, +1 per turn) and the order of calls
//   within the turn make the idempotency key `session:conversation:turn:n`:
//   unique per call in a session, identical when the host retries a turn
//   from the same state (with the same handlers' results and random source).
//   `conversation` is the start time (engine clock, base-36 ms), kept in the
//   state: a session id is usually the contact's phone number, shared by all
//   of that contact's conversations, and their turn counters all start at 1.
//   A state written before this field existed keeps the key `session:turn:n`.
// - What the host passes is checked against what the bundle declares: a
//   context field the project's `context` declares must have its type when
//   present (`invalid-input` naming it; an absent one reads as null, fields
//   it does not declare are kept), and a state the engine did not issue has
//   each variable checked against the flow's declared type (`invalid-state`).
// - A state the engine did not issue, of this bundle's version, must hold
//   only what the engine writes, or it is refused (`invalid-state`, naming
//   the JSON path): a frame's `vars` only variables of its flow (parameters,
//   declared variables, and any variable its code assigns: a hand-written
//   bundle may leave those out of `vars`; `variablesOf`); `step`, when
//   present, `""` (the flow body) or a step of the flow; `resultVar` null for
//   the bottom frame, else null or a variable of the caller's flow (the frame
//   below); `pending.retries` at most the question's `invalid.retries`;
//   `pending.deadline` null or an ISO time as `toISOString` writes it (hosts
//   `Date.parse` it to schedule the timeout). A state of another version is
//   only checked for its shape: the redeploy keeps what the new bundle
//   declares and reports the rest as dropped.
// - An ended state (`ended`, `handoff`, `error`) keeps its frames and
//   variables (so tests and hosts can inspect them, "nothing is lost"); a top-level
//   `return` keeps its frame too. Replying to it is the typed error
//   `session-ended`.
// - Redeploys: a waiting state from another bundle version is moved onto this
//   bundle by `redeploy.ts` (frames resume at the start of their step, by
//   name; variables whose name and type are unchanged are kept). That turn
//   runs the resumed code until it waits again: `reply`'s text is not
//   applied (it answered a question of the old version), and `timeout` does
//   not run an old timeout arm. The turn result's `redeploy` field reports
//   where each frame resumed and which variables were dropped (a field, not
//   an event: events are what the contact sees). A frame whose step (or
//   flow) the bundle no longer has makes the move fail: the typed error
//   `bundle-version`, whose message and `error.step` name it. A state with
//   no recorded step (written before redeploys existed) is refused the same
//   way. `evaluate` never moves a state. Hosts that keep old bundles loaded
//   route a state by `state.version` before calling the engine.
// - `timeout()` on a question without a `timeout` clause is refused with
//   `no-pending-question` (there is no timeout pending); the engine does not
//   compare the clock with the deadline: the host decides that it passed.
// - On an invalid reply the variable keeps its previous value (or stays
//   unassigned); the `invalid` message is evaluated without the rejected
//   value. A re-ask re-evaluates the prompt (the context may have been
//   refreshed) and resets the deadline; an `askFrom` re-ask reuses the
//   options computed when it was first asked.
// - `askFrom`'s `ask` event and `choose`'s have `input.type` `"choice"`.
// - A host handler for an HTTP action takes precedence over performing the
//   request, so `fluxo test` can mock HTTP actions.
// - A handler's result is checked with `conform`: extra record fields are
//   dropped and absent optional ones become null; an action without a result
//   type ignores whatever its handler returns.
// - Error messages of a throwing handler are kept, with every secret value
//   the engine knows (4 characters or more) replaced by `***`, then cut to
//   200 characters: redacting first, so a cut through a secret cannot leave
//   its start. Redaction finds every occurrence of every secret in the text
//   before replacing any (`maskText`), so a secret overlapping or containing
//   another is hidden whole. An expression's error while an HTTP request is
//   built is withheld once the request has read a secret (the message may
//   quote a value made from it, cut or changed beyond redaction; `http.ts`).
//   A refusal quoting the message of an error a host object threw while read
//   (a getter of the params) is redacted the same way, and an unreadable
//   message is "unreadable error", never a throw.
// - Subflows nest at most `limits.stackDepth` deep (default 100): deeper is
//   an `error` (code `limit`), as is exceeding `stepsPerTurn`.
// - Limits are checked by `createEngine`, which throws for a limit present
//   but not a positive safe integer (`TypeError` for a value that is not a
//   number, `RangeError` for a number: `limits.stepsPerTurn must be a positive
//   integer (got 50.5)`), and for `limits` that is not an object; a limit left
//   out (undefined) is the default. A host that sets a limit gets that limit
//   or an error, never a silent default. Names that are not limits are
//   ignored (TypeScript already flags them). Only `createEngine` throws: the
//   turns never do.
// - `limits.stateSize` (default 65 536) caps the session state, in
//   characters of JSON (`JSON.stringify(state).length`). Whatever grows the
//   state (an assignment, a subflow's frame, a question's options) is
//   measured before the turn goes on; over the cap, the change is undone and
//   the flow fails with an `error` event (code `limit`) naming the limit, so
//   a stored state is under the cap (give or take the few digits the pc and
//   turn counters may gain after the last change). A state given back that
//   is over the cap by more than that (`STATE_SIZE_SLACK`) is refused
//   (`invalid-state`), as is a context or parameters that would make one
//   (`invalid-input`). Measuring is cheap: values are immutable and their
//   sizes cached (`json.ts`), and `vars` sizes are tracked per turn.
// - States are returned frozen, all the way down (`Object.freeze`): a state
//   is immutable JSON to the host. The engine remembers the states it
//   returned (a `WeakSet`); one given back is known to be valid and
//   unchanged, so a turn skips checking and copying it: it copies the state
//   object, its stack and the top frame, and a frame's `vars` only when it
//   assigns one (a caller's frame when the subflow returns to it). Any other
//   state (parsed from storage, built or changed by the host, issued by
//   another engine) is copied and checked in full (`checkState`, with the
//   loader's shape checker): a field a state does not have is refused
//   (`invalid-state`, naming its JSON path), so the engine knows every field
//   it stores and measures. Each turn then keeps the state's size up to
//   date as it changes it (`stateSize`, with each frame's `vars` size
//   updated by `assign`), instead of measuring the whole state again.
// - After `stepsPerTurn` or `stateSize` stops a turn, the session ends with
//   status `error`, and the returned state keeps its frames and variables
//   (as they were before the change that was refused); the state given to
//   the turn is, as always, untouched.
// - Errors inside a flow (an unassigned variable, division by zero, a bad
//   pattern, a `run` whose arguments do not fit) are `error` events (codes
//   `expression`, `params`) and end the conversation with reason `error`.
// - `start`/`startEvent` check the given params against the flow's parameter
//   types (payload fields not among the parameters are ignored) and refuse a
//   mismatch or a non-JSON context with the typed error `invalid-input`.
// - Without a `sessionId` (undefined or null), `start`/`startEvent` use
//   `crypto.randomUUID()` where the platform has it, never the injected
//   random source (which would shift a seeded `random`). Any other value that
//   is not a non-empty string (5, {}, "") is refused (`invalid-input` naming
//   `sessionId`), not replaced: a host passing a broken id would otherwise
//   get a new session on every message.

import type { ActionJson, Bundle, FlowJson, Instruction, Locale, ParamJson, TypeJson } from "./bundle.js";
import type { BuiltinEnv } from "./builtins.js";
import { FlowError, type FlowErrorCode } from "./errors.js";
import { evaluate, showInMessage, type Scope } from "./expression.js";
import { ActionFailure, maskText, MAX_RESPONSE_BYTES, performHttp } from "./http.js";
import { chooseNormalized, chooseOption, parseReply } from "./inputs.js";
import { containerSize, copyJson, freezeJson, getOwn, hasOwn, isObject, JsonError, jsonEqual, MAX_VALUE_DEPTH, measure, pathKey, setOwn, sizeOf, stringSize, type Json, type JsonObject } from "./json.js";
import { BundleError, check, describe, isLoaded, loadBundle, lookup, oneOf, type Shape } from "./load.js";
import { defaultInvalidMessage, normalizeText } from "./locale.js";
import { globalFetch, newAbortController, randomUuid, schedule, type AbortSignalLike, type FetchLike } from "./platform.js";
import { frameTypes, migrateState, stepAt, type RedeployReport } from "./redeploy.js";
import { acceptsNull, conform } from "./types.js";

// ------------------------------------------------------------ public types

/** How a turn left the conversation. */
export type TurnStatus = "waiting" | "ended" | "handoff" | "error";

/** Why a conversation ended (`end` event). */
export type EndReason = "done" | "invalid" | "timeout" | "error" | "limit";

/** What a turn produced, in order (RUNTIME §2). */
export type FlowEvent =
  | { type: "say"; text: string }
  | { type: "media"; kind: "image" | "video" | "audio" | "file"; url: string; caption?: string }
  | { type: "ask"; prompt: string; input: { type: string; options?: string[] }; retry: number }
  | { type: "wait"; ms: number }
  | { type: "action"; name: string; args: Json[]; ok: boolean }
  | { type: "handoff"; department?: string }
  | { type: "end"; reason: EndReason }
  | { type: "error"; code: FlowErrorCode; message: string; at: string };

/** One frame of the flow stack. */
export interface Frame {
  flow: string;
  /** The instruction to run next (for a waiting frame: the pending question). */
  pc: number;
  vars: JsonObject;
  /** The caller's variable that gets this subflow's return value, or null. */
  resultVar: string | null;
  /** For redeploys: the step the frame was in when the last question was asked (`""`: the flow body). */
  step?: string;
  /** For redeploys: a fingerprint of each held variable's declared type (`typeKey`), as of the last question. */
  types?: Record<string, string>;
}

/** The question a waiting session is waiting on. */
export interface PendingQuestion {
  /** The question instruction (equal to the top frame's pc). */
  pc: number;
  /** Retries used so far (the `retry` of the last `ask` event). */
  retries: number;
  /** When the question times out (ISO time), or null without a `timeout` clause. */
  deadline: string | null;
  /** For `ask … from`: the labels shown and the elements they stand for. */
  options?: string[];
  values?: Json[];
}

/** A session's state: plain JSON, safe to store as it is. */
export interface SessionState {
  /** The bundle version the state belongs to. */
  version: string;
  session: string;
  /**
   * An id of this conversation, made when it starts: a session id (a phone
   * number) is shared by every conversation with the same contact, so the
   * idempotency keys of actions include this too. Absent in states written
   * before it existed.
   */
  conversation?: string;
  status: TurnStatus;
  /** Turns applied so far (part of idempotency keys). */
  turn: number;
  context: JsonObject;
  stack: Frame[];
  pending: PendingQuestion | null;
}

/** `Event` is the name hosts and the CLI use for `FlowEvent`. */
export type Event = FlowEvent;

/** A turn that ran: the new state and what the flow did. */
export interface AppliedTurn {
  state: SessionState;
  events: FlowEvent[];
  status: TurnStatus;
  error?: undefined;
  /** Present when the given state came from another bundle version and was moved onto this one: where it resumed and what it dropped. */
  redeploy?: RedeployReport;
}

/** Codes of refused turns. */
export type TurnErrorCode = "session-ended" | "bundle-version" | "invalid-state" | "unknown-flow" | "no-pending-question" | "invalid-input";

/** A turn that was refused before anything ran: `state` is the very object given (or null for `start`), untouched. */
export interface RefusedTurn {
  state: unknown;
  events: [];
  status: TurnStatus;
  /** `step`: for a `bundle-version` refusal of a redeploy, the flow and step (`""`: the flow body) the new bundle lacks. */
  error: { code: TurnErrorCode; message: string; step?: { flow: string; step: string } };
}

/** The result of `start`, `reply`, `timeout` and `startEvent`: check `error` to tell a refusal from a turn that ran. */
export type Turn = AppliedTurn | RefusedTurn;

/** What an action handler gets after the action's arguments. */
export interface ActionContext {
  /** Fires when the action's `timeout` passes; the call has failed by then. */
  signal: AbortSignalLike;
  /** The session: its id and a copy of its context. */
  session: { id: string; context: JsonObject };
  /** Unique to this call in this session; the same when the host retries the turn from the same state. */
  idempotencyKey: string;
}

/** A host action handler: the action's arguments, then an `ActionContext`. */
export type ActionHandler = (...args: any[]) => unknown;

/** Limits of the engine. */
export interface EngineLimits {
  /** Instructions a turn may run without waiting (default 10 000). */
  stepsPerTurn?: number;
  /** Longest reply, in UTF-16 units; longer replies are invalid (default 4096). */
  replyLength?: number;
  /** Deepest subflow nesting (default 100). */
  stackDepth?: number;
  /** Largest session state, in characters of JSON (default 65 536). */
  stateSize?: number;
  /** Largest HTTP action response body, in bytes (default 1 MiB). */
  responseSize?: number;
}

/** What the host provides (RUNTIME §2). Everything is optional. */
export interface EngineOptions {
  /** Host handlers, by action name. */
  actions?: Record<string, ActionHandler>;
  /** Secrets for HTTP actions' `secret("NAME")`. */
  secrets?: Record<string, string | undefined>;
  /** Used by HTTP actions (default: `globalThis.fetch`). */
  fetch?: FetchLike;
  /** Time source (default: real time). */
  clock?: () => Date;
  /** Random source, `[0, 1)`, for `random` (default `Math.random`). */
  random?: () => number;
  /** Each limit present must be a positive integer (`createEngine` throws otherwise); one left out is the default. */
  limits?: EngineLimits;
  /** Called with (flow, pc) before each instruction runs: for coverage (`fluxo test --coverage`). Exceptions it throws are ignored. */
  trace?: (flow: string, pc: number) => void;
}

/** Options of `start` and `startEvent`. */
export interface StartOptions {
  /** The flow's parameters by name (`start`). */
  params?: Record<string, unknown>;
  /** The session's context. */
  context?: unknown;
  /** The session id, a non-empty string (undefined or null: a random UUID; anything else is refused, `invalid-input`). */
  sessionId?: string;
}

/** Options of `reply` and `timeout`. */
export interface ReplyOptions {
  /** A refreshed context; the state's is kept when absent. */
  context?: unknown;
}

/** The result of `evaluate`. */
export type Evaluation = { ok: true; value: Json } | { ok: false; message: string };

/** A running bundle. */
export interface Engine {
  readonly bundle: Bundle;
  /** The flow with `trigger start`, if any (the first one in bundle order). */
  readonly startFlow: string | undefined;
  /** Starts `flow` with `params`; runs until the first question or the end. */
  start(flow: string, options?: StartOptions): Promise<Turn>;
  /** Answers the pending question of `state` with `text`. */
  reply(state: unknown, text: string, options?: ReplyOptions): Promise<Turn>;
  /** Runs the pending question's timeout arm (the host saw its deadline pass). */
  timeout(state: unknown, options?: ReplyOptions): Promise<Turn>;
  /** The flow whose keyword trigger `text` matches (LANGUAGE §3.4), or undefined. */
  match(text: string): string | undefined;
  /** Starts the flow with `trigger event name`; the payload's fields fill its parameters by name. */
  startEvent(name: string, payload: unknown, options?: Omit<StartOptions, "params">): Promise<Turn>;
  /**
   * Evaluates an expression over a state's bottom frame (the flow the session
   * started) and context: what `fluxo test`'s `expect expr` needs. Works on
   * ended states too.
   */
  evaluate(state: unknown, expr: unknown): Evaluation;
}

// ------------------------------------------------------------ engine

const DEFAULT_LIMITS: Required<EngineLimits> = { stepsPerTurn: 10_000, replyLength: 4096, stackDepth: 100, stateSize: 65_536, responseSize: MAX_RESPONSE_BYTES };
const STATUSES = ["waiting", "ended", "handoff", "error"];
/** How much of a handler's error message is redacted and kept (then shortened to 200 characters). */
const MESSAGE_SCAN = 8192;
/** How far over `limits.stateSize` a state given back may be: the digits its counters (pcs, turn) can gain after the last checked change. */
const STATE_SIZE_SLACK = 64;

/** The shape of a session state, checked by the loader's shape checker (`load.ts`): every field of `SessionState`, nothing else. */
const STATE: Shape = {
  version: "string",
  session: "string",
  "conversation?": "string",
  status: (value, path) => oneOf(STATUSES, value, path),
  turn: "nat",
  context: "object",
  stack: [{ flow: "string", pc: "nat", vars: "object", resultVar: "string?", "step?": "string", "types?": "names" }],
  pending: (value, path) => value != null && check(value, { pc: "nat", retries: "nat", deadline: "string?", "options?": ["string"], "values?": "list" }, path),
};

type Question = Extract<Instruction, { op: "ask" | "askFrom" | "choose" }>;

interface KeywordTrigger {
  flow: string;
  words: string[];
  length: number;
}

function entryPc(flow: FlowJson): number {
  const entry = getOwn(flow.steps, "");
  return typeof entry === "number" ? entry : 0;
}

function refused(state: unknown, code: TurnErrorCode, message: string, step?: { flow: string; step: string }): RefusedTurn {
  let status: TurnStatus = "error";
  try {
    if (isObject(state) && STATUSES.includes(state.status as string)) status = state.status as TurnStatus;
  } catch {
    // A state whose `status` getter throws is simply corrupted.
  }
  return { state, events: [], status, error: step ? { code, message, step } : { code, message } };
}

class FlowEngine implements Engine {
  readonly startFlow: string | undefined;
  private readonly keywords: KeywordTrigger[] = [];
  private readonly events = new Map<string, string>();
  /** What every turn of this engine shares (built once: a turn allocates as little as it can). */
  private readonly rt: Runtime;

  constructor(
    readonly bundle: Bundle,
    options: EngineOptions,
  ) {
    const given: unknown = options.limits ?? {};
    if (!isObject(given)) throw new TypeError(`limits must be an object (got ${describe(given)})`);
    const limits = { ...DEFAULT_LIMITS };
    for (const key of Object.keys(limits) as (keyof EngineLimits)[]) {
      const value = given[key];
      if (value === undefined) continue;
      if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new (typeof value === "number" ? RangeError : TypeError)(`limits.${key} must be a positive integer (got ${describe(value)})`);
      limits[key] = value as number;
    }
    this.rt = {
      options,
      limits,
      random: options.random ?? Math.random,
      secretValues: Object.values(options.secrets ?? {}).filter((s): s is string => typeof s === "string" && s.length >= 4),
      env: { locale: bundle.locale, timeZone: bundle.timeZone, now: options.clock ?? (() => new Date()), secrets: null },
      show: (value) => showInMessage(value, bundle.locale),
      issued: new WeakSet(),
    };
    let startFlow: string | undefined;
    for (const name of Object.keys(bundle.flows)) {
      for (const trigger of lookup(bundle.flows, name)!.triggers) {
        if ("keyword" in trigger) {
          for (const keyword of trigger.keyword) {
            const words = normalizeText(keyword).split(" ").filter(Boolean);
            if (words.length > 0) this.keywords.push({ flow: name, words, length: words.join(" ").length });
          }
        } else if ("event" in trigger) {
          if (!this.events.has(trigger.event)) this.events.set(trigger.event, name);
        } else startFlow ??= name;
      }
    }
    this.startFlow = startFlow;
  }

  // ---------------------------------------------------------- public API

  match(text: string): string | undefined {
    if (typeof text !== "string") return undefined;
    const words = normalizeText(text).split(" ").filter(Boolean);
    let best: { at: number; words: number; length: number; flow: string } | undefined;
    for (const keyword of this.keywords) {
      for (let at = 0; at + keyword.words.length <= words.length; at++) {
        if (!keyword.words.every((word, i) => words[at + i] === word)) continue;
        // Earliest match, then the longer keyword (words, then characters); ties keep bundle order.
        if (
          !best ||
          at < best.at ||
          (at === best.at && (keyword.words.length > best.words || (keyword.words.length === best.words && keyword.length > best.length)))
        ) {
          best = { at, words: keyword.words.length, length: keyword.length, flow: keyword.flow };
        }
        break;
      }
    }
    return best?.flow;
  }

  start(flowName: string, given?: StartOptions): Promise<Turn> {
    // `?? {}`, not a default parameter: a host may pass null.
    const options = given ?? {};
    return this.starting(() => {
      const flow = typeof flowName === "string" ? lookup(this.bundle.flows, flowName) : undefined;
      if (!flow) return refused(null, "unknown-flow", `no flow named ${JSON.stringify(String(flowName))}`);
      return this.begin(flowName, flow, options.params ?? {}, options);
    });
  }

  startEvent(name: string, payload: unknown, given?: Omit<StartOptions, "params">): Promise<Turn> {
    const options = given ?? {};
    return this.starting(() => {
      const flowName = typeof name === "string" ? this.events.get(name) : undefined;
      if (flowName === undefined) return refused(null, "unknown-flow", `no flow has trigger event ${JSON.stringify(String(name))}`);
      if (payload != null && !isObject(payload)) return refused(null, "invalid-input", "the event payload must be an object");
      return this.begin(flowName, lookup(this.bundle.flows, flowName)!, payload ?? {}, options);
    });
  }

  reply(given: unknown, text: string, options?: ReplyOptions): Promise<Turn> {
    return this.continuing(given, options ?? {}, (run, redeploy) => (redeploy ? run.execute() : run.answer(typeof text === "string" ? text : "")));
  }

  timeout(given: unknown, options?: ReplyOptions): Promise<Turn> {
    return this.continuing(given, options ?? {}, (run, redeploy, state) => {
      if (redeploy) return run.execute();
      const question = this.bundle.flows[state.stack[state.stack.length - 1].flow].code[state.pending!.pc] as Question;
      if (question.timeout === null) return refused(given, "no-pending-question", "the pending question has no timeout");
      return run.timeOut();
    });
  }

  evaluate(given: unknown, expr: unknown): Evaluation {
    try {
      const state = this.checkState(given, false);
      if ("error" in state) return { ok: false, message: state.error.message };
      const scope: Scope = {
        vars: state.stack[0].vars,
        context: state.context,
        env: this.rt.env,
        show: (value) => showInMessage(value, this.bundle.locale),
      };
      return { ok: true, value: evaluate(expr, scope) };
    } catch (error) {
      return { ok: false, message: this.reason(error) };
    }
  }

  // ---------------------------------------------------------- internals

  /** The message of an error thrown while reading what a host passed (a getter's, say), with the secrets redacted. Never throws. */
  private reason(error: unknown): string {
    try {
      return maskText(error instanceof Error ? String(error.message) : "unknown error", this.rt.secretValues);
    } catch {
      return "unreadable error";
    }
  }

  /** Runs a start; whatever it throws is the typed refusal `invalid-input`. */
  private async starting(start: () => Turn | Promise<Turn>): Promise<Turn> {
    try {
      return await start();
    } catch (error) {
      return refused(null, "invalid-input", `could not start: ${this.reason(error)}`);
    }
  }

  /** Runs `go` on a turn over the given state (`resume`); whatever throws is the typed refusal `invalid-state`. */
  private async continuing(
    given: unknown,
    options: ReplyOptions,
    go: (run: TurnRun, redeploy: RedeployReport | undefined, state: SessionState) => void | Promise<void> | RefusedTurn,
  ): Promise<Turn> {
    try {
      const resumed = this.resume(given, options);
      if ("error" in resumed) return resumed;
      const run = new TurnRun(this.bundle, this.rt, resumed.state);
      const going = go(run, resumed.redeploy, resumed.state);
      if (going instanceof Promise) await going;
      else if (going) return going;
      return run.result(resumed.redeploy);
    } catch (error) {
      return refused(given, "invalid-state", `the state could not be used: ${this.reason(error)}`);
    }
  }

  private async begin(flowName: string, flow: FlowJson, given: unknown, options: StartOptions): Promise<Turn> {
    const context = this.copyContext(options.context);
    if (typeof context === "string") return refused(null, "invalid-input", context);
    if (!isObject(given)) return refused(null, "invalid-input", "params must be an object");
    const vars: JsonObject = {};
    for (const param of flow.params) {
      const value = hasOwn(given, param.name) ? given[param.name] : undefined;
      if (value === undefined) {
        const fallback = defaultValue(param);
        if (fallback === undefined) return refused(null, "invalid-input", `flow '${flowName}' needs the parameter '${param.name}'`);
        setOwn(vars, param.name, fallback);
        continue;
      }
      const checked = conform(value, param.type, `params.${param.name}`);
      if (!checked.ok) return refused(null, "invalid-input", `${checked.path}: expected ${checked.expected}`);
      setOwn(vars, param.name, checked.value);
    }
    const id: unknown = options.sessionId;
    if (id != null && (typeof id !== "string" || id === "")) return refused(null, "invalid-input", `sessionId must be a non-empty string (got ${describe(id)})`);
    const session = id ?? randomUuid() ?? `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const conversation = conversationId(this.rt.env.now);
    const state: SessionState = { version: this.bundle.version, session, conversation, status: "waiting", turn: 1, context, stack: [{ flow: flowName, pc: entryPc(flow), vars, resultVar: null }], pending: null };
    const size = stateSize(state);
    if (size > this.rt.limits.stateSize) {
      return refused(null, "invalid-input", `the context, parameters and session id make a session state of ${size} characters of JSON, over limits.stateSize (${this.rt.limits.stateSize})`);
    }
    const run = new TurnRun(this.bundle, this.rt, state);
    const going = run.execute();
    if (going) await going;
    return run.result();
  }

  /** A detached copy of a context given by the host (absent: `{}`), or why it cannot be used. */
  private copyContext(context: unknown): JsonObject | string {
    if (context == null) return {};
    let copy: Json;
    try {
      copy = copyJson(context, this.rt.limits.stateSize);
    } catch (error) {
      return `the context is not JSON (${error instanceof JsonError ? error.message.replace(/^\$/, "context") : "unreadable"})`;
    }
    if (!isObject(copy)) return "the context must be a JSON object";
    // Each field the project's `context` declares must have its type when the host passes it; one left out reads as null
    // (a context is often partial: what the host knows about the contact so far). Fields it does not declare are kept.
    // Conformed before `measure`, which caches the object's size: conforming may replace (shrink) a field's value.
    const problem = conformDeclared(copy, this.bundle.context, "context");
    if (problem !== undefined) return problem;
    if (measure(copy).depth > MAX_VALUE_DEPTH) return `the context is nested deeper than ${MAX_VALUE_DEPTH} levels`;
    return copy as JsonObject;
  }

  /**
   * Checks a state for `reply`/`timeout` and returns the copy the turn will
   * own (moved onto this bundle when it comes from another version), or a
   * refusal.
   */
  private resume(given: unknown, options: ReplyOptions): Resumed | RefusedTurn {
    const checked = this.checkState(given, true);
    if ("error" in checked) return checked;
    // The turn's own copy: the state object and its stack; frames and their `vars` are copied when the turn changes them.
    const { version, session, conversation, status, turn, context, stack, pending } = checked;
    // One literal per layout, the common one with the fields in `begin`'s order: a state object has one shape in V8.
    const state: SessionState =
      conversation === undefined
        ? { version, session, status, turn, context, stack: stack.slice(), pending }
        : { version, session, conversation, status, turn, context, stack: stack.slice(), pending };
    ownTop(state.stack);
    const limit = this.rt.limits.stateSize;
    if (state.status !== "waiting") return refused(given, "session-ended", `the session has ${state.status === "handoff" ? "been handed off" : state.status === "error" ? "ended with an error" : "ended"}`);
    let redeploy: RedeployReport | undefined;
    if (state.version !== this.bundle.version) {
      const unrecorded = state.stack.findIndex((frame) => frame.step === undefined);
      if (unrecorded >= 0) {
        return refused(given, "bundle-version", `the state belongs to bundle version ${JSON.stringify(state.version.slice(0, 40))} and records no step for stack[${unrecorded}], so it cannot be moved to bundle version ${JSON.stringify(this.bundle.version)}`);
      }
      const migration = migrateState(state.stack, state.version, this.bundle);
      if (!migration.ok) return refused(given, "bundle-version", `cannot move the session to the new bundle: ${migration.message}`, { flow: migration.flow, step: migration.step });
      state.stack = migration.stack;
      state.pending = null;
      state.version = this.bundle.version;
      redeploy = migration.report;
    }
    if (options.context !== undefined) {
      const context = this.copyContext(options.context);
      if (typeof context === "string") return refused(given, "invalid-input", context);
      state.context = context;
      const size = stateSize(state);
      if (size > limit) return refused(given, "invalid-input", `with this context the session state would be ${size} characters of JSON, over limits.stateSize (${limit})`);
    }
    state.turn += 1;
    return redeploy ? { state, redeploy } : { state };
  }

  /**
   * Validates a state and returns it, or a refusal naming what is wrong. A
   * state this engine issued is trusted as it is (frozen, unchanged). Any
   * other is copied (`copyJson` detaches it and refuses what is not JSON),
   * checked against `STATE`, and, when of this bundle's version, against
   * the bundle (flows, pcs, variables, steps, result variables, the pending
   * question, its retries and deadline); one of another version
   * only for its shape, and only when `otherVersions` (`resume` moves it;
   * `evaluate` refuses it).
   */
  private checkState(given: unknown, otherVersions: boolean): SessionState | RefusedTurn {
    if (typeof given === "object" && given !== null && this.rt.issued.has(given)) return given as SessionState;
    const limit = this.rt.limits.stateSize;
    const invalid = (detail: string): RefusedTurn => refused(given, "invalid-state", `invalid session state: ${detail}`);
    let state: SessionState;
    try {
      // A state under the size cap has fewer values than characters: the budget bounds copying whatever the host passes.
      state = copyJson(given, limit + STATE_SIZE_SLACK) as unknown as SessionState;
      check(state, STATE, "$");
    } catch (error) {
      if (error instanceof BundleError) return invalid(`${error.path}: ${error.detail}`);
      return invalid(error instanceof JsonError && /too many values/.test(error.detail) ? `larger than limits.stateSize (${limit} characters of JSON)` : "not JSON");
    }
    const { stack, pending = null } = state;
    state.pending = pending;
    const size = stateSize(state);
    if (size > limit + STATE_SIZE_SLACK) return invalid(`${size} characters of JSON, over limits.stateSize (${limit})`);
    if (stack.length === 0 || stack.length > this.rt.limits.stackDepth) return invalid("bad flow stack");
    if (state.version !== this.bundle.version) {
      return otherVersions ? state : refused(given, "bundle-version", `the state belongs to bundle version ${JSON.stringify(state.version.slice(0, 40))}, this engine runs ${JSON.stringify(this.bundle.version)}`);
    }
    for (let i = 0; i < stack.length; i++) {
      const frame = stack[i];
      const at = `stack[${i}]`;
      const flow = lookup(this.bundle.flows, frame.flow);
      if (!flow || frame.pc >= flow.code.length) return invalid(`${at} is not a position in this bundle`);
      // Only what the engine writes: the flow's own variables, a step of the flow, and a variable of the caller (none for the bottom frame).
      const stray = Object.keys(frame.vars).find((name) => !variablesOf(flow).has(name));
      if (stray !== undefined) return invalid(`${pathKey(`${at}.vars`, stray)}: flow '${frame.flow}' has no such variable`);
      if (frame.step !== undefined && frame.step !== "" && !hasOwn(flow.steps, frame.step)) return invalid(`${at}.step: flow '${frame.flow}' has no step ${describe(frame.step)}`);
      if (frame.resultVar !== null && (i === 0 || !variablesOf(lookup(this.bundle.flows, stack[i - 1].flow)!).has(frame.resultVar))) {
        return invalid(`${at}.resultVar: ${i === 0 ? "expected null (no caller)" : `flow '${stack[i - 1].flow}' has no variable ${describe(frame.resultVar)}`}`);
      }
      // A variable must have the type the flow declares for it (its value may have been edited in storage).
      const problem = conformDeclared(frame.vars, flow.vars, `${at}.vars`);
      if (problem !== undefined) return invalid(problem);
    }
    const top = stack[stack.length - 1];
    const question = this.bundle.flows[top.flow].code[top.pc] as Question;
    if (pending === null) {
      if (state.status === "waiting") return invalid("waiting without a pending question");
    } else if (pending.pc !== top.pc || !["ask", "askFrom", "choose"].includes(question.op)) {
      return invalid("the pending question does not point at a question");
    } else if (question.op === "askFrom" && !(pending.options?.length && pending.values?.length === pending.options.length)) {
      return invalid("the pending question's options are missing");
    } else if (pending.retries > question.invalid.retries) {
      return invalid(`pending.retries: expected at most ${question.invalid.retries}, found ${pending.retries}`);
    } else if (pending.deadline !== null && !isIsoTime(pending.deadline)) {
      return invalid(`pending.deadline: expected an ISO time or null, found ${describe(pending.deadline)}`);
    }
    return state;
  }
}

/** A state checked by `resume`, and what moving it from another bundle version did. */
interface Resumed {
  state: SessionState;
  redeploy?: RedeployReport;
}

/** Makes the top frame of a turn's stack the turn's own (a frame of an issued state is frozen). */
function ownTop(stack: Frame[]): void {
  const top = stack.length - 1;
  const frame = stack[top];
  if (top < 0 || !Object.isFrozen(frame)) return;
  // Field by field, not a spread: spreading a frozen object takes V8's slow path, and this runs on every turn.
  const copy: Frame = { flow: frame.flow, pc: frame.pc, vars: frame.vars, resultVar: frame.resultVar };
  if (frame.step !== undefined) copy.step = frame.step;
  if (frame.types !== undefined) copy.types = frame.types;
  stack[top] = copy;
}

/**
 * Sizes of `vars` objects (a frame's variables), kept by a turn. A turn
 * changes a frame's `vars` in place, so `assign` keeps the entry of the
 * object it changes up to date instead of walking every variable again.
 */
type VarsSizes = Map<object, number>;

function varsSize(vars: JsonObject, sizes?: VarsSizes): number {
  let size = sizes?.get(vars);
  if (size === undefined) {
    size = containerSize(vars);
    sizes?.set(vars, size);
  }
  return size;
}

/**
 * The size of a state's JSON text, exactly `JSON.stringify(state).length`,
 * for the fields a state has (`normalized`). Values and `types` records are
 * never changed once made, so `sizeOf` caches them; `vars` go through
 * `varsSize`; the rest is a few numbers and short strings.
 */
export function stateSize(state: SessionState, sizes?: VarsSizes): number {
  // `{"version":,"session":,"status":,"turn":,"context":,"stack":,"pending":}`: 72 characters, then `[` `]` and a comma between frames.
  let size = 72 + stringSize(state.version) + stringSize(state.session) + stringSize(state.status) + String(state.turn).length + sizeOf(state.context);
  // `,"conversation":`: 16 characters.
  if (state.conversation !== undefined) size += 16 + stringSize(state.conversation);
  // A pending question is new at each question: walked afresh, its options (immutable) through the cache.
  size += state.pending === null ? 4 : containerSize(state.pending);
  const stack = state.stack;
  size += stack.length + 1;
  for (let i = 0; i < stack.length; i++) {
    const frame = stack[i];
    // `{"flow":,"pc":,"vars":,"resultVar":}`: 36 characters.
    size += 36 + stringSize(frame.flow) + String(frame.pc).length + varsSize(frame.vars, sizes) + (frame.resultVar === null ? 4 : stringSize(frame.resultVar));
    if (frame.step !== undefined) size += 8 + stringSize(frame.step);
    if (frame.types !== undefined) size += 9 + sizeOf(frame.types);
  }
  return size;
}

/**
 * The id of a conversation that starts now: the start time in milliseconds,
 * base 36, by the engine's clock. A contact's conversations start one after
 * another, so it tells them apart in idempotency keys; an injected clock
 * keeps runs reproducible (`fluxo test`, a host replaying a start).
 */
function conversationId(now: () => Date): string {
  let time = NaN;
  try {
    const date = now();
    if (date instanceof Date) time = date.getTime();
  } catch {
    // A clock that throws fails the turn's first question, not the start.
  }
  return (Number.isFinite(time) && time >= 0 ? time : Date.now()).toString(36);
}

/**
 * Conforms, in place, each field of `record` that `types` declares (`conform`:
 * a record value loses fields its type does not have); fields it does not
 * declare are left as they are. Returns what does not fit, at `at.field`, or
 * undefined.
 */
function conformDeclared(record: JsonObject, types: Record<string, TypeJson>, at: string): string | undefined {
  for (const name of Object.keys(record)) {
    const type = getOwn(types, name) as TypeJson | undefined;
    if (type === undefined) continue;
    const checked = conform(record[name], type, `${at}.${name}`);
    if (!checked.ok) return `${checked.path}: expected ${checked.expected}`;
    setOwn(record, name, checked.value);
  }
  return undefined;
}

/** Whether `text` is a time as `toISOString` writes it: what `deadline` stores, and what hosts read back with `Date.parse` to schedule a timeout. */
function isIsoTime(text: string): boolean {
  const time = Date.parse(text);
  return Number.isFinite(time) && new Date(time).toISOString() === text;
}

/** Per flow, the names a frame of it may hold: its parameters, its declared variables, and every variable its code assigns (a hand-written bundle may not declare them all). */
const flowVariables = new WeakMap<FlowJson, Set<string>>();

function variablesOf(flow: FlowJson): Set<string> {
  let names = flowVariables.get(flow);
  if (!names) {
    names = new Set([...flow.params.map((param) => param.name), ...Object.keys(flow.vars)]);
    for (const ins of flow.code) if ("var" in ins && ins.var !== null) names.add(ins.var);
    flowVariables.set(flow, names);
  }
  return names;
}

function defaultValue(param: ParamJson): Json | undefined {
  if (hasOwn(param, "default")) return copyJson(param.default);
  return acceptsNull(param.type) ? null : undefined;
}

// ------------------------------------------------------------ one turn

interface Runtime {
  options: EngineOptions;
  limits: Required<EngineLimits>;
  random: () => number;
  /** Secrets long enough to redact from messages (4 characters or more). */
  secretValues: string[];
  env: BuiltinEnv;
  /** How messages show a value (`showInMessage` in the bundle's locale). */
  show: (value: Json) => string;
  /** The engine's issued states (`result` adds each state it returns). */
  issued: WeakSet<object>;
}

/** A scope the turn keeps and points at the current frame's variables before each evaluation (no allocation per expression). */
interface TurnScope {
  vars: Readonly<Record<string, unknown>>;
  context: unknown;
  env: BuiltinEnv;
  show: (value: Json) => string;
}

/** Per question instruction: its options' labels, and each option's texts normalised (label then aliases), for `chooseNormalized`. */
const questionOptions = new WeakMap<object, { labels: string[]; texts: string[][] }>();

function optionsOf(question: Extract<Instruction, { op: "choose" }>): { labels: string[]; texts: string[][] } {
  let known = questionOptions.get(question);
  if (!known) {
    known = { labels: question.options.map((o) => o.label), texts: question.options.map((o) => [o.label, ...o.match].map(normalizeText)) };
    questionOptions.set(question, known);
  }
  return known;
}

type Outcome = { ok: true; value: Json } | { ok: false; reason: string };

/**
 * One turn over a state the turn owns (a copy). `begin`, `answer` and
 * `timeOut` are the three ways into it; `execute` runs instructions until the
 * flow waits or leaves; `result` packages the new state and the events.
 */
class TurnRun {
  private readonly events: FlowEvent[] = [];
  private steps = 0;
  private calls = 0;
  private readonly locale: Locale;
  private readonly scopeNow: TurnScope;
  private readonly varsSizes: VarsSizes = new Map();

  constructor(
    private readonly bundle: Bundle,
    private readonly rt: Runtime,
    private readonly state: SessionState,
  ) {
    this.locale = bundle.locale;
    this.scopeNow = { vars: {}, context: state.context, env: rt.env, show: rt.show };
  }

  /** The turn's outcome. The state is frozen whole and remembered as issued: the host gets immutable JSON. */
  result(redeploy?: RedeployReport): AppliedTurn {
    const state = this.state;
    // Frozen field by field: the state's own containers are never frozen yet, a frame or value already frozen is skipped whole.
    for (const frame of state.stack) {
      if (Object.isFrozen(frame)) continue;
      freezeJson(frame.vars);
      freezeJson(frame.types);
      Object.freeze(frame);
    }
    Object.freeze(state.stack);
    freezeJson(state.pending);
    freezeJson(state.context);
    Object.freeze(state);
    this.rt.issued.add(state);
    const turn: AppliedTurn = { state, events: this.events, status: state.status };
    if (redeploy) turn.redeploy = redeploy;
    return turn;
  }

  // The ways into a turn (`execute`, `answer`, `timeOut`) return a promise only when the turn awaits an action: a turn without one runs without a microtask per step.

  answer(text: string): void | Promise<void> {
    return this.guard(() => {
      const question = this.instruction() as Question;
      const pending = this.state.pending!;
      const frame = this.frame();
      let accepted: { value: Json; to: number } | undefined;
      if (text.length <= this.rt.limits.replyLength) {
        if (question.op === "choose") {
          const index = chooseNormalized(text, optionsOf(question).texts);
          if (index >= 0) accepted = { value: null, to: question.options[index].then };
        } else {
          let value: Json | undefined;
          if (question.op === "ask") {
            const parsed = parseReply(text, question.input, this.locale);
            if (parsed.ok) value = parsed.value;
          } else {
            const index = chooseOption(text, pending.options!.map((label) => [label]));
            if (index >= 0) value = pending.values![index];
          }
          if (value !== undefined && (question.validate === null || this.validate(question, value))) accepted = { value, to: frame.pc + 1 };
        }
      }
      if (accepted) {
        if (question.op !== "choose") this.assign(frame, question.var, accepted.value);
        this.state.pending = null;
        frame.pc = accepted.to;
        return true;
      }
      if (pending.retries < question.invalid.retries) {
        const message = question.invalid.message === null ? defaultInvalidMessage(this.locale) : this.text(question.invalid.message);
        this.events.push({ type: "say", text: message });
        this.ask(question, { ...pending, retries: pending.retries + 1 });
        return false;
      }
      this.state.pending = null;
      return this.arm(question.invalid.then, "invalid");
    });
  }

  timeOut(): void | Promise<void> {
    return this.guard(() => {
      const question = this.instruction() as Question;
      this.state.pending = null;
      return this.arm(question.timeout!.then, "timeout");
    });
  }

  // ---------------------------------------------------------- helpers

  private frame(): Frame {
    return this.state.stack[this.state.stack.length - 1];
  }

  private flow(): FlowJson {
    return this.bundle.flows[this.frame().flow];
  }

  private instruction(): Instruction {
    return this.flow().code[this.frame().pc];
  }

  private scope(vars: JsonObject): Scope {
    return { ...this.scopeNow, vars };
  }

  private value(expr: unknown): Json {
    const scope = this.scopeNow;
    scope.vars = this.frame().vars;
    return evaluate(expr, scope);
  }

  private text(expr: unknown): string {
    const value = this.value(expr);
    return typeof value === "string" ? value : showInMessage(value, this.locale);
  }

  private position(): string {
    const frame = this.frame();
    const entry = this.flow().map[frame.pc];
    if (!entry) return `${frame.flow}:${frame.pc}`;
    return `${this.bundle.sources[entry[0]] ?? "?"}:${entry[1]}:${entry[2]}`;
  }

  /** The current frame's variables with `name` bound to `value`, as a new object (the frame is not touched). */
  private bound(name: string, value: Json): JsonObject {
    // Spreading defines own data properties, so a variable named `__proto__` is copied as a variable.
    const vars: JsonObject = { ...this.frame().vars };
    setOwn(vars, name, value);
    return vars;
  }

  /** `validate` with the variable bound to the candidate value; the binding is undone afterwards. */
  private validate(question: Extract<Question, { op: "ask" | "askFrom" }>, value: Json): boolean {
    const result = evaluate(question.validate, this.scope(this.bound(question.var, value)));
    if (typeof result !== "boolean") throw new FlowError("expression", "validate must give a boolean");
    return result;
  }

  /** Runs a question's `invalid`/`timeout` arm, or ends with `reason` when it has none. Returns whether execution continues. */
  private arm(then: number | null, reason: "invalid" | "timeout"): boolean {
    if (then === null) {
      this.end(reason);
      return false;
    }
    this.frame().pc = then;
    return true;
  }

  private end(reason: EndReason): void {
    this.events.push({ type: "end", reason });
    this.state.status = "ended";
    this.state.pending = null;
  }

  private fail(code: FlowErrorCode, message: string): void {
    this.events.push({ type: "error", code, message: this.redact(message), at: this.position() });
    this.events.push({ type: "end", reason: code === "limit" ? "limit" : "error" });
    this.state.status = "error";
    this.state.pending = null;
  }

  /**
   * Assigns a variable of `frame`, unless that would make the state larger
   * than `limits.stateSize`: then the assignment is undone and the flow
   * fails with code `limit`.
   */
  private assign(frame: Frame, name: string, value: Json): void {
    const sizes = this.varsSizes;
    let vars = frame.vars;
    if (Object.isFrozen(vars)) {
      // Copy on write: the variables of an issued state are frozen.
      const copy = { ...vars };
      const known = sizes.get(vars);
      if (known !== undefined) sizes.set(copy, known);
      frame.vars = vars = copy;
    }
    const before = varsSize(vars, sizes);
    const had = hasOwn(vars, name);
    const previous = vars[name];
    setOwn(vars, name, value);
    sizes.set(vars, had ? before - sizeOf(previous) + sizeOf(value) : before + (before > 2 ? 1 : 0) + stringSize(name) + 1 + sizeOf(value));
    if (stateSize(this.state, sizes) <= this.rt.limits.stateSize) return;
    if (had) setOwn(vars, name, previous);
    else delete vars[name];
    sizes.set(vars, before);
    throw new FlowError("limit", `assigning '${name}' would make the session state larger than limits.stateSize (${this.rt.limits.stateSize} characters of JSON)`);
  }

  /** Fails with code `limit` when the state is over `limits.stateSize` (after `undo`, which takes back the change that grew it). */
  private checkSize(what: string, undo: () => void): void {
    const size = stateSize(this.state, this.varsSizes);
    if (size <= this.rt.limits.stateSize) return;
    undo();
    throw new FlowError("limit", `${what} would make the session state ${size} characters of JSON, over limits.stateSize (${this.rt.limits.stateSize})`);
  }

  private redact(message: string): string {
    return maskText(message, this.rt.secretValues);
  }

  /** Runs `step`; continues executing when it returns true. Any error becomes an `error` event. */
  private guard(step: () => boolean): void | Promise<void> {
    let proceed: boolean;
    try {
      proceed = step();
    } catch (error) {
      this.failWith(error);
      return;
    }
    if (proceed) return this.execute();
  }

  private failWith(error: unknown): void {
    if (error instanceof FlowError) this.fail(error.code, error.message);
    else this.fail("internal", `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** Sends a question (first time or a retry) and waits. */
  private ask(question: Question, pending: PendingQuestion): void {
    let options: string[] | undefined;
    if (question.op === "choose") options = optionsOf(question).labels;
    else if (question.op === "askFrom") options = pending.options;
    else if (question.input.type === "choice") options = question.input.options;
    const prompt = this.text(question.prompt);
    const input: { type: string; options?: string[] } = { type: question.op === "ask" ? question.input.type : "choice" };
    if (options) input.options = [...options];
    const deadline = question.timeout === null ? null : this.deadline(question.timeout.ms);
    // What a redeploy needs to move this state: the step of each frame (a caller's is where its `run` is) and its variables' types.
    // A frozen frame is one an issued state recorded and this turn has not touched (a caller waiting for its subflow): its record still holds.
    const stack = this.state.stack;
    for (let i = 0; i < stack.length; i++) {
      const frame = stack[i];
      if (Object.isFrozen(frame)) continue;
      const flow = this.bundle.flows[frame.flow];
      frame.step = stepAt(flow, i === stack.length - 1 ? frame.pc : frame.pc - 1);
      frame.types = frameTypes(flow, frame.vars, frame.types);
    }
    const before = this.state.pending;
    const next: PendingQuestion = { pc: this.frame().pc, retries: pending.retries, deadline };
    if (pending.options) {
      next.options = pending.options;
      next.values = pending.values;
    }
    this.state.pending = next;
    this.checkSize("asking this question", () => (this.state.pending = before));
    this.events.push({ type: "ask", prompt, input, retry: pending.retries });
    this.state.status = "waiting";
  }

  private deadline(ms: number): string {
    const now = this.rt.env.now();
    const time = now instanceof Date ? now.getTime() : NaN;
    if (!Number.isFinite(time)) throw new FlowError("expression", "the clock returned an invalid date");
    const deadline = new Date(time + ms);
    if (Number.isNaN(deadline.getTime())) throw new FlowError("expression", "the question's deadline is out of range");
    return deadline.toISOString();
  }

  /** Starts a question. Returns whether execution continues (an `ask … from` an empty list goes straight to its invalid arm). */
  private startQuestion(question: Question): boolean {
    if (question.op !== "askFrom") {
      this.ask(question, { pc: this.frame().pc, retries: 0, deadline: null });
      return false;
    }
    const list = this.value(question.list);
    if (!Array.isArray(list)) throw new FlowError("expression", "ask … from needs a list");
    if (list.length === 0) return this.arm(question.invalid.then, "invalid");
    const labels = list.map((element) => {
      if (question.label === null) return typeof element === "string" ? element : showInMessage(element, this.locale);
      const label = evaluate(question.label, this.scope(this.bound(question.var, element)));
      return typeof label === "string" ? label : showInMessage(label, this.locale);
    });
    this.ask(question, { pc: this.frame().pc, retries: 0, deadline: null, options: labels, values: list });
    return false;
  }

  /** Runs instructions until the flow waits, ends, hands off or fails. */
  execute(): void | Promise<void> {
    try {
      for (;;) {
        if (++this.steps > this.rt.limits.stepsPerTurn) {
          this.fail("limit", `more than ${this.rt.limits.stepsPerTurn} steps in one turn without waiting for a reply`);
          return;
        }
        const trace = this.rt.options.trace;
        if (trace) {
          try {
            trace(this.frame().flow, this.frame().pc);
          } catch {
            // Tracing must never change a conversation.
          }
        }
        const proceed = this.step();
        if (proceed === true) continue;
        if (proceed === false) return;
        return proceed.then(
          (go) => (go ? this.execute() : undefined),
          (error: unknown) => this.failWith(error),
        );
      }
    } catch (error) {
      this.failWith(error);
    }
  }

  /** Runs one instruction; returns whether to go on (a promise only for an action call). */
  private step(): boolean | Promise<boolean> {
    const frame = this.frame();
    const ins = this.instruction();
    switch (ins.op) {
      case "say":
        this.events.push({ type: "say", text: this.text(ins.text) });
        frame.pc++;
        return true;
      case "media": {
        const event: FlowEvent = { type: "media", kind: ins.kind, url: this.text(ins.url) };
        if (ins.caption !== null) event.caption = this.text(ins.caption);
        this.events.push(event);
        frame.pc++;
        return true;
      }
      case "wait":
        this.events.push({ type: "wait", ms: ins.ms });
        frame.pc++;
        return true;
      case "ask":
      case "askFrom":
      case "choose":
        return this.startQuestion(ins);
      case "set":
        this.assign(frame, ins.var, this.value(ins.value));
        frame.pc++;
        return true;
      case "call":
        return this.call(ins);
      case "run":
        return this.run(ins);
      case "jump":
        frame.pc = ins.to;
        return true;
      case "branch": {
        const cond = this.value(ins.cond);
        if (typeof cond !== "boolean") throw new FlowError("expression", "a condition must be a boolean");
        frame.pc = cond ? frame.pc + 1 : ins.else;
        return true;
      }
      case "match": {
        const subject = this.value(ins.subject);
        const arm = ins.cases.find((c) => c.values.some((v) => jsonEqual(v, subject)));
        frame.pc = arm ? arm.to : ins.else;
        return true;
      }
      case "random": {
        const r = this.rt.random();
        if (typeof r !== "number" || !(r >= 0 && r < 1)) throw new FlowError("expression", `the random source gave ${String(r)}, expected a number in [0, 1)`);
        const total = ins.arms.reduce((sum, arm) => sum + arm.weight, 0);
        const target = r * total;
        let sum = 0;
        let chosen = ins.arms.filter((arm) => arm.weight > 0).pop()!;
        for (const arm of ins.arms) {
          sum += arm.weight;
          if (target < sum) {
            chosen = arm;
            break;
          }
        }
        frame.pc = chosen.to;
        return true;
      }
      case "end":
        this.end("done");
        return false;
      case "handoff": {
        const event: FlowEvent = { type: "handoff" };
        if (ins.department !== null) event.department = this.text(ins.department);
        this.events.push(event);
        this.state.status = "handoff";
        this.state.pending = null;
        return false;
      }
      case "return": {
        const value = ins.value === null ? null : this.value(ins.value);
        if (this.state.stack.length === 1) {
          this.end("done");
          return false;
        }
        const callee = this.state.stack.pop()!;
        ownTop(this.state.stack);
        if (callee.resultVar !== null) this.assign(this.frame(), callee.resultVar, value);
        return true;
      }
      default: {
        const never: never = ins;
        throw new FlowError("internal", `unknown instruction ${JSON.stringify((never as { op: unknown }).op)}`);
      }
    }
  }

  private run(ins: Extract<Instruction, { op: "run" }>): boolean {
    const callee = lookup(this.bundle.flows, ins.flow);
    if (!callee) throw new FlowError("params", `unknown flow '${ins.flow}'`);
    if (this.state.stack.length >= this.rt.limits.stackDepth) throw new FlowError("limit", `subflows nested deeper than ${this.rt.limits.stackDepth}`);
    const args = ins.args.map((arg) => this.value(arg));
    const vars: JsonObject = {};
    callee.params.forEach((param, i) => {
      const value = i < args.length ? args[i] : defaultValue(param);
      if (value === undefined) throw new FlowError("params", `flow '${ins.flow}' needs the parameter '${param.name}'`);
      setOwn(vars, param.name, value);
    });
    this.frame().pc++;
    this.state.stack.push({ flow: ins.flow, pc: entryPc(callee), vars, resultVar: ins.var });
    this.checkSize(`running flow '${ins.flow}'`, () => {
      this.state.stack.pop();
      this.frame().pc--;
    });
    return true;
  }

  private async call(ins: Extract<Instruction, { op: "call" }>): Promise<boolean> {
    const action = lookup(this.bundle.actions, ins.action);
    if (!action) throw new FlowError("action", `unknown action '${ins.action}'`);
    const args = ins.args.map((arg) => this.value(arg));
    this.calls += 1;
    const { session, conversation, turn } = this.state;
    const key = conversation === undefined ? `${session}:${turn}:${this.calls}` : `${session}:${conversation}:${turn}:${this.calls}`;
    const outcome = await this.invoke(ins.action, action, args, key);
    this.events.push({ type: "action", name: ins.action, args: args.map((a) => copyJson(a)), ok: outcome.ok });
    const frame = this.frame();
    if (outcome.ok) {
      if (ins.var !== null) this.assign(frame, ins.var, outcome.value);
      frame.pc++;
      return true;
    }
    if (ins.else !== null) {
      frame.pc = ins.else;
      return true;
    }
    this.fail("action", `action '${ins.action}' failed: ${outcome.reason}`);
    return false;
  }

  /** Calls a handler (or performs an HTTP action) under the action's timeout and checks the result. Never throws. */
  private async invoke(name: string, action: ActionJson, args: Json[], idempotencyKey: string): Promise<Outcome> {
    const handlers = this.rt.options.actions;
    const handler = handlers && hasOwn(handlers, name) ? getOwn(handlers, name) : undefined;
    if (typeof handler !== "function" && !action.http) return { ok: false, reason: `no handler for action '${name}'` };

    const controller = newAbortController();
    let cancelTimer = (): void => {};
    const timedOut = new Promise<Outcome>((resolve) => {
      cancelTimer = schedule(() => {
        controller.abort(new Error(`action '${name}' timed out`));
        resolve({ ok: false, reason: `timed out after ${action.timeoutMs} ms` });
      }, action.timeoutMs);
    });
    let work: Promise<unknown>;
    if (typeof handler === "function") {
      const context: ActionContext = {
        signal: controller.signal,
        session: { id: this.state.session, context: copyJson(this.state.context) as JsonObject },
        idempotencyKey,
      };
      const handlerArgs = args.map((a) => copyJson(a));
      work = (async () => (handler as ActionHandler)(...handlerArgs, context))();
    } else {
      work = performHttp({
        http: action.http!,
        action,
        args,
        scope: { context: this.state.context, env: { ...this.rt.env, secrets: this.rt.options.secrets ?? {} } },
        fetch: this.rt.options.fetch ?? globalFetch(),
        signal: controller.signal,
        maxBytes: this.rt.limits.responseSize,
      });
    }
    const settled = work.then(
      (value): { ok: true; raw: unknown } => ({ ok: true, raw: value }),
      (error: unknown): Outcome => ({ ok: false, reason: this.describeFailure(error) }),
    );
    const outcome = await Promise.race([settled, timedOut]);
    cancelTimer();
    if (!outcome.ok) return outcome;
    if (!("raw" in outcome)) return outcome;
    if (action.result === null) return { ok: true, value: null };
    const checked = conform(outcome.raw, action.result, "result");
    if (!checked.ok) return { ok: false, reason: `the result does not match the declared type at ${checked.path}: expected ${checked.expected}` };
    return checked;
  }

  private describeFailure(error: unknown): string {
    if (error instanceof ActionFailure) return error.message;
    let message = "threw a value that is not an Error";
    try {
      if (error instanceof Error) message = `threw: ${String(error.message)}`;
    } catch {
      message = "threw an unreadable error";
    }
    // Redacted first, then shortened: a cut through a secret would leave its start, which no redaction could find.
    // A long message is first cut to MESSAGE_SCAN characters (redacting megabytes for 200 is waste), less any end
    // that begins a secret (the start of an occurrence the cut went through).
    if (message.length > MESSAGE_SCAN) {
      message = message.slice(0, MESSAGE_SCAN);
      let cut = 0;
      for (const secret of this.rt.secretValues) for (let k = secret.length - 1; k > cut; k--) if (message.endsWith(secret.slice(0, k))) cut = k;
      message = message.slice(0, message.length - cut);
    }
    message = this.redact(message);
    return message.length > 200 ? `${message.slice(0, 200)}…` : message;
  }
}

/**
 * Creates an engine for a bundle. A bundle that did not come from
 * `loadBundle` (for example one embedded in a generated TypeScript module) is
 * validated here, so this throws `BundleError` for a malformed one. It
 * throws `TypeError`/`RangeError` for a limit that is not a positive integer.
 * The engine keeps no session data: every call takes a state and returns a new
 * one.
 */
export function createEngine(bundle: Bundle, options: EngineOptions = {}): Engine {
  return new FlowEngine(isLoaded(bundle) ? bundle : loadBundle(bundle), options);
}
