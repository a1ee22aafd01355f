//! `@fluxo/sdk`: a type-safe bot over the module `fluxo build --target ts`
//! generates (RUNTIME §3). `createBot(flows, { store, actions, … })` gives
//! `receive`, `emit`, `start` and `tick`; `SessionStore` is the storage
//! interface and `MemoryStore` the in-process store.
//!
//! Its public types need only `lib: ES2022` (no `@types/node`, no DOM).

export {
  defineFlows,
  hostActions,
  type ActionCall,
  type ActionHandler,
  type ActionHandlers,
  type Awaitable,
  type EventName,
  type FlowName,
  type FlowsModule,
  type FlowsSpec,
  type SpecOf,
} from "./flows.js";
export {
  createBot,
  BotError,
  type ActionsOption,
  type Bot,
  type BotErrorCode,
  type BotOptions,
  type BotSettings,
  type InboundMessage,
  type RefusedState,
  type SessionTarget,
  type TimeoutTurn,
} from "./bot.js";
export { MemoryStore, type SessionStore, type SessionWrite, type StoredSession } from "./store.js";
export type { Bundle, EngineLimits, FetchLike, FlowEvent, SessionState, AbortSignalLike } from "@fluxo/runtime";
