// Hand-written bundles for the runtime's tests: small JSON programs with
// defaults filled in, loaded (and so validated) through `loadBundle`.

import type { ActionJson, Bundle, Expr, FlowJson, Instruction, InvalidSpec, Locale, TimeoutSpec } from "../src/bundle.js";
import { loadBundle } from "../src/load.js";

export type FlowSpec = Partial<Omit<FlowJson, "code">> & { code: Instruction[] };

export interface BundleSpec {
  flows: Record<string, FlowSpec>;
  actions?: Record<string, ActionJson>;
  locale?: Locale;
  timeZone?: string;
  version?: string;
  context?: Bundle["context"];
}

/** The raw JSON of a bundle (not loaded), for loader tests. */
export function rawBundle(spec: BundleSpec): Record<string, unknown> {
  const flows: Record<string, FlowJson> = {};
  for (const [name, flow] of Object.entries(spec.flows)) {
    flows[name] = {
      params: [],
      result: null,
      triggers: [],
      vars: {},
      steps: { "": 0 },
      map: flow.code.map((_, i) => [0, i + 1, 5] as [number, number, number]),
      ...flow,
    };
  }
  return {
    format: "fluxo.bundle/1",
    version: spec.version ?? "v1",
    locale: spec.locale ?? "en",
    timeZone: spec.timeZone ?? "UTC",
    context: spec.context ?? {},
    types: {},
    actions: spec.actions ?? {},
    flows,
    sources: ["main.flow"],
  };
}

/** A loaded bundle. */
export function makeBundle(spec: BundleSpec): Bundle {
  return loadBundle(rawBundle(spec));
}

export const lit = (value: string | number | boolean | null): Expr => ["lit", value];
export const v = (name: string): Expr => ["var", name];
export const str = (...parts: (string | Expr)[]): Expr => ["str", ...parts];
export const fn = (name: string, ...args: Expr[]): Expr => ["fn", name, ...args];

export const say = (text: string | Expr): Instruction => ({ op: "say", text: typeof text === "string" ? lit(text) : text });
export const end = (): Instruction => ({ op: "end" });
export const ret = (value: Expr | null = null): Instruction => ({ op: "return", value });

export function invalid(spec: Partial<InvalidSpec> = {}): InvalidSpec {
  return { message: null, retries: 2, then: null, ...spec };
}

export function timeout(ms: number, then: number | null = null): TimeoutSpec {
  return { ms, then };
}

/** `ask name: type prompt` with defaults. */
export function ask(name: string, type: "string" | "number" | "integer" | "boolean" | "email" | "phone" | "date" | "url", prompt: string, extra: Partial<Extract<Instruction, { op: "ask" }>> = {}): Instruction {
  return { op: "ask", var: name, prompt: lit(prompt), input: { type }, validate: null, invalid: invalid(), timeout: null, ...extra };
}

export function action(params: string[] = [], result: ActionJson["result"] = null, extra: Partial<ActionJson> = {}): ActionJson {
  return { params: params.map((name) => ({ name, type: "string" })), result, timeoutMs: 1000, ...extra };
}

/** A clock fixed at `iso`. */
export const fixedClock = (iso: string) => () => new Date(iso);

/** A random source returning the given values in turn (then repeating the last). */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}
