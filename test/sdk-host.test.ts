// examples/host: the WhatsApp-style webhook service over @fluxo/sdk, run over
// the example flows compiled in memory (the generated module only brings
// types to the host, so the app takes the flows module as a parameter).

import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App, type Flows } from "../examples/host/src/app.js";
import { demoFetch } from "../examples/host/src/demo-api.js";
import { inboundMessages, outboundMessages } from "../examples/host/src/whatsapp.js";
import { defineFlows } from "../packages/sdk/src/index.js";
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

  it("checks X-Hub-Signature-256 when it has the app secret", async () => {
    const signed = createApp(flows, { appSecret: "app-secret" });
    await new Promise<void>((resolve) => signed.server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(signed.server.address() as AddressInfo).port}/webhook`;
    const body = JSON.stringify(notification("5511900000001", "oi"));
    const signature = `sha256=${createHmac("sha256", "app-secret").update(body).digest("hex")}`;
    try {
      expect((await fetch(url, { method: "POST", body })).status).toBe(401);
      expect((await fetch(url, { method: "POST", body, headers: { "x-hub-signature-256": signature.replace(/.$/, (c) => (c === "0" ? "1" : "0")) } })).status).toBe(401);
      expect((await fetch(url, { method: "POST", body, headers: { "x-hub-signature-256": signature } })).status).toBe(200);
    } finally {
      await new Promise((resolve) => signed.server.close(resolve));
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
