// HTTP actions (LANGUAGE §3.3): the runtime performs the request an
// `= http METHOD "url"` action declares. The URL is built from its `str`
// template with every interpolated value percent-encoded
// (`encodeURIComponent`: `/`, `?`, `#`, `&`, `=` and `\` included), so a
// value stays inside its path segment or query parameter. The built URL is
// checked again before anything is sent: its origin must be the declared
// literal origin (no argument can redirect the request to another host),
// and no path segment may be a dot segment (`.`, `..`, `%2e%2e`…), which
// URL parsers would resolve: an argument `..` is refused rather than allowed
// to climb out of its segment. Redirects are not followed (a 3xx is not 2xx).
//
// The response is untrusted: it must be 2xx, at most `limits.responseSize`
// bytes (default 1 MiB), and JSON; matching the declared result type is
// checked by the engine, as for host handlers. A body that is not read (a
// failed status, a declared oversize length) is cancelled, so the
// connection is released. Secrets (`secret("NAME")`) are readable only while
// the request is built; a response that echoes a secret this request read has
// each occurrence replaced by `***` before the flow sees it (it would
// otherwise be stored in the state). Secrets it did not read are left alone:
// they cannot be echoed, and masking them would corrupt unrelated text.
// Failure messages are written here from fixed text, never from the URL,
// headers or a platform error, so they cannot leak a secret; an expression's
// error while the request is built is shown only if no secret was read yet.
// Timeouts are the engine's: it aborts `signal` at the action's `timeoutMs`.

import type { ActionJson, HttpJson } from "./bundle.js";
import { evaluate, showInRequest, type Scope } from "./expression.js";
import { FlowError } from "./errors.js";
import { setOwn, type Json, type JsonObject } from "./json.js";
import { canDecodeUtf8, decodeUtf8, hasUrl, parseUrl, type AbortSignalLike, type FetchLike, type FetchResponseLike } from "./platform.js";

/** The largest response body an HTTP action accepts. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Why a call failed, in words that are safe to put in an event (no secrets, no URLs). */
export class ActionFailure extends Error {
  override name = "ActionFailure";
}

/** What `performHttp` needs. */
export interface HttpRequest {
  readonly http: HttpJson;
  readonly action: ActionJson;
  /** The call's arguments, in parameter order. */
  readonly args: readonly Json[];
  /** Scope for the templates: everything but `vars` (the arguments, by parameter name) and `show`. */
  readonly scope: Omit<Scope, "vars" | "show">;
  readonly fetch: FetchLike | undefined;
  readonly signal: AbortSignalLike;
  /** The largest response body accepted, in bytes (default `MAX_RESPONSE_BYTES`). */
  readonly maxBytes?: number;
}

const BODY_METHODS = ["POST", "PUT", "PATCH"];

function declaredOrigin(origin: string): string {
  return parseUrl(origin)?.origin ?? origin;
}

/** Builds the request URL: template text as written, interpolated values percent-encoded. */
export function buildUrl(url: HttpJson["url"], scope: Scope): string {
  const value =
    url[0] === "str"
      ? url
          .slice(1)
          .map((part) => (typeof part === "string" ? part : encodeURIComponent(showInRequest(evaluate(part, scope)))))
          .join("")
      : evaluate(url, scope);
  if (typeof value !== "string") throw new ActionFailure("the request URL is not a string");
  return value;
}

/** Whether the path of `url` has a segment that URL parsers resolve (`.`, `..`, or those with dots percent-encoded). */
export function hasDotSegment(url: string): boolean {
  const rest = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\\?#]*/, "");
  const path = rest.split(/[?#]/, 1)[0];
  return path.split(/[/\\]/).some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

/** Whether `url` is an http(s) URL on exactly `origin`. */
export function sameOrigin(url: string, origin: string): boolean {
  const expected = declaredOrigin(origin);
  // Without a URL parser: the origin, then the end of the URL or the start of its path, query or fragment.
  if (!hasUrl()) return url.startsWith(expected) && /^(?:[/?#]|$)/.test(url.slice(expected.length));
  const parsed = parseUrl(url);
  return parsed !== undefined && /^https?:$/.test(parsed.protocol) && parsed.origin === expected;
}

/** Cancels a body that will not be read, so the platform can release the connection. Never throws. */
function discard(response: FetchResponseLike): void {
  try {
    const body = response.body as { cancel?: () => Promise<void>; locked?: boolean } | null | undefined;
    if (body?.locked !== true) body?.cancel?.().catch(() => {});
  } catch {
    // Nothing more can be done for a body that cannot be cancelled.
  }
}

/**
 * `text` with every occurrence of each of `secrets` replaced by `***`. Every
 * occurrence is found in the original text before anything is replaced, so a
 * secret that overlaps or contains another is hidden whole (replacing one
 * after the other would leave the rest of the longer one).
 */
export function maskText(text: string, secrets: readonly string[]): string {
  let hidden: Uint8Array | undefined;
  for (const secret of secrets) {
    if (secret === "") continue;
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) (hidden ??= new Uint8Array(text.length)).fill(1, at, at + secret.length);
  }
  if (!hidden) return text;
  let masked = "";
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) masked += text[i];
    else if (!hidden[i - 1]) masked += "***";
  }
  return masked;
}

/** Replaces every secret value inside the strings (keys included) of a JSON value by `***` (a copy; the value is not changed). */
function maskSecrets(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return maskText(value, secrets);
  if (typeof value !== "object" || value === null || depth > 300) return value;
  if (Array.isArray(value)) return value.map((element) => maskSecrets(element, secrets, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(copy, maskSecrets(key, secrets) as string, maskSecrets((value as Record<string, unknown>)[key], secrets, depth + 1));
  return copy;
}

async function readBody(response: FetchResponseLike, maxBytes: number): Promise<string> {
  const tooLarge = () => new ActionFailure(`the response is larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get("content-length")); // 0 when absent
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(response);
    throw tooLarge();
  }
  if (response.body && canDecodeUtf8()) {
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value) continue;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
    const text = decodeUtf8(chunks);
    if (text === undefined) throw new ActionFailure("the response is not valid UTF-8");
    return text;
  }
  const text = await response.text();
  if (utf8Length(text) > maxBytes) throw tooLarge();
  return text;
}

/** The UTF-8 size of a text (a high surrogate and the unit after it count as one 4-byte pair). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Performs an HTTP action's request and returns the response's JSON value
 * (null for an action without a result, whose body is not read). Throws
 * `ActionFailure` when the call fails; the caller checks the value against
 * the result type.
 */
export async function performHttp(request: HttpRequest): Promise<unknown> {
  const { http, action, args } = request;
  const vars: JsonObject = {};
  action.params.forEach((param, i) => setOwn(vars, param.name, args[i] ?? null));
  // The values `secret()` returns while this request is built: the ones its response is masked for.
  const read: string[] = [];
  const scope: Scope = { ...request.scope, env: { ...request.scope.env, secretsRead: read }, vars, show: showInRequest };

  let url: string;
  const headers: Record<string, string> = { accept: "application/json" };
  let body: string | undefined;
  try {
    url = buildUrl(http.url, scope);
    for (const [name, value] of http.headers) {
      setOwn(headers, name.toLowerCase(), showInRequest(evaluate(value, scope)));
    }
    if (http.body !== null) body = JSON.stringify(evaluate(http.body, scope));
    else if (BODY_METHODS.includes(http.method)) body = JSON.stringify(vars);
  } catch (error) {
    // Errors of templates carry our own messages ("secret 'X' is not set"), but these may quote values (a time zone, a
    // pattern), which once a secret has been read may be made from it, cut short or changed (`upper`): no redaction could
    // find those, so the message is then withheld.
    if (read.length > 0) throw new ActionFailure("building the request failed (message withheld: a secret had been read)");
    if (error instanceof FlowError || error instanceof ActionFailure) throw new ActionFailure(`building the request: ${error.message}`);
    throw new ActionFailure("building the request failed");
  }
  if (body !== undefined && !("content-type" in headers)) headers["content-type"] = "application/json";
  if (!sameOrigin(url, http.origin)) throw new ActionFailure(`the request URL does not stay on ${declaredOrigin(http.origin)}`);
  if (hasDotSegment(url)) throw new ActionFailure("the request path has a '.' or '..' segment (a value would change the path)");
  if (!request.fetch) throw new ActionFailure("no fetch function is available");

  let response: FetchResponseLike;
  try {
    response = await request.fetch(url, { method: http.method, headers, body, signal: request.signal, redirect: "manual" });
  } catch {
    throw new ActionFailure(request.signal.aborted ? "timed out" : "network error");
  }
  const status = typeof response.status === "number" ? response.status : 0;
  if (status < 200 || status > 299) {
    discard(response);
    throw new ActionFailure(`HTTP status ${status}`);
  }
  if (action.result === null) {
    discard(response);
    return null;
  }
  let text: string;
  try {
    text = await readBody(response, request.maxBytes ?? MAX_RESPONSE_BYTES);
  } catch (error) {
    if (error instanceof ActionFailure) throw error;
    throw new ActionFailure(request.signal.aborted ? "timed out" : "reading the response failed");
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ActionFailure("the response is not JSON");
  }
  // Only the secrets this request read: masking every secret the host has would change unrelated text (a secret "h" in "shipped").
  return read.length > 0 ? maskSecrets(value, read) : value;
}
