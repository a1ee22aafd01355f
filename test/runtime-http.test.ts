import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type AppliedTurn, type Bundle, type Engine, type EngineOptions, type Turn } from "../packages/runtime/src/index.js";
import { compile, startServer, type TestServer } from "./runtime-fixtures.js";

// HTTP actions (LANGUAGE §3.3) against a real server: node:http on
// 127.0.0.1, with the runtime using Node's own `fetch`. The flows are
// compiled from source by the built compiler, so the request template is the
// one `fluxo build` writes. Every request the server sees is recorded and
// bounded (10 s, 64 KiB), and every turn is checked for the secret.

const SECRET = "tok-7f3a9c1e-secret-value";

let server: TestServer;
let bundle: Bundle;
const turns: unknown[] = [];

function flows(origin: string): string {
  return `
type Pedido = { id: string, status: string }

action buscar(id: string, q: string) -> Pedido timeout 1500ms = http GET "${origin}/pedidos/{id}?q={q}" {
    header "Authorization" = "Bearer {secret("TOKEN")}"
}
action criar(sku: string, quantidade: integer) -> Pedido timeout 2s = http POST "${origin}/pedidos"
action anotar(id: string, texto: string) -> Pedido timeout 2s = http PUT "${origin}/pedidos/{id}/nota" {
    header "Authorization" = "Bearer {secret("TOKEN")}"
    body { texto: texto, fonte: "bot" }
}
action avisar(id: string) timeout 2s = http POST "${origin}/avisos/{id}"
action grande(id: string) -> Pedido timeout 5s = http GET "${origin}/grande/{id}"

flow consulta(id: string, q: string) {
    let pedido = buscar(id, q) else {
        say "falhou"
        return
    }
    say "{pedido.id}: {pedido.status}"
}

flow compra() {
    let pedido = criar("SKU-1", 2) else {
        say "falhou"
        return
    }
    say "criado {pedido.id}"
    let nota = anotar(pedido.id, "presente") else {
        say "nota falhou"
        return
    }
    avisar(pedido.id)
    say "ok {nota.status}"
}

flow enorme(id: string) {
    let pedido = grande(id) else {
        say "falhou"
        return
    }
    say "{pedido.id}"
}
`;
}

beforeAll(async () => {
  const json = (body: unknown, status = 200) => (res: import("node:http").ServerResponse) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  server = await startServer({
    "/pedidos/ok": (req, res) => json({ id: "ok", status: "enviado", extra: "dropped" })(res),
    "/pedidos/echo": (req, res) => json({ id: String(req.headers.authorization), status: req.url })(res),
    "/pedidos/slow": (_req, res) => void setTimeout(() => json({ id: "slow", status: "late" })(res), 3000),
    "/pedidos/e500": (_req, res) => json({ error: "boom" }, 500)(res),
    "/pedidos/html": (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>nope</html>"),
    "/pedidos/shape": (_req, res) => json({ id: 42, status: null })(res),
    "/pedidos/proto": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"id":"p","status":"ok"}'),
    "/pedidos/redirect": (_req, res) => res.writeHead(302, { location: "http://example.com/" }).end(),
    "/pedidos/": (req, res) => json({ id: decodeURIComponent(req.url.split("?")[0].slice("/pedidos/".length)), status: "any" })(res),
    "/pedidos": (req, res) => json({ id: "P-1", status: `${req.method} ${req.headers["content-type"]} ${req.body}` })(res),
    "/avisos/": (_req, res) => res.writeHead(204).end(),
    "/grande/declared": (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(3 * 1024 * 1024) });
      res.end(`"${"x".repeat(3 * 1024 * 1024 - 2)}"`);
    },
    "/grande/chunked": (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(64 * 1024);
      res.write('{"id":"');
      let sent = 0;
      const pump = (): void => {
        while (sent < 40) {
          sent++;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end('","status":"big"}');
      };
      pump();
      res.on("error", () => {});
    },
  });
  bundle = compile({ "http.flow": flows(server.origin) }, { locale: "en", timeZone: "UTC" });
});

afterAll(async () => {
  // Secrets are never written to an event, a state or an error: not in one of the turns this file produced.
  expect(turns.length).toBeGreaterThan(10);
  for (const turn of turns) expect(JSON.stringify(turn)).not.toContain(SECRET);
  await server?.close();
});

function engine(options: EngineOptions = {}): Engine {
  return createEngine(bundle, { secrets: { TOKEN: SECRET }, ...options });
}

function applied(turn: Turn): AppliedTurn {
  turns.push(turn);
  if (turn.error) throw new Error(`refused: ${turn.error.message}`);
  return turn;
}

async function consulta(id: string, q = "x", options: EngineOptions = {}): Promise<AppliedTurn> {
  return applied(await engine(options).start("consulta", { params: { id, q }, sessionId: "s1" }));
}

function says(turn: AppliedTurn): string[] {
  return turn.events.flatMap((event) => (event.type === "say" ? [event.text] : []));
}

describe("HTTP actions against a local server", () => {
  it("a successful GET: encoded URL, secret header, the JSON result checked and trimmed to the declared type", async () => {
    const before = server.seen.length;
    const turn = await consulta("ok", "a b&c=d");
    expect(turn.events[0]).toEqual({ type: "action", name: "buscar", args: ["ok", "a b&c=d"], ok: true });
    expect(says(turn)).toEqual(["ok: enviado"]);
    expect(turn.state.stack[0].vars.pedido).toEqual({ id: "ok", status: "enviado" });
    const request = server.seen[before];
    expect(request.method).toBe("GET");
    expect(request.url).toBe("/pedidos/ok?q=a%20b%26c%3Dd");
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(request.headers.accept).toBe("application/json");
  });

  it("a value with ../ or ?x= stays inside its path segment", async () => {
    const before = server.seen.length;
    const turn = await consulta("../../admin?x=1#frag", "y");
    expect(server.seen[before].url).toBe("/pedidos/..%2F..%2Fadmin%3Fx%3D1%23frag?q=y");
    // The server decodes the one segment it got back into the whole value.
    expect(says(turn)).toEqual(["../../admin?x=1#frag: any"]);
    const slash = await consulta("a/b\\c", "z");
    expect(server.seen[before + 1].url).toBe("/pedidos/a%2Fb%5Cc?q=z");
    expect(says(slash)).toEqual(["a/b\\c: any"]);
  });

  it("a value that is a dot segment ('..' or '.') is refused before any request; encoded dots are sent encoded", async () => {
    const before = server.seen.length;
    for (const id of ["..", "."]) {
      const turn = await consulta(id);
      expect(turn.events[0]).toMatchObject({ type: "action", ok: false });
      expect(says(turn)).toEqual(["falhou"]);
    }
    expect(server.seen.length).toBe(before);
    // '%2e%2e' is a value like any other: its '%' is encoded ('%252e%252e'), so no URL parser resolves it.
    for (const id of ["%2e%2e", ".%2E"]) expect(says(await consulta(id))).toEqual([`${id}: any`]);
    expect(server.seen.slice(before).map((r) => r.url)).toEqual(["/pedidos/%252e%252e?q=x", "/pedidos/.%252E?q=x"]);
  });

  it("a slow response times out at the action's timeout (the `else` arm), without waiting for the server", async () => {
    const started = Date.now();
    const turn = await consulta("slow");
    expect(Date.now() - started).toBeLessThan(2500);
    expect(turn.events[0]).toMatchObject({ type: "action", ok: false });
    expect(says(turn)).toEqual(["falhou"]);
  });

  it("a timeout with no `else` is an error event naming the failure", async () => {
    const bare = compile({ "t.flow": `action lento(id: string) -> string timeout 300ms = http GET "${server.origin}/pedidos/{id}"\nflow f() {\n    let x = lento("slow")\n    say x\n}\n` });
    const turn = applied(await createEngine(bare).start("f"));
    expect(turn.events[1]).toMatchObject({ type: "error", code: "action", message: "action 'lento' failed: timed out after 300 ms" });
    expect(turn.status).toBe("error");
  });

  const failures: [string, string][] = [
    ["a 500", "e500"],
    ["a body that is not JSON", "html"],
    ["a JSON body of the wrong shape", "shape"],
    ["a redirect (never followed)", "redirect"],
  ];
  for (const [name, id] of failures) {
    it(`${name} is a failure of the call (the else arm)`, async () => {
      const turn = await consulta(id);
      expect(turn.events[0]).toMatchObject({ type: "action", name: "buscar", ok: false });
      expect(says(turn)).toEqual(["falhou"]);
      expect(turn.state.stack[0].vars).not.toHaveProperty("pedido");
    });
  }

  it("the failure reasons are precise (seen without an else arm)", async () => {
    const reasons: Record<string, string> = {};
    const bare = compile({
      "t.flow": `type P = { id: string, status: string }\naction get(id: string) -> P timeout 2s = http GET "${server.origin}/pedidos/{id}"\nflow f(id: string) {\n    let p = get(id)\n    say p.id\n}\n`,
    });
    for (const id of ["e500", "html", "shape", "redirect"]) {
      const turn = applied(await createEngine(bare).start("f", { params: { id } }));
      reasons[id] = (turn.events[1] as { message: string }).message;
    }
    expect(reasons).toEqual({
      e500: "action 'get' failed: HTTP status 500",
      html: "action 'get' failed: the response is not JSON",
      shape: "action 'get' failed: the result does not match the declared type at result.id: expected string, found 42",
      redirect: "action 'get' failed: HTTP status 302",
    });
  });

  it("an oversized body is a failure, whether its length is declared or streamed", async () => {
    const e = engine();
    for (const id of ["declared", "chunked"]) {
      const turn = applied(await e.start("enorme", { params: { id } }));
      expect(turn.events[0]).toMatchObject({ type: "action", name: "grande", ok: false });
      expect(says(turn)).toEqual(["falhou"]);
    }
    // Within a larger limits.responseSize, the streamed one is accepted.
    const roomy = applied(await engine({ limits: { responseSize: 4 * 1024 * 1024, stateSize: 8 * 1024 * 1024 } }).start("enorme", { params: { id: "chunked" } }));
    expect(roomy.events[0]).toMatchObject({ ok: true });
  });

  it("POST sends the arguments as a JSON object; `body` replaces them; an action without a result needs only a 2xx", async () => {
    const before = server.seen.length;
    const turn = applied(await engine().start("compra"));
    expect(turn.events.map((e) => (e.type === "action" ? `${e.name}:${e.ok}` : e.type))).toEqual(["criar:true", "say", "anotar:true", "avisar:true", "say", "end"]);
    const [criar, anotar, avisar] = server.seen.slice(before);
    expect(criar).toMatchObject({ method: "POST", url: "/pedidos", body: '{"sku":"SKU-1","quantidade":2}' });
    expect(criar.headers["content-type"]).toBe("application/json");
    expect(anotar).toMatchObject({ method: "PUT", url: "/pedidos/P-1/nota", body: '{"texto":"presente","fonte":"bot"}' });
    expect(avisar).toMatchObject({ method: "POST", url: "/avisos/P-1", body: '{"id":"P-1"}' });
    expect(says(turn)).toEqual(["criado P-1", "ok any"]);
  });

  it("a response that echoes the secret has it masked before the flow (and so the state) sees it", async () => {
    const turn = await consulta("echo");
    expect(turn.state.stack[0].vars.pedido).toEqual({ id: "Bearer ***", status: "/pedidos/echo?q=x" });
    expect(says(turn)).toEqual(["Bearer ***: /pedidos/echo?q=x"]);
  });

  it("__proto__ and constructor keys in a response are plain data that the declared type drops; no prototype changes", async () => {
    const turn = await consulta("proto");
    expect(turn.state.stack[0].vars.pedido).toEqual({ id: "p", status: "ok" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a missing secret fails the call without sending anything; the error names the secret, not a value", async () => {
    const before = server.seen.length;
    const bare = compile({
      "t.flow": `action get(id: string) -> string timeout 2s = http GET "${server.origin}/pedidos/{id}" {\n    header "X-Key" = secret("NOPE")\n}\nflow f() {\n    let p = get("ok")\n    say p\n}\n`,
    });
    const turn = applied(await createEngine(bare, { secrets: { TOKEN: SECRET } }).start("f"));
    expect(turn.events[1]).toMatchObject({ type: "error", message: "action 'get' failed: building the request: secret 'NOPE' is not set" });
    expect(server.seen.length).toBe(before);
  });
});
