// examples/host: the WhatsApp-style webhook service over @fluxo/sdk, run over
// the example flows compiled in memory (the generated module only brings
// types to the host, so the app takes the flows module as a parameter).

import { createHmac } from "node:crypto";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App, type Flows } from "../examples/host/src/app.js";
import { demoFetch } from "../examples/host/src/demo-api.js";
import { inboundMessages, outboundMessages } from "../examples/host/src/whatsapp.js";
import { defineFlows, MemoryStore } from "../packages/sdk/src/index.js";
import { examplesBundle } from "../packages/sdk/test/helpers.js";

const flows = defineFlows(examplesBundle()) as unknown as Flows;

/** A webhook notification with one text message, as the Cloud API posts it. */
function notification(from: string, body: string, name = "Ana") {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [{ from, id: `wamid.${Math.random().toString(36).slice(2)}`, timestamp: "1700000000", type: "text", text: { body } }],
            },
          },
        ],
      },
    ],
  };
}

/** A notification with several messages (one change), each `[from, text]`; `from: undefined` leaves it out. */
function batch(...messages: [from: string | undefined, body: string][]) {
  return { entry: [{ changes: [{ value: { messages: messages.map(([from, body], i) => ({ from, id: `wamid.b${i}`, type: "text", text: { body } })) } }] }] };
}

/** Sends `request` as raw bytes (what no fetch would send) and gives the status line of the answer. */
function rawRequest(base: string, request: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(Number(port), hostname, () => socket.end(request));
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => resolve(answer.split("\r\n")[0]!));
  });
}

/** The text a contact would read, one string per outbound message. */
function texts(messages: { type: string; text?: { body: string }; interactive?: { body: { text: string }; action: { buttons?: { reply: { title: string } }[]; sections?: { rows: { title: string }[] }[] } } }[]): string[] {
  return messages.map((m) => {
    if (m.type === "text") return m.text!.body;
    if (m.type === "interactive") {
      const options = m.interactive!.action.buttons?.map((b) => b.reply.title) ?? m.interactive!.action.sections![0]!.rows.map((r) => r.title);
      return `${m.interactive!.body.text} [${options.join(" | ")}]`;
    }
    return `(${m.type})`;
  });
}

describe("examples/host", () => {
  let app: App;
  let base: string;
  const log: string[] = [];

  beforeAll(async () => {
    app = createApp(flows, { fetch: demoFetch(), secrets: { PEDIDOS_TOKEN: "demo" }, verifyToken: "s3cret", log: (line) => log.push(line) });
    await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => app.server.close(resolve));
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { messages: Parameters<typeof texts>[0]; errors?: string[]; error?: string } };
  };

  it("answers the Cloud API's verification handshake", async () => {
    const ok = await fetch(`${base}/webhook?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=1158201444`);
    expect([ok.status, await ok.text()]).toEqual([200, "1158201444"]);
    const wrong = await fetch(`${base}/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.status).toBe(403);
  });

  it("answers inbound messages with the outbound messages, through a whole conversation", async () => {
    const first = await post("/webhook", notification("5511987654321", "oi"));
    expect(first.status).toBe(200);
    expect(first.body.messages[0]).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: "5511987654321", type: "text", text: { body: "Olá, Ana! Sou a assistente virtual da Loja Exemplo. 😊" } });
    expect(texts(first.body.messages)[1]).toBe("Como posso te ajudar? [Horário de atendimento | Status do meu pedido | Produtos | Falar com um atendente]");
    // A list reply carries the option's number as its id.
    const reply = notification("5511987654321", "");
    Object.assign(reply.entry[0]!.changes[0]!.value.messages[0]!, { type: "interactive", text: undefined, interactive: { type: "list_reply", list_reply: { id: "3", title: "Produtos" } } });
    const second = await post("/webhook", reply);
    expect(second.body.messages.map((m) => m.type)).toEqual(["image", "interactive"]);
    expect(texts(second.body.messages)[1]).toBe("Quer montar um pedido agora? [Sim, quero comprar | Agora não]");
  });

  it("runs the HTTP action of rastreio against the order API (the demo stand-in)", async () => {
    await post("/webhook", notification("5521998765432", "quero rastrear meu pedido", "Bruno"));
    const answer = await post("/webhook", notification("5521998765432", "123456", "Bruno"));
    expect(texts(answer.body.messages)).toEqual([
      "Consultando o pedido 123456…",
      "O pedido 123456 está a caminho! 🚚 Transportadora: Correios.",
      "Código de rastreio: BR123456789BR",
      "Previsão de entrega: 28/11.",
      "Se precisar de mais alguma coisa, é só digitar *menu*.",
    ]);
  });

  it("starts the survey on an event, and times it out on /tick", async () => {
    const started = await post("/events/compra.concluida", { to: "5531991234567", name: "Carla", payload: { pedidoId: "100234", produto: "Boné" } });
    expect(texts(started.body.messages)).toEqual(["Oi, Carla! Seu pedido 100234 (Boné) foi concluído. 🛍️", "De 1 a 5, que nota você dá para a sua experiência de compra?"]);
    expect((await post("/events/compra.cancelada", { to: "5531991234567" })).status).toBe(404);
    expect((await post("/events/compra.concluida", { to: "5531991234567", payload: { pedidoId: 1 } })).status).toBe(422);
    const later = new Date(Date.now() + 25 * 3600_000).toISOString();
    const tick = await post("/tick", { now: later });
    expect(texts(tick.body.messages)).toContain("Tudo bem! Obrigada pela compra, Carla.");
    expect(app.crm.tags.get("5531991234567")).toEqual(new Set(["pesquisa-sem-resposta"]));
  });

  it("reports a message it cannot take without failing the batch, and refuses bad bodies", async () => {
    const bad = await post("/webhook", notification("12", "oi")); // "+12" is no phone number
    expect(bad.status).toBe(200);
    expect(bad.body.errors).toEqual(["12: context.telefone: expected phone, found \"+12\""]);
    const response = await fetch(`${base}/webhook`, { method: "POST", body: "{not json" });
    expect(response.status).toBe(400);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it("answers a batch message by message: a sender that is no WhatsApp id is reported, the others run", async () => {
    const answer = await post("/webhook", batch(["", "oi"], ["5511900000010", "oi"], [undefined, "oi"], ["+5511900000011", "oi"]));
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toEqual([
      '"": the sender is not a WhatsApp id (1 to 15 digits)',
      "(no sender): the sender is not a WhatsApp id (1 to 15 digits)",
      '"+5511900000011": the sender is not a WhatsApp id (1 to 15 digits)',
    ]);
    expect(answer.body.messages.map((m) => (m as { to: string }).to)).toEqual(["5511900000010", "5511900000010"]);
  });

  // Bad requests are 4xx answers and short log lines: never a crash, a reset or a stack trace.
  describe("refuses bad requests without failing", () => {
    const stacks = () => log.filter((line) => /internal error|\n\s+at /.test(line));

    it("a request target that is no URL is a 400", async () => {
      expect(await rawRequest(base, "GET //[x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).toBe("HTTP/1.1 400 Bad Request");
      expect(await rawRequest(base, "POST //[x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")).toBe("HTTP/1.1 400 Bad Request");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });

    it("a body over 1 MiB is a 413, whether announced or streamed", async () => {
      const big = JSON.stringify({ entry: [], pad: "x".repeat(1024 * 1024) });
      expect((await post("/webhook", JSON.parse(big))).status).toBe(413);
      const chunks = Array.from({ length: 40 }, () => new TextEncoder().encode("x".repeat(64 * 1024)));
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const chunk = chunks.pop();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const streamed = await fetch(`${base}/webhook`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
      expect([streamed.status, await streamed.json()]).toEqual([413, { error: "body too large" }]);
    });

    it("bodies and paths of the wrong shape are a 400", async () => {
      for (const body of [null, [], 3]) expect((await post("/tick", body)).status).toBe(400);
      expect((await post("/tick", { now: 17 })).status).toBe(400);
      expect((await post("/events/compra.concluida", null)).status).toBe(400);
      const path = await fetch(`${base}/events/%E0%A4%A`, { method: "POST", body: "{}" });
      expect([path.status, await path.json()]).toEqual([400, { error: "the path is not valid percent-encoded UTF-8" }]);
      expect(stacks()).toEqual([]);
    });

    it("a client leaving mid-body gets a one-line log", async () => {
      const { hostname, port } = new URL(base);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write("POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n{\"entry\":");
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on("close", () => resolve());
      });
      await expect.poll(() => log.filter((line) => line.includes("the client left"))).toEqual(["POST /webhook: the client left before sending its whole body"]);
      expect(stacks()).toEqual([]);
    });
  });

  it("checks X-Hub-Signature-256 when it has the app secret", async () => {
    const signed = createApp(flows, { appSecret: "app-secret" });
    await new Promise<void>((resolve) => signed.server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(signed.server.address() as AddressInfo).port}/webhook`;
    const body = JSON.stringify(notification("5511900000001", "oi"));
    const signature = `sha256=${createHmac("sha256", "app-secret").update(body).digest("hex")}`;
    try {
      expect((await fetch(url, { method: "POST", body })).status).toBe(401);
      expect((await fetch(url, { method: "POST", body, headers: { "x-hub-signature-256": signature.replace(/.$/, (c) => (c === "0" ? "1" : "0")) } })).status).toBe(401);
      // As many characters as a good signature, more bytes (however the client encodes "é").
      for (const end of [/.$/, /..$/]) expect((await fetch(url, { method: "POST", body, headers: { "x-hub-signature-256": signature.replace(end, "é") } })).status).toBe(401);
      expect((await fetch(url, { method: "POST", body, headers: { "x-hub-signature-256": signature } })).status).toBe(200);
    } finally {
      await new Promise((resolve) => signed.server.close(resolve));
    }
  });
});

describe("examples/host when its store fails", () => {
  it("consumes a batch once a message was applied; asks for it again when none was", async () => {
    /** A store that is down for the sessions of `down`. */
    class FlakyStore extends MemoryStore {
      constructor(readonly down: Set<string>) {
        super();
      }
      override get(sessionId: string) {
        if (this.down.has(sessionId)) throw new Error("store unavailable");
        return super.get(sessionId);
      }
    }
    const log: string[] = [];
    const store = new FlakyStore(new Set(["5511900000021"]));
    const app = createApp(flows, { store, log: (line) => log.push(line) });
    await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
    const post = async (body: unknown) => {
      const response = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhook`, { method: "POST", body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { messages: { to: string }[]; errors?: string[]; error?: string } };
    };
    try {
      const some = await post(batch(["5511900000020", "oi"], ["5511900000021", "oi"]));
      expect(some.status).toBe(200);
      expect(some.body.errors).toEqual(["5511900000021: internal error"]);
      expect(new Set(some.body.messages.map((m) => m.to))).toEqual(new Set(["5511900000020"]));
      // Nothing applied: WhatsApp may redeliver it without applying anything twice.
      expect(await post(batch(["5511900000021", "oi"], ["", "oi"]))).toEqual({ status: 500, body: { error: "internal error" } });
      expect(log.filter((line) => line.startsWith("5511900000021: internal error: Error: store unavailable"))).toHaveLength(2);
    } finally {
      await new Promise((resolve) => app.server.close(resolve));
    }
  });
});

describe("WhatsApp shapes", () => {
  it("reads text, button and list replies; skips statuses and other kinds", () => {
    const body = {
      entry: [
        {
          changes: [
            { value: { statuses: [{ id: "wamid.x", status: "delivered" }] } },
            {
              value: {
                contacts: [{ profile: { name: "Ana" }, wa_id: "551" }],
                messages: [
                  { from: "551", id: "a", type: "text", text: { body: "oi" } },
                  { from: "551", id: "b", type: "image", image: { id: "media" } },
                  { from: "552", id: "c", type: "interactive", interactive: { type: "button_reply", button_reply: { id: "2", title: "Não" } } },
                ],
              },
            },
          ],
        },
      ],
    };
    expect(inboundMessages(body)).toEqual([
      { from: "551", name: "Ana", text: "oi", id: "a" },
      { from: "552", name: undefined, text: "2", id: "c" },
    ]);
    expect(inboundMessages(batch(["", "a"], [undefined, "b"], ["55 11", "c"], ["5511", "d"]))).toEqual([
      { problem: '"": the sender is not a WhatsApp id (1 to 15 digits)', id: "wamid.b0" },
      { problem: "(no sender): the sender is not a WhatsApp id (1 to 15 digits)", id: "wamid.b1" },
      { problem: '"55 11": the sender is not a WhatsApp id (1 to 15 digits)', id: "wamid.b2" },
      { from: "5511", name: undefined, text: "d", id: "wamid.b3" },
    ]);
    expect(inboundMessages(null)).toEqual([]);
    expect(inboundMessages({ entry: "nope" })).toEqual([]);
  });

  it("sends questions as buttons, lists (with shortened titles) or numbered text", () => {
    const ask = (options: string[]) => outboundMessages("551", [{ type: "ask", prompt: "Q?", input: { type: "choice", options }, retry: 0 }])[0];
    expect(ask(["Sim", "Não"])).toMatchObject({ type: "interactive", interactive: { type: "button" } });
    expect(ask(["Camiseta Básica — R$ 59,90", "B"])).toMatchObject({
      type: "interactive",
      interactive: { type: "list", action: { sections: [{ rows: [{ id: "1", title: "Camiseta Básica — R$ 59…", description: "Camiseta Básica — R$ 59,90" }, { id: "2", title: "B" }] }] } },
    });
    expect(ask(Array.from({ length: 11 }, (_, i) => `o${i + 1}`))).toMatchObject({ type: "text", text: { body: expect.stringMatching(/^Q\?\n1\. o1\n2\. o2\n[\s\S]*11\. o11$/) } });
    expect(outboundMessages("551", [{ type: "media", kind: "file", url: "https://x.example/a.pdf", caption: "A" }])).toEqual([
      { messaging_product: "whatsapp", recipient_type: "individual", to: "551", type: "document", document: { link: "https://x.example/a.pdf", caption: "A" } },
    ]);
    expect(outboundMessages("551", [{ type: "end", reason: "done" }, { type: "handoff" }, { type: "wait", ms: 5 }])).toEqual([]);
  });
});
