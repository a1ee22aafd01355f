//! The flows module (RUNTIME §3): what `fluxo build --target ts` generates
//! and `createBot` takes. At run time it is only the bundle; at compile time
//! it carries a `FlowsSpec` — the context, flows, host actions and events the
//! flows declare — from which the SDK types handlers, contexts and events.
//!
//! The spec rides on the module as a phantom property keyed by a symbol that
//! exists only in the types, so `createBot(flows, …)` infers it from the
//! module and nothing of it exists at run time.

import type { AbortSignalLike, Bundle, JsonObject } from "@fluxo/runtime";

/** A value, or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/**
 * The shape of what a generated module declares (its `FlowsSpec`):
 * - `context`: the context object the host passes;
 * - `flows`: each flow's parameters and result;
 * - `actions`: each *host* action (declared without `= http`, or a standard
 *   action a flow calls), as its argument tuple and result;
 * - `events`: each event that starts a flow, with its payload.
 */
export interface FlowsSpec {
  context: object;
  flows: { [flow: string]: { params: object; result: unknown } };
  actions: { [action: string]: { args: readonly unknown[]; result: unknown } };
  events: { [event: string]: object };
}

declare const spec: unique symbol;

/** A flows module: the bundle, typed by the spec of the module that generated it. */
export interface FlowsModule<S extends FlowsSpec = FlowsSpec> {
  readonly bundle: Bundle;
  /** Types only: never present at run time. */
  readonly [spec]?: S;
}

/**
 * Makes a flows module of a bundle. Generated modules call it with their
 * `FlowsSpec`; a host that loads `flows.json` itself gets an untyped module
 * (`defineFlows(json)`), whose handlers and events are not checked.
 */
export function defineFlows<S extends FlowsSpec = FlowsSpec>(bundle: Bundle): FlowsModule<S> {
  return Object.freeze({ bundle });
}

/** The spec of a flows module (`SpecOf<typeof flows>`). */
export type SpecOf<M> = M extends FlowsModule<infer S> ? S : never;

/** What every action handler gets after the action's own arguments (RUNTIME §2). */
export interface ActionCall<Context = JsonObject> {
  /** Fires when the action's `timeout` passes; the call has failed by then. */
  readonly signal: AbortSignalLike;
  /** The session: its id and (a copy of) its context. */
  readonly session: { readonly id: string; readonly context: Context };
  /**
   * Unique to this call in this session, and the same when a turn is retried
   * from the same state: pass it to the API the handler calls to make its
   * side effect happen once.
   */
  readonly idempotencyKey: string;
}

/** The handler of one host action: its arguments, then an `ActionCall`; returns its result. */
export type ActionHandler<Args extends readonly unknown[], Result, Context = JsonObject> = (
  ...args: [...Args, ActionCall<Context>]
) => Awaitable<Result>;

/** One handler per host action of the spec: all required, nothing else allowed. */
export type ActionHandlers<S extends FlowsSpec> = {
  [A in keyof S["actions"]]: ActionHandler<S["actions"][A]["args"], S["actions"][A]["result"], S["context"]>;
};

/** Names of the events of a spec. */
export type EventName<S extends FlowsSpec> = keyof S["events"] & string;

/** Names of the flows of a spec. */
export type FlowName<S extends FlowsSpec> = keyof S["flows"] & string;

/**
 * The host actions of a bundle, in bundle order: every action without
 * `http`, except standard actions that no flow calls (RUNTIME §3). The same
 * rule as the generated `FlowsSpec.actions`.
 */
export function hostActions(bundle: Bundle): string[] {
  const called = new Set<string>();
  for (const flow of Object.values(bundle.flows)) {
    for (const instruction of flow.code) if (instruction.op === "call") called.add(instruction.action);
  }
  return Object.entries(bundle.actions)
    .filter(([name, action]) => action.http === undefined && (action.standard !== true || called.has(name)))
    .map(([name]) => name);
}
