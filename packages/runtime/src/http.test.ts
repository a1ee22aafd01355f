import { describe, expect, it, vi } from "vitest";
import { action, end, fn, lit, makeBundle, say, str, v } from "../test/helpers.js";
import type { ActionJson, Expr, HttpJson, Instruction, TypeJson } from "./bundle.js";
import { createEngine, type AppliedTurn, type EngineOptions } from "./engine.js";
import { hasDotSegment } from "./http.js";
import type { FetchInitLike, FetchLike, FetchResponseLike } from "./platform.js";

const SECRET = "s3cr3t-token-value";

interface Recorded {
  url: string;
  init: FetchInitLike;
}

function response(body: string, status = 200, headers: Record<string, string> = {}): FetchResponseLike {
  return { status, headers: { get: (name) => headers[name.toLowerCase()] ?? null }, text: async () => body };
}

function streamed(chunks: Uint8Array[]): FetchResponseLike {
  let i = 0;
  let cancelled = false;
  return {
    status: 200,
    headers: { get: () => null },
    text: async () => {
      throw new Error("text() should not be used");
    },
    body: {
      getReader: () => ({
        read: async () => (cancelled || i >= chunks.length ? { done: true } : { done: false, value: chunks[i++] }),
        cancel: async () => {
          cancelled = true;
        },
      }),
    },
  };
}

const pedido: TypeJson = { record: { id: "string", status: "string" } };

/** UTF-8 bytes of a string (the package's lib has no TextEncoder type). */
const utf8 = (text: string): Uint8Array => new (globalThis as unknown as { TextEncoder: new () => { encode(text: string): Uint8Array } }).TextEncoder().encode(text);

function httpAction(http: Partial<HttpJson> = {}, extra: Partial<ActionJson> = {}): ActionJson {
  return action(["id", "q"], pedido, {
    timeoutMs: 100,
    http: {
      method: "GET",
      url: str("https://api.loja.example/pedidos/", v("id"), "?q=", v("q")),
      origin: "https://api.loja.example",
      headers: [["Authorization", str("Bearer ", fn("secret", lit("TOKEN")))]],
      body: null,
      ...http,
    },
    ...extra,
  });
}

async function run(act: ActionJson, fetch: FetchLike, args: Expr[] = [lit("12/../admin?x=1&y"), lit("a b")], options: EngineOptions = {}): Promise<AppliedTurn> {
  const code: Instruction[] = [
    { op: "call", action: "buscar", args, var: "p", else: null },
    say(str("ok ", ["get", v("p"), "status", false])),
    end(),
  ];
  const engine = createEngine(makeBundle({ actions: { buscar: act }, flows: { main: { code } } }), { fetch, secrets: { TOKEN: SECRET }, ...options });
  const result = await engine.start("main", { sessionId: "s1" });
  if (result.error) throw new Error(result.error.message);
  return result;
}

function recorder(reply: (request: Recorded) => Promise<FetchResponseLike> | FetchResponseLike): { fetch: FetchLike; calls: Recorded[] } {
  const calls: Recorded[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return reply({ url, init });
    },
  };
}

function failure(turn: AppliedTurn): string {
  expect(turn.events[0]).toMatchObject({ type: "action", name: "buscar", ok: false });
  const error = turn.events[1];
  expect(error).toMatchObject({ type: "error", code: "action" });
  expect(JSON.stringify(turn)).not.toContain(SECRET);
  return (error as { message: string }).message;
}

describe("HTTP actions", () => {
  it("builds the URL with percent-encoded values, sends secret headers, and checks the JSON result", async () => {
    const { fetch, calls } = recorder(() => response(JSON.stringify({ id: "12", status: "enviado", token: "drop me" })));
    const turn = await run(httpAction(), fetch);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe("https://api.loja.example/pedidos/12%2F..%2Fadmin%3Fx%3D1%26y?q=a%20b");
    expect(calls[0].init).toMatchObject({ method: "GET", redirect: "manual", headers: { accept: "application/json", authorization: `Bearer ${SECRET}` } });
    expect(calls[0].init.body).toBeUndefined();
    expect(turn.events).toEqual([
      { type: "action", name: "buscar", args: ["12/../admin?x=1&y", "a b"], ok: true },
      { type: "say", text: "ok enviado" },
      { type: "end", reason: "done" },
    ]);
    expect(turn.state.stack[0].vars.p).toEqual({ id: "12", status: "enviado" });
    expect(JSON.stringify(turn)).not.toContain(SECRET);
  });

  it("numbers in URLs are machine-formatted, whatever the locale", async () => {
    const { fetch, calls } = recorder(() => response('{"id":"1","status":"x"}'));
    await run(httpAction(), fetch, [lit("1"), ["lit", 1234.5]]);
    expect(calls[0].url).toBe("https://api.loja.example/pedidos/1?q=1234.5");
  });

  it("POST/PUT/PATCH send the arguments as a JSON body unless `body` says otherwise", async () => {
    const { fetch, calls } = recorder(() => response('{"id":"1","status":"x"}'));
    await run(httpAction({ method: "POST", url: lit("https://api.loja.example/pedidos") }), fetch);
    expect(calls[0].init.method).toBe("POST");
    expect(JSON.parse(calls[0].init.body!)).toEqual({ id: "12/../admin?x=1&y", q: "a b" });
    expect(calls[0].init.headers["content-type"]).toBe("application/json");
    await run(httpAction({ method: "PATCH", url: lit("https://api.loja.example/p"), body: ["rec", ["only", v("id")]] }), fetch);
    expect(JSON.parse(calls[1].init.body!)).toEqual({ only: "12/../admin?x=1&y" });
  });

  it("refuses a built URL whose origin is not the declared one", async () => {
    const { fetch, calls } = recorder(() => response("{}"));
    for (const suffix of [".evil.example", "@evil.example", ":8080"]) {
      const turn = await run(httpAction({ url: str("https://api.loja.example", v("id")) }), fetch, [lit(suffix), lit("")]);
      expect(failure(turn)).toContain("does not stay on https://api.loja.example");
    }
    const literal = await run(httpAction({ url: lit("https://other.example/x") }), fetch);
    expect(failure(literal)).toContain("does not stay on");
    expect(calls).toHaveLength(0);
  });

  const failures: [string, FetchLike, string][] = [
    ["a non-2xx status", async () => response('{"id":"1","status":"x"}', 404), "HTTP status 404"],
    ["a redirect", async () => response("", 302), "HTTP status 302"],
    ["a non-JSON body", async () => response("<html>"), "the response is not JSON"],
    ["a result of the wrong type", async () => response('{"id":1,"status":"x"}'), "result.id"],
    ["a declared oversize body", async () => response("{}", 200, { "content-length": String(2 * 1024 * 1024) }), "larger than 1048576 bytes"],
    ["an oversize text body", async () => response(`"${"x".repeat(1024 * 1024)}"`), "larger than 1048576 bytes"],
    ["an oversize streamed body", async () => streamed([new Uint8Array(700_000).fill(32), new Uint8Array(700_000).fill(32)]), "larger than 1048576 bytes"],
    ["invalid UTF-8", async () => streamed([new Uint8Array([0xff, 0xfe])]), "not valid UTF-8"],
    ["a network error (whose message is never copied)", async () => Promise.reject(new Error(`connect failed for ${SECRET}`)), "network error"],
    ["a timeout", (_url, init) => new Promise((_resolve, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted")))), "timed out"],
    ["a fetch that ignores the signal", () => new Promise(() => {}), "timed out after 100 ms"],
  ];
  for (const [name, fetch, reason] of failures) {
    it(`fails on ${name}`, async () => {
      expect(failure(await run(httpAction(), fetch))).toContain(reason);
    });
  }

  it("refuses a value that would be a dot segment of the path, before any request", async () => {
    const { fetch, calls } = recorder(() => response('{"id":"1","status":"x"}'));
    for (const id of ["..", "."]) expect(failure(await run(httpAction(), fetch, [lit(id), lit("")]))).toContain("'.' or '..' segment");
    expect(calls).toHaveLength(0);
    expect(hasDotSegment("https://a.example/x/%2E%2e/y")).toBe(true);
    expect(hasDotSegment("https://a.example/x/..%2Fy?q=..")).toBe(false);
    expect(hasDotSegment("https://a.example/x/y/..")).toBe(true);
  });

  it("masks a secret echoed back by the response, and honours limits.responseSize", async () => {
    const echo = await run(httpAction(), async () => response(JSON.stringify({ id: `Bearer ${SECRET}`, status: `x${SECRET}y` })));
    expect(echo.state.stack[0].vars.p).toEqual({ id: "Bearer ***", status: "x***y" });
    const small = await run(httpAction(), async () => response('{"id":"1","status":"0123456789"}'), undefined, { limits: { responseSize: 16 } });
    expect(failure(small)).toContain("larger than 16 bytes");
  });

  it("masks only the secrets this request read: another secret, however short, leaves the response as it is", async () => {
    const body = JSON.stringify({ id: "h1", status: "shipped" });
    const turn = await run(httpAction(), async () => response(body), undefined, { secrets: { TOKEN: SECRET, OTHER: "h", UNUSED: "shipped" } });
    expect(turn.state.stack[0].vars.p).toEqual({ id: "h1", status: "shipped" });
    expect(turn.events[1]).toEqual({ type: "say", text: "ok shipped" });
    // A secret the request read is masked wherever the response echoes it, keys included, however short it is.
    const short = await run(httpAction(), async () => response(JSON.stringify({ id: "abc", status: "xhx" })), undefined, { secrets: { TOKEN: "h" } });
    expect(short.state.stack[0].vars.p).toEqual({ id: "abc", status: "x***x" });
  });

  it("masks every occurrence of the secrets read, overlapping ones and one containing another included", async () => {
    const read = [["X-A", fn("secret", lit("A"))], ["X-B", fn("secret", lit("B"))]] as [string, Expr][];
    const echo = JSON.stringify({ id: "abcd1234", status: "[abcdefghi]" });
    for (const [secrets, masked] of [
      [{ A: "abcd", B: "abcd1234" }, { id: "***", status: "[***efghi]" }],
      [{ A: "abcd1234", B: "abcd" }, { id: "***", status: "[***efghi]" }],
      [{ A: "abcdef", B: "defghi" }, { id: "abcd1234", status: "[***]" }],
      [{ A: "defghi", B: "abcdef" }, { id: "abcd1234", status: "[***]" }],
    ] as const) {
      const turn = await run(httpAction({ headers: read }), async () => response(echo), undefined, { secrets });
      expect(turn.state.stack[0].vars.p, JSON.stringify(secrets)).toEqual(masked);
    }
  });

  it("a request that fails after reading a secret does not show the failing expression's message (it may hold the secret, transformed)", async () => {
    const { fetch, calls } = recorder(() => response("{}"));
    const zone: Expr = fn("withinHours", lit("mon 09:00-10:00"), fn("upper", fn("secret", lit("TOKEN"))));
    const turn = await run(httpAction({ headers: [["X-Open", zone]] }), fetch);
    const message = failure(turn);
    expect(message).not.toContain(SECRET.toUpperCase());
    expect(message).not.toContain(SECRET.slice(0, 6).toUpperCase());
    expect(message).toContain("building the request");
    expect(calls).toHaveLength(0);
    // Before any secret is read, the message is shown.
    const plain = await run(httpAction({ headers: [["X-Open", fn("withinHours", lit("mon 09:00-10:00"), lit("Mars/Base"))]] }), fetch);
    expect(failure(plain)).toContain('unknown time zone "Mars/Base"');
  });

  it("reads a streamed JSON body", async () => {
    const bytes = utf8('{"id":"1","status":"ok ✓"}');
    const turn = await run(httpAction(), async () => streamed([bytes.slice(0, 5), bytes.slice(5)]));
    expect(turn.events[1]).toEqual({ type: "say", text: "ok ok ✓" });
  });

  it("a missing secret fails the call, naming the secret but no value", async () => {
    const { fetch, calls } = recorder(() => response("{}"));
    const turn = await run(httpAction(), fetch, undefined, { secrets: {} });
    expect(failure(turn)).toContain("secret 'TOKEN' is not set");
    expect(calls).toHaveLength(0);
  });

  it("an action without a result accepts any 2xx without reading the body", async () => {
    const { fetch } = recorder(() => response("not json", 204));
    const turn = await run(httpAction({}, { result: null }), fetch);
    expect(turn.events[0]).toMatchObject({ type: "action", ok: true });
  });

  it("a host handler takes precedence (mocks in tests); its error messages are redacted", async () => {
    const { fetch, calls } = recorder(() => response("{}"));
    const mocked = await run(httpAction(), fetch, undefined, { actions: { buscar: () => ({ id: "1", status: "mock" }) } });
    expect(mocked.events[1]).toEqual({ type: "say", text: "ok mock" });
    const throwing = await run(httpAction(), fetch, undefined, {
      actions: {
        buscar: () => {
          throw new Error(`bad token ${SECRET}`);
        },
      },
    });
    expect(failure(throwing)).toContain("bad token ***");
    expect(calls).toHaveLength(0);
  });

  it("a handler's error message is redacted before it is shortened: no part of a secret at the cut survives", async () => {
    const secrets = { TOKEN: SECRET, SHORT: "s3cr", LONG: `${SECRET}-and-more` };
    for (const at of [180, 185, 190, 193, 195, 199]) {
      const message = `${"a".repeat(at)}${SECRET}-and-more tail ${"b".repeat(300)}`;
      const turn = await run(httpAction(), async () => response("{}"), undefined, {
        secrets,
        actions: {
          buscar: () => {
            throw new Error(message);
          },
        },
      });
      const shown = failure(turn);
      // "threw: " and `at` characters come first; the message is cut after 200 characters.
      if (at + 7 + 3 <= 200) expect(shown).toContain("***");
      expect(shown).toMatch(/…$/);
      for (let length = 3; length <= SECRET.length; length++) expect(shown, `cut at ${at}`).not.toContain(SECRET.slice(0, length));
      expect(shown).not.toContain("-and-more");
    }
  });

  it("a very long error message is cut before it is redacted, never through a secret", async () => {
    const secrets = { TOKEN: SECRET };
    // Back-to-back occurrences redact to one `***`, so whatever follows the scan window's end (8192 characters,
    // "threw: " included) would be shown: the window ends inside an occurrence, at each offset in turn.
    for (let pad = 0; pad < SECRET.length; pad++) {
      const message = `${"p".repeat(pad)}${SECRET.repeat(Math.ceil(9000 / SECRET.length))}`;
      const turn = await run(httpAction(), async () => response("{}"), undefined, {
        secrets,
        actions: {
          buscar: () => {
            throw new Error(message);
          },
        },
      });
      expect(failure(turn), `pad ${pad}`).toBe(`action 'buscar' failed: threw: ${"p".repeat(pad)}***`);
    }
  });

  it("secret() is refused outside HTTP templates", async () => {
    const engine = createEngine(makeBundle({ flows: { main: { code: [say(fn("secret", lit("TOKEN"))), end()] } } }), { secrets: { TOKEN: SECRET } });
    const turn = await engine.start("main");
    expect(turn.events[0]).toMatchObject({ type: "error", code: "expression", message: "secret() can only be used in an HTTP action's request" });
    expect(JSON.stringify(turn)).not.toContain(SECRET);
  });

  it("without any fetch the call fails", async () => {
    vi.stubGlobal("fetch", undefined);
    try {
      const turn = await run(httpAction(), undefined as unknown as FetchLike, undefined, { fetch: undefined });
      expect(failure(turn)).toContain("no fetch function is available");
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
