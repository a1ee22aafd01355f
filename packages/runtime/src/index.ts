// `@fluxo/runtime`: loads compiled bundles and runs conversations
// (RUNTIME.md). The public surface is `loadBundle` + `createEngine` and the
// types of states, turns and events; the helpers below them (locale rules,
// reply parsing, type checks) are exported for tools such as `fluxo test`
// that must read replies and values exactly as the engine does.
// No dependencies; runs in Node ≥ 20, browsers, Deno, Bun and edge workers.

export * from "./bundle.js";
export { loadBundle, BundleError, type BundleErrorKind } from "./load.js";
export {
  createEngine,
  type ActionContext,
  type ActionHandler,
  type AppliedTurn,
  type EndReason,
  type Engine,
  type EngineLimits,
  type EngineOptions,
  type Event,
  type Evaluation,
  type FlowEvent,
  type Frame,
  type PendingQuestion,
  type RefusedTurn,
  type ReplyOptions,
  type SessionState,
  type StartOptions,
  type Turn,
  type TurnErrorCode,
  type TurnStatus,
} from "./engine.js";
export { seededRandom } from "./random.js";
export { diffBundles, typeKey, type BundleDiff, type RedeployReport } from "./redeploy.js";
export { evaluate, showInMessage, showInRequest, type Scope } from "./expression.js";
export type { BuiltinEnv } from "./builtins.js";
export type { FlowErrorCode } from "./errors.js";
export { FlowError } from "./errors.js";
export type { Json, JsonObject } from "./json.js";
export type { AbortSignalLike, FetchLike, FetchInitLike, FetchResponseLike } from "./platform.js";
export { normalizeText, parseNumber, parseInteger, parseBoolean, formatNumber, formatBoolean, formatFixed, defaultInvalidMessage } from "./locale.js";
export { parseReply, chooseOption, isEmail, isPhone, isDate, isUrl, type ParsedReply } from "./inputs.js";
export { conform, describeType, type Conformance } from "./types.js";
export { MAX_MATCH_LENGTH, parseHoursSpec, type HoursRule } from "./builtins.js";
export { patternProblem } from "./pattern.js";
