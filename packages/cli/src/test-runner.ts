//! Runs `test` blocks (LANGUAGE §7) against a bundle with the runtime's
//! engine: mocks become action handlers, `clock`/`seed` the injected time and
//! random source, and the test walks the run's events with a cursor.
//!
//! The runner takes a bundle, not a program, so the same tests run against a
//! bundle lowered in memory and against a `flows.json` written by
//! `fluxo build` (LANGUAGE §7, RUNTIME §1).

import type { TestCase, TestStep } from "@fluxo/compiler";
import type { Bundle, Expr } from "@fluxo/runtime/bundle";
import { createEngine, evaluate, showInMessage, type Engine, type Event, type Turn } from "@fluxo/runtime";

export interface TestFailure {
  message: string;
  /** Where the failing statement is (the test's header only when no statement failed: something left unexpected at its end). */
  at: TestStep["at"];
  /**
   * The transcripts, aligned row by row: `expected[i]` is the expectation
   * (rendered from source) that was checked against the event `actual[i]`,
   * or "" for an event no expectation was about (a skipped `action`/`wait`,
   * or an unexpected message). An `expect expr`, and an expectation that
   * found no event, has "" as its actual. The expected column holds the
   * expectations met so far and the failing one; the actual column every
   * event of the run, `action` and `wait` included.
   */
  expected: string[];
  actual: string[];
  /**
   * Index of the first row that differs: the failing expectation, or a
   * message event no expectation accounted for (skipped `action` and `wait`
   * events never differ, LANGUAGE §7). `expected.length` when no row differs
   * (say, the engine refused a `timeout`).
   */
  difference: number;
}

export interface TestResult {
  test: TestCase;
  passed: boolean;
  failure?: TestFailure;
  durationMs: number;
}

/** Program points a run reached, per flow (for `--coverage`). */
export type Coverage = Map<string, Set<number>>;

const defaultClock = "2026-01-01T12:00:00Z";
const messageEvents = new Set(["say", "media", "ask", "handoff", "end", "error"]);

/** Deterministic random source for `seed N` (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Renders an event as one transcript line. */
export function renderEvent(event: Event): string {
  switch (event.type) {
    case "say":
      return `say ${JSON.stringify(event.text)}`;
    case "media":
      return `media ${event.kind} ${JSON.stringify(event.url)}${event.caption !== undefined ? ` caption ${JSON.stringify(event.caption)}` : ""}`;
    case "ask":
      return `ask ${JSON.stringify(event.prompt)}${event.input.options ? ` options ${event.input.options.map((o) => JSON.stringify(o)).join(", ")}` : ""}${event.retry > 0 ? ` (retry ${event.retry})` : ""}`;
    case "wait":
      return `wait ${event.ms}ms`;
    case "action":
      return `action ${event.name}(${event.args.map((a) => JSON.stringify(a)).join(", ")})${event.ok ? "" : " failed"}`;
    case "handoff":
      return `handoff${event.department !== undefined ? ` to ${JSON.stringify(event.department)}` : ""}`;
    case "end":
      return `end ${JSON.stringify(event.reason)}`;
    case "error":
      return `error ${event.code}: ${event.message}`;
    default:
      return JSON.stringify(event);
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => deepEqual(x, other[i]));
  }
  const keysA = Object.keys(a as object);
  const keysB = Object.keys(b as object);
  return keysA.length === keysB.length && keysA.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

class Failure extends Error {
  /**
   * @param step the statement that failed; undefined for the end of the test
   * @param compared for a failing expectation, the index of the event it was
   * checked against, or null when it found none
   */
  constructor(
    message: string,
    readonly step: TestStep | undefined,
    readonly compared?: number | null,
  ) {
    super(message);
  }
}

/** An expectation met by the run: the event it matched, or, for `expect expr`, the cursor it was evaluated at. */
interface MetExpectation {
  text: string;
  event: number | null;
  cursor: number;
}

/** The expectation as written, on one line (as events render: `f(a, b)`), without `expect`. */
function expectationText(step: TestStep): string {
  return step.source
    .replace(/^expect\s+/, "")
    .replace(/([([{])\s*\n\s*/g, "$1")
    .replace(/,?\s*\n\s*([)\]}])/g, "$1")
    .replace(/\s*\n\s*/g, " ");
}

interface Mock {
  action: string;
  args: unknown[] | null;
  result: { returns: unknown } | { fails: true } | null;
}

/** Runs one test. Never throws: problems become a failed result. */
export async function runTest(bundle: Bundle, test: TestCase, coverage?: Coverage): Promise<TestResult> {
  const started = Date.now();
  let clock = new Date(defaultClock);
  let random = seededRandom(0);
  let context: unknown = {};
  const mocks: Mock[] = [];
  /** Calls no mock matched, with the mock that would match them (LANGUAGE §7: `returns` only for an action with a result). */
  const unmocked: { call: string; mock: string }[] = [];
  const events: Event[] = [];
  const met: MetExpectation[] = [];
  let cursor = 0;
  let turn: Turn | undefined;
  let startedFlow: string | undefined;

  const env = { locale: bundle.locale, timeZone: bundle.timeZone, now: () => clock, secrets: null };
  const value = (expr: Expr, vars: Record<string, unknown> = {}): unknown =>
    // Interpolations show values as the flow's messages do (locale digits, yes/no words), so `expect say "{n}"` means what the flow says.
    evaluate(expr, { vars, context, env, show: (v) => showInMessage(v, bundle.locale) });

  // Every action of the bundle gets a handler that consults the mocks.
  const actions: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, action] of Object.entries(bundle.actions)) {
    actions[name] = (...all: unknown[]) => {
      const args = all.slice(0, action.params.length);
      for (let i = mocks.length - 1; i >= 0; i--) {
        const mock = mocks[i]!;
        if (mock.action !== name || (mock.args !== null && !deepEqual(mock.args, args))) continue;
        if (mock.result && "fails" in mock.result) throw new Error(`mock of ${name} fails`);
        return mock.result ? mock.result.returns : null;
      }
      if (action.standard) return null;
      unmocked.push({
        call: `${name}(${args.map((a) => JSON.stringify(a)).join(", ")})`,
        mock: `mock ${name}(…)${action.result === null ? "" : " returns …"}`,
      });
      throw new Error(`no mock for ${name}`);
    };
  }
  let engine: Engine | undefined;
  const getEngine = (): Engine => {
    engine ??= createEngine(bundle, {
      actions: actions as never,
      clock: () => clock,
      random: () => random(),
      ...(coverage ? { trace: (flow: string, pc: number) => coverageOf(coverage, flow).add(pc) } : {}),
    });
    return engine;
  };

  const record = (next: Turn, step: TestStep): void => {
    turn = next;
    events.push(...next.events);
    if (next.error) throw new Failure(`the engine refused the turn: ${next.error.message}`, step);
    if (unmocked.length > 0) throw new Failure(`call of action ${unmocked[0]!.call} has no mock (add: ${unmocked[0]!.mock})`, step);
  };
  const remainingMessage = (): Event | undefined => events.slice(cursor).find((e) => messageEvents.has(e.type));
  const ensureNothingUnexpected = (step: TestStep | undefined, what: string): void => {
    const left = remainingMessage();
    if (left) throw new Failure(`unexpected ${renderEvent(left)} before ${what}`, step);
  };
  const ended = (): boolean => turn !== undefined && turn.status !== "waiting";
  const nextMessage = (step: TestStep): Event => {
    while (cursor < events.length && !messageEvents.has(events[cursor]!.type)) cursor++;
    const event = events[cursor];
    if (!event) throw new Failure(`expected ${expectationText(step)}, but nothing more happened`, step, null);
    cursor++;
    return event;
  };
  const fail = (step: TestStep, event: Event): never => {
    throw new Failure(`expected ${expectationText(step)}, found ${renderEvent(event)}`, step, events.indexOf(event));
  };
  const startStep = (step: TestStep): void => {
    if (turn) throw new Failure("a test starts one conversation: start, trigger or event, once", step);
  };

  // The statement being run: a failure it causes is located there, also one not thrown as a `Failure`.
  let current: TestStep | undefined;
  /** Set once every statement ran: a failure then is about the end of the test, reported at its closing `}`. */
  let endOfTest = false;
  try {
    for (const step of test.steps) {
      current = step;
      switch (step.kind) {
        case "context":
          context = value(step.value);
          break;
        case "clock": {
          const text = value(step.value);
          const date = new Date(String(text));
          if (Number.isNaN(date.getTime())) throw new Failure(`invalid clock ${JSON.stringify(text)}`, step);
          clock = date;
          break;
        }
        case "seed":
          random = seededRandom(step.value);
          break;
        case "mock":
          mocks.push({
            action: step.action,
            args: step.args ? step.args.map((a) => value(a)) : null,
            result: step.result === null ? null : "fails" in step.result ? { fails: true } : { returns: value(step.result.returns) },
          });
          break;
        case "start": {
          startStep(step);
          const flow = bundle.flows[step.flow];
          if (!flow) throw new Failure(`the bundle has no flow '${step.flow}'`, step);
          const params: Record<string, unknown> = {};
          step.args.forEach((arg, i) => {
            const param = flow.params[i];
            if (param) params[param.name] = value(arg);
          });
          startedFlow = step.flow;
          record(await getEngine().start(step.flow, { params, context }), step);
          break;
        }
        case "trigger": {
          startStep(step);
          const text = String(value(step.text));
          const flow =
            getEngine().match(text) ?? Object.entries(bundle.flows).find(([, f]) => f.triggers.some((t) => "start" in t))?.[0];
          if (!flow) throw new Failure(`no flow matches ${JSON.stringify(text)} and no flow has 'trigger start'`, step);
          startedFlow = flow;
          record(await getEngine().start(flow, { params: {}, context }), step);
          break;
        }
        case "event": {
          startStep(step);
          const payload = step.payload ? value(step.payload) : {};
          const flow = Object.entries(bundle.flows).find(([, f]) => f.triggers.some((t) => "event" in t && t.event === step.name))?.[0];
          if (!flow) throw new Failure(`no flow has 'trigger event "${step.name}"'`, step);
          startedFlow = flow;
          record(await getEngine().startEvent(step.name, payload, { context }), step);
          break;
        }
        case "reply": {
          if (!turn) throw new Failure("reply before the conversation started", step);
          ensureNothingUnexpected(step, step.source);
          if (ended()) throw new Failure(`reply after the conversation ended (status ${turn.status})`, step);
          record(await getEngine().reply(turn.state, String(value(step.text)), { context }), step);
          break;
        }
        case "timeout": {
          if (!turn) throw new Failure("timeout before the conversation started", step);
          ensureNothingUnexpected(step, "timeout");
          if (ended()) throw new Failure(`timeout after the conversation ended (status ${turn.status})`, step);
          record(await getEngine().timeout(turn.state), step);
          break;
        }
        case "expectSay": {
          const event = nextMessage(step);
          const expected = String(value(step.text));
          if (event.type !== "say" || (step.contains ? !event.text.includes(expected) : event.text !== expected)) fail(step, event);
          break;
        }
        case "expectMedia": {
          const event = nextMessage(step);
          if (event.type !== "media" || event.url !== String(value(step.url))) fail(step, event);
          break;
        }
        case "expectAsk": {
          const event = nextMessage(step);
          if (event.type !== "ask") fail(step, event);
          if (event.type === "ask") {
            if (step.prompt && event.prompt !== String(value(step.prompt))) fail(step, event);
            if (step.options && !deepEqual(event.input.options ?? [], step.options.map((o) => String(value(o))))) fail(step, event);
          }
          break;
        }
        case "expectHandoff": {
          const event = nextMessage(step);
          if (event.type !== "handoff" || (step.department && event.department !== String(value(step.department)))) fail(step, event);
          break;
        }
        case "expectEnd": {
          const event = nextMessage(step);
          if (event.type !== "end" || (step.reason && event.reason !== String(value(step.reason)))) fail(step, event);
          break;
        }
        case "expectError": {
          const event = nextMessage(step);
          if (event.type !== "error") fail(step, event);
          break;
        }
        case "expectAction":
        case "expectWait": {
          const args = step.kind === "expectAction" && step.args ? step.args.map((a) => value(a)) : null;
          let found = false;
          while (cursor < events.length) {
            const event = events[cursor++]!;
            if (messageEvents.has(event.type)) throw new Failure(`expected ${expectationText(step)}, found ${renderEvent(event)} first`, step, cursor - 1);
            if (step.kind === "expectAction" && event.type === "action" && event.name === step.action && (args === null || deepEqual(event.args, args))) {
              found = true;
              break;
            }
            if (step.kind === "expectWait" && event.type === "wait" && event.ms === step.ms) {
              found = true;
              break;
            }
          }
          if (!found) throw new Failure(`expected ${expectationText(step)}, but it did not happen`, step, null);
          break;
        }
        case "expectCondition": {
          if (!turn || !startedFlow) throw new Failure("expect before the conversation started", step, null);
          const vars = rootVariables(turn);
          let result: unknown;
          try {
            result = value(step.condition, vars);
          } catch (error) {
            throw new Failure(`cannot evaluate ${expectationText(step)}: ${(error as Error).message}`, step, null);
          }
          if (result !== true) throw new Failure(`expected ${expectationText(step)} to be true`, step, null);
          break;
        }
        default: {
          const never: never = step;
          void never;
        }
      }
      // Reached only when the step passed: an expectation records what it matched.
      if (step.kind === "expectCondition") met.push({ text: expectationText(step), event: null, cursor });
      else if (step.kind.startsWith("expect")) met.push({ text: expectationText(step), event: cursor - 1, cursor });
    }
    current = undefined;
    endOfTest = true;
    ensureNothingUnexpected(undefined, "the end of the test");
    return { test, passed: true, durationMs: Date.now() - started };
  } catch (error) {
    const failure = error instanceof Failure ? error : new Failure(`internal error: ${(error as Error).message}`, current);
    const failing =
      failure.step && failure.compared !== undefined ? { text: expectationText(failure.step), event: failure.compared, cursor } : undefined;
    return {
      test,
      passed: false,
      failure: { message: failure.message, at: (failure.step ?? current)?.at ?? (endOfTest ? test.end : test.at), ...transcripts(events, met, failing) },
      durationMs: Date.now() - started,
    };
  }
}

/**
 * Lines up the expectations with the run's events, one row per event (in
 * order) and one per expectation that matched no event, placed where the
 * cursor stood when it was checked. The failing expectation sits on the row
 * of the event it was checked against.
 */
function transcripts(events: readonly Event[], met: readonly MetExpectation[], failing: MetExpectation | undefined): Pick<TestFailure, "expected" | "actual" | "difference"> {
  const expected: string[] = [];
  const actual: string[] = [];
  let difference = -1;
  const row = (left: string, right: string, differs: boolean): void => {
    if (differs && difference < 0) difference = expected.length;
    expected.push(left);
    actual.push(right);
  };
  const byEvent = new Map<number, MetExpectation>();
  for (const expectation of met) if (expectation.event !== null) byEvent.set(expectation.event, expectation);
  const floating = met.filter((e) => e.event === null);
  const floatingUpTo = (position: number): void => {
    while (floating.length > 0 && floating[0]!.cursor <= position) row(floating.shift()!.text, "", false);
  };
  for (let i = 0; i < events.length; i++) {
    floatingUpTo(i);
    if (failing?.event === null && failing.cursor <= i) {
      row(failing.text, "", true);
      failing = undefined;
    }
    const event = events[i]!;
    const matched = byEvent.get(i);
    if (matched) row(matched.text, renderEvent(event), false);
    else if (failing?.event === i) {
      row(failing.text, renderEvent(event), true);
      failing = undefined;
    } else row("", renderEvent(event), messageEvents.has(event.type));
  }
  floatingUpTo(Number.POSITIVE_INFINITY);
  if (failing) row(failing.text, "", true);
  return { expected, actual, difference: difference < 0 ? expected.length : difference };
}

/** Variables of the flow the test started (the bottom frame), also after the run ended. */
function rootVariables(turn: Turn): Record<string, unknown> {
  const state = turn.state as unknown as { stack?: { vars?: Record<string, unknown> }[]; vars?: Record<string, unknown> };
  return state.stack?.[0]?.vars ?? state.vars ?? {};
}

function coverageOf(coverage: Coverage, flow: string): Set<number> {
  let set = coverage.get(flow);
  if (!set) coverage.set(flow, (set = new Set()));
  return set;
}

/** Runs tests in order. */
export async function runTests(bundle: Bundle, tests: readonly TestCase[], coverage?: Coverage): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of tests) results.push(await runTest(bundle, test, coverage));
  return results;
}
