// The few host-platform APIs the runtime touches (`fetch`, `AbortController`,
// timers, `URL`, `TextDecoder`, `crypto.randomUUID`), declared here as
// minimal structural shapes. The package compiles with `lib: ES2022` and
// `types: []` — no DOM, no `@types/node` — so that it runs unchanged in
// Node, browsers, Deno, Bun and edge workers; every API is looked up on
// `globalThis` when used, and its absence is handled, never assumed.

/** The part of `AbortSignal` the runtime and action handlers rely on. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** The part of `AbortController` the runtime uses. */
export interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(reason?: unknown): void;
}

/** A streamed response body (`ReadableStream<Uint8Array>`), as far as it is read. */
export interface BodyReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a `fetch` `Response` that HTTP actions read. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body?: { getReader(): BodyReaderLike } | null;
  text(): Promise<string>;
}

/** The request options HTTP actions pass to `fetch`. */
export interface FetchInitLike {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignalLike;
  redirect: "manual";
}

/** A `fetch` function (the global one, or one the host injects). */
export type FetchLike = (url: string, init: FetchInitLike) => Promise<FetchResponseLike>;

interface UrlLike {
  readonly origin: string;
  readonly protocol: string;
  readonly hostname: string;
}

interface PlatformGlobals {
  AbortController?: new () => AbortControllerLike;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  fetch?: FetchLike;
  URL?: new (text: string) => UrlLike;
  TextDecoder?: new (label?: string, options?: { fatal?: boolean }) => { decode(bytes?: Uint8Array, options?: { stream?: boolean }): string };
  crypto?: { randomUUID?: () => string };
}

const platform = globalThis as unknown as PlatformGlobals;

/** A new `AbortController`, or a minimal stand-in where the platform has none. */
export function newAbortController(): AbortControllerLike {
  if (platform.AbortController) return new platform.AbortController();
  const listeners = new Set<() => void>();
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_type: "abort", listener: () => void) => void listeners.add(listener),
    removeEventListener: (_type: "abort", listener: () => void) => void listeners.delete(listener),
  };
  return {
    signal,
    abort(reason?: unknown) {
      if (signal.aborted) return;
      signal.aborted = true;
      signal.reason = reason;
      for (const listener of listeners) listener();
    },
  };
}

/** Runs `callback` after `ms`; returns a function that cancels it. */
export function schedule(callback: () => void, ms: number): () => void {
  if (!platform.setTimeout) return () => {};
  // Timers overflow above 2^31 - 1 ms (about 24.8 days) and would fire at once.
  const handle = platform.setTimeout(callback, Math.min(Math.max(0, ms), 2_147_483_647));
  return () => platform.clearTimeout?.(handle);
}

/** The platform's `fetch`, if any (bound, so it can be called detached). */
export function globalFetch(): FetchLike | undefined {
  const fetch = platform.fetch;
  return fetch ? (url, init) => fetch.call(globalThis, url, init) : undefined;
}

/** Parses an absolute URL with the platform's `URL`; undefined when it does not parse (or there is no `URL`). */
export function parseUrl(text: string): UrlLike | undefined {
  if (!platform.URL) return undefined;
  try {
    return new platform.URL(text);
  } catch {
    return undefined;
  }
}

/** Whether the platform has a `URL` constructor. */
export function hasUrl(): boolean {
  return platform.URL !== undefined;
}

/** Decodes UTF-8 bytes, given in chunks, strictly; undefined when they are not valid UTF-8 or there is no `TextDecoder`. */
export function decodeUtf8(chunks: readonly Uint8Array[]): string | undefined {
  if (!platform.TextDecoder) return undefined;
  try {
    const decoder = new platform.TextDecoder("utf-8", { fatal: true });
    return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") + decoder.decode();
  } catch {
    return undefined;
  }
}

/** Whether the platform has a `TextDecoder`. */
export function canDecodeUtf8(): boolean {
  return platform.TextDecoder !== undefined;
}

/** A random UUID from the platform's `crypto`, if it has one. */
export function randomUuid(): string | undefined {
  try {
    return platform.crypto?.randomUUID?.();
  } catch {
    return undefined;
  }
}
