// Redeploys (RUNTIME §2): moving a waiting session from the bundle version
// its state was written by to the bundle an engine runs, and telling ahead
// of time what such a move would drop (`diffBundles`, for `fluxo diff`).
//
// A state is only ever moved by names, never by code positions (pcs mean
// nothing across versions). So that it can be, the engine records in every
// frame of a waiting state, each time it asks a question:
//
// - `step`: the name of the step the frame is in (`""` for the flow body):
//   the step whose entry pc is the greatest one not after the frame's
//   instruction (the compiler lays each step's code out contiguously after
//   the flow body, so this is the step the instruction was written in);
// - `types`: for each variable the frame holds, a fingerprint of its declared
//   type (`typeKey`): the primitive's name, or `#` and a 53-bit hash of the
//   type's canonical JSON (record fields and union members sorted). Short,
//   and equal exactly when the types are (up to hash collisions).
//
// Moving a state (`migrateState`): every frame, bottom to top, must name a
// flow and step that exist in the new bundle, or the move is refused naming
// the first that does not. The top frame resumes at the start of its step;
// a calling frame resumes right after its step's `run` of the called flow
// when the step has exactly one such `run` (so the subflow's result still
// arrives where it is expected), and otherwise at the start of its step
// (which runs the subflow again when the current one returns; its result is
// then discarded). A variable is kept when the new flow declares it with the
// same type fingerprint and its value conforms to that type; every other one
// is dropped and reported. The pending question is gone: the engine runs the
// resumed code until it asks again (the reply that brought the state in is
// not applied to a question it was not an answer to).

import type { Bundle, FlowJson, Instruction, TypeJson } from "./bundle.js";
import { getOwn, hasOwn, jsonEqual, setOwn, type JsonObject } from "./json.js";
import { conform, describeType } from "./types.js";

// ------------------------------------------------------------ fingerprints

/** 53-bit string hash (cyrb53, public domain): part of the state format, do not change. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * A type's JSON with record fields and union members in a fixed order: equal
 * texts, equal types. (A literal type's JSON is already canonical: a loaded
 * type object has exactly one key.)
 */
function canonical(type: TypeJson): string {
  if (typeof type === "string" || "literal" in type) return JSON.stringify(type);
  if ("list" in type) return `{"list":${canonical(type.list)}}`;
  if ("record" in type) {
    const fields = type.record;
    const parts = Object.keys(fields)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonical(getOwn(fields, name) as TypeJson)}`);
    return `{"record":{${parts.join(",")}}}`;
  }
  return `{"union":[${type.union.map(canonical).sort().join(",")}]}`;
}

const keys = new WeakMap<object, string>();

/** The fingerprint of a type recorded in states (`Frame.types`): its name for a primitive, else `#` + a hash of its canonical JSON. */
export function typeKey(type: TypeJson): string {
  if (typeof type === "string") return type;
  let key = keys.get(type);
  if (key === undefined) {
    key = `#${hash53(canonical(type)).toString(36)}`;
    keys.set(type, key);
  }
  return key;
}

// ------------------------------------------------------------ steps

/**
 * A flow's step entries, by pc, one per pc: where several names share a pc,
 * the first in bundle order (the sort is stable).
 */
const entries = new WeakMap<FlowJson, { pc: number; name: string }[]>();

function stepEntries(flow: FlowJson): { pc: number; name: string }[] {
  let list = entries.get(flow);
  if (!list) {
    list = Object.keys(flow.steps)
      .map((name) => ({ pc: getOwn(flow.steps, name) as number, name }))
      .sort((a, b) => a.pc - b.pc)
      .filter((entry, i, sorted) => i === 0 || sorted[i - 1].pc !== entry.pc);
    entries.set(flow, list);
  }
  return list;
}

/** The step an instruction belongs to: the step (or `""`, the flow body) with the greatest entry pc not after `pc`. */
export function stepAt(flow: FlowJson, pc: number): string {
  // Binary search for the first entry after `pc`: called for every frame at every question, on flows with thousands of steps.
  const list = stepEntries(flow);
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid].pc <= pc) low = mid + 1;
    else high = mid;
  }
  return low > 0 ? list[low - 1].name : "";
}

/** The code of a step: `[start, end)`, up to the next step's entry. Undefined when the flow has no such step. */
export function stepRegion(flow: FlowJson, name: string): [number, number] | undefined {
  const start = getOwn(flow.steps, name);
  if (typeof start !== "number") return undefined;
  return [start, stepEntries(flow).find((entry) => entry.pc > start)?.pc ?? flow.code.length];
}

/**
 * The `types` record of a frame: the fingerprint of each variable it holds
 * that its flow declares. `previous`, the frame's last record, is returned
 * when it is still right (the usual case: a question asked again with the
 * same variables), so the state keeps the same object and it is not measured
 * again.
 */
export function frameTypes(flow: FlowJson, vars: JsonObject, previous?: Record<string, string>): Record<string, string> {
  const types: Record<string, string> = {};
  for (const name of Object.keys(vars)) {
    const type = getOwn(flow.vars, name) as TypeJson | undefined;
    if (type !== undefined) setOwn(types, name, typeKey(type));
  }
  return previous && jsonEqual(previous, types) ? previous : types;
}

// ------------------------------------------------------------ moving a state

/** A frame as a state from any bundle version holds it (checked for shape, not against a bundle). */
export interface RecordedFrame {
  flow: string;
  pc: number;
  vars: JsonObject;
  resultVar: string | null;
  step?: string;
  types?: Record<string, string>;
}

/** What a redeploy did to a session (`AppliedTurn.redeploy`). */
export interface RedeployReport {
  /** The bundle version the state was written by. */
  from: string;
  /** The bundle version it was moved to. */
  to: string;
  /**
   * Where each frame resumed, bottom (the flow the session started) first:
   * `start` of its step, or `after-run`, just after its step's call of the
   * subflow above it.
   */
  resumed: { flow: string; step: string; at: "start" | "after-run" }[];
  /** The variables dropped, and why: the new flow does not declare it, its declared type changed, or its value does not fit the new type. */
  dropped: { flow: string; variable: string; reason: "removed" | "type-changed" | "value" }[];
}

/** The result of `migrateState`: the moved frames, or the step that no longer exists. */
export type Migration =
  | { ok: true; stack: RecordedFrame[]; report: RedeployReport }
  | { ok: false; flow: string; step: string; message: string };

/** The pc of the single `run flow` instruction in `[start, end)`, if there is exactly one. */
function singleRun(code: Instruction[], [start, end]: [number, number], flow: string): number | undefined {
  let found: number | undefined;
  for (let pc = start; pc < end; pc++) {
    const ins = code[pc];
    if (ins.op === "run" && ins.flow === flow) {
      if (found !== undefined) return undefined;
      found = pc;
    }
  }
  return found;
}

/**
 * Moves the frames of a waiting state written by another bundle version onto
 * `bundle` (see the module comment). `stack` must have been checked for
 * shape; every frame must carry `step` and `types` (states written since
 * redeploys exist do). Pure: returns new frames, touches nothing.
 */
export function migrateState(stack: readonly RecordedFrame[], from: string, bundle: Bundle): Migration {
  const report: RedeployReport = { from, to: bundle.version, resumed: [], dropped: [] };
  const version = JSON.stringify(bundle.version);
  const moved: RecordedFrame[] = [];
  // Set by a calling frame that continues after its `run`: the variable that receives the result of the frame above it.
  let resultVar: string | null = null;
  for (let i = 0; i < stack.length; i++) {
    const frame = stack[i];
    const step = frame.step ?? "";
    const flow = getOwn(bundle.flows, frame.flow) as FlowJson | undefined;
    const region = flow && stepRegion(flow, step);
    if (!flow || !region) {
      const at = `the session is at ${step === "" ? "the body" : `step '${step}'`} of flow '${frame.flow}'`;
      const message = flow ? `${at}, which bundle version ${version} no longer has` : `${at}, and bundle version ${version} has no flow '${frame.flow}'`;
      return { ok: false, flow: frame.flow, step, message };
    }
    const vars: JsonObject = {};
    for (const name of Object.keys(frame.vars)) {
      const type = getOwn(flow.vars, name) as TypeJson | undefined;
      const recorded = frame.types && getOwn(frame.types, name);
      const checked = type !== undefined && recorded === typeKey(type) ? conform(frame.vars[name], type) : undefined;
      if (checked?.ok) setOwn(vars, name, checked.value);
      else report.dropped.push({ flow: frame.flow, variable: name, reason: type === undefined ? "removed" : checked ? "value" : "type-changed" });
    }
    // A calling frame continues after its step's single `run` of the flow it called, and then gets that flow's result.
    const callee = stack[i + 1]?.flow;
    const run = callee === undefined ? undefined : singleRun(flow.code, region, callee);
    const afterRun = run !== undefined && run + 1 < flow.code.length;
    moved.push({ flow: frame.flow, pc: afterRun ? run + 1 : region[0], vars, resultVar, step });
    report.resumed.push({ flow: frame.flow, step, at: afterRun ? "after-run" : "start" });
    resultVar = afterRun ? (flow.code[run] as Extract<Instruction, { op: "run" }>).var : null;
  }
  return { ok: true, stack: moved, report };
}

// ------------------------------------------------------------ diff

/** What moving sessions from one bundle to another would lose (`fluxo diff`). */
export interface BundleDiff {
  /** Flows of the old bundle that the new one lacks (their steps are listed in `steps` too). */
  flows: string[];
  /** Steps (`""`: a flow's body) of the old bundle that the new one lacks: sessions waiting there are refused. */
  steps: { flow: string; step: string }[];
  /** Variables of flows both bundles have that sessions would lose: `to` is the new type, or null when the new flow does not declare it. */
  variables: { flow: string; variable: string; from: string; to: string | null }[];
}

/**
 * Compares two loaded bundles as `migrateState` would move states between
 * them. A variable's type is compared by fingerprint (`typeKey`); types are
 * shown with `describeType`.
 */
export function diffBundles(previous: Bundle, next: Bundle): BundleDiff {
  const diff: BundleDiff = { flows: [], steps: [], variables: [] };
  for (const name of Object.keys(previous.flows)) {
    const before = getOwn(previous.flows, name) as FlowJson;
    const after = getOwn(next.flows, name) as FlowJson | undefined;
    if (!after) diff.flows.push(name);
    for (const step of Object.keys(before.steps)) {
      if (!after || !hasOwn(after.steps, step)) diff.steps.push({ flow: name, step });
    }
    if (!after) continue;
    for (const variable of Object.keys(before.vars)) {
      const from = getOwn(before.vars, variable) as TypeJson;
      const to = getOwn(after.vars, variable) as TypeJson | undefined;
      if (to === undefined || typeKey(to) !== typeKey(from)) {
        diff.variables.push({ flow: name, variable, from: describeType(from), to: to === undefined ? null : describeType(to) });
      }
    }
  }
  return diff;
}
