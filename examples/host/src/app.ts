//! The webhook service: an HTTP server (node:http) over a bot of the example
//! flows. It takes WhatsApp Cloud API webhook notifications and answers with
//! the messages it would send, as JSON, so it can be tried with curl; a
//! production host would send them with the Cloud API instead.
//!
//!   GET  /webhook   the Cloud API's verification handshake (hub.challenge)
//!   POST /webhook   inbound messages → { messages: [outbound…] }
//!   POST /events/NAME  { to, name?, payload } → starts the flow of event NAME
//!   POST /tick      { now? } → runs due question timeouts
//!   GET  /healthz
//!
//! The flows module is a parameter (its type comes from the generated
//! module), so tests can run the app over a bundle compiled in memory.

import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { BotError, createBot, MemoryStore, type Bot, type FetchLike, type FlowEvent, type SessionStore } from "@fluxo/sdk";
import { demoActions, DemoCrm } from "./actions.js";
import type flows from "./generated/flows.js";
import type { Context, EventName, FlowsSpec } from "./generated/flows.js";
import { inboundMessages, outboundMessages, type OutboundMessage } from "./whatsapp.js";

export type Flows = typeof flows;

export interface AppOptions {
  store?: SessionStore;
  /** Used by HTTP actions (default: the platform's `fetch`). */
  fetch?: FetchLike;
  secrets?: Record<string, string | undefined>;
  clock?: () => Date;
  /** The token of the Cloud API's verification handshake (`GET /webhook`). */
  verifyToken?: string;
  /** The app secret: when set, `POST /webhook` requires a valid `X-Hub-Signature-256`. */
  appSecret?: string;
  log?: (line: string) => void;
}

export interface App {
  readonly bot: Bot<FlowsSpec>;
  readonly crm: DemoCrm;
  readonly server: Server;
  /** Runs due timeouts; returns the messages they produce. */
  tick(now?: Date): Promise<OutboundMessage[]>;
}

const MAX_BODY = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, "body too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "the body is not JSON");
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(status, { "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8" });
  response.end(text);
}

/** The context of a WhatsApp contact: the profile name and the number in E.164. */
function contextOf(waId: string, name: string | undefined): Context {
  return { nome: name ?? "cliente", telefone: `+${waId}` };
}

export function createApp(flows: Flows, options: AppOptions = {}): App {
  const log = options.log ?? (() => {});
  const crm = new DemoCrm();
  const bot = createBot(flows, {
    store: options.store ?? new MemoryStore(),
    actions: demoActions(crm),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    onRefusedState: ({ sessionId, message }) => log(`session ${sessionId} starts over: ${message}`),
  });
  const eventNames = new Set<string>(
    Object.values(flows.bundle.flows).flatMap((flow) => flow.triggers.flatMap((trigger) => ("event" in trigger ? [trigger.event] : []))),
  );
  const isEventName = (name: string): name is EventName => eventNames.has(name);

  const deliver = (to: string, events: readonly FlowEvent[]): OutboundMessage[] => {
    for (const event of events) {
      if (event.type === "handoff") log(`${to}: handed off to ${event.department ?? "a person"}`);
      if (event.type === "error") log(`${to}: flow error ${event.code}: ${event.message} at ${event.at}`);
    }
    return outboundMessages(to, events);
  };

  function checkSignature(request: IncomingMessage, body: Buffer): void {
    if (options.appSecret === undefined) return;
    const header = request.headers["x-hub-signature-256"];
    const expected = `sha256=${createHmac("sha256", options.appSecret).update(body).digest("hex")}`;
    if (typeof header !== "string" || header.length !== expected.length || !timingSafeEqual(Buffer.from(header), Buffer.from(expected))) {
      throw new HttpError(401, "bad X-Hub-Signature-256");
    }
  }

  async function webhook(body: unknown): Promise<{ messages: OutboundMessage[]; errors?: string[] }> {
    const messages: OutboundMessage[] = [];
    const errors: string[] = [];
    for (const inbound of inboundMessages(body)) {
      try {
        const events = await bot.receive({ sessionId: inbound.from, text: inbound.text, context: contextOf(inbound.from, inbound.name) });
        messages.push(...deliver(inbound.from, events));
      } catch (error) {
        // A message the bot cannot take (a number that is not E.164…) must not make WhatsApp redeliver the batch.
        if (!(error instanceof BotError)) throw error;
        errors.push(`${inbound.from}: ${error.message}`);
        log(`${inbound.from}: ${error.message}`);
      }
    }
    return errors.length > 0 ? { messages, errors } : { messages };
  }

  async function event(name: string, body: unknown): Promise<{ messages: OutboundMessage[] }> {
    if (!isEventName(name)) throw new HttpError(404, `no flow starts on event ${JSON.stringify(name)} (events: ${[...eventNames].join(", ")})`);
    const { to, name: contactName, payload } = (body ?? {}) as { to?: unknown; name?: unknown; payload?: unknown };
    if (typeof to !== "string" || !/^\d{8,15}$/.test(to)) throw new HttpError(400, "`to` must be a WhatsApp id (digits only)");
    // The payload comes from JSON: the engine checks it against the flow's parameters.
    const events = await bot.emit(name, (payload ?? {}) as FlowsSpec["events"][typeof name], {
      sessionId: to,
      context: contextOf(to, typeof contactName === "string" ? contactName : undefined),
    });
    return { messages: deliver(to, events) };
  }

  async function tick(now?: Date): Promise<OutboundMessage[]> {
    const turns = await bot.tick(now);
    return turns.flatMap((turn) => deliver(turn.sessionId, turn.events));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    try {
      if (request.method === "GET" && url.pathname === "/healthz") return send(response, 200, "ok\n");
      if (request.method === "GET" && url.pathname === "/webhook") {
        const ok = url.searchParams.get("hub.mode") === "subscribe" && options.verifyToken !== undefined && url.searchParams.get("hub.verify_token") === options.verifyToken;
        return ok ? send(response, 200, url.searchParams.get("hub.challenge") ?? "") : send(response, 403, "forbidden\n");
      }
      if (request.method !== "POST") return send(response, 404, { error: "not found" });
      const raw = await readBody(request);
      if (url.pathname === "/webhook") {
        checkSignature(request, raw);
        return send(response, 200, await webhook(parseJson(raw)));
      }
      if (url.pathname.startsWith("/events/")) return send(response, 200, await event(decodeURIComponent(url.pathname.slice("/events/".length)), parseJson(raw)));
      if (url.pathname === "/tick") {
        const { now } = parseJson(raw) as { now?: unknown };
        const date = typeof now === "string" ? new Date(now) : undefined;
        if (date && Number.isNaN(date.getTime())) throw new HttpError(400, "`now` must be an ISO time");
        return send(response, 200, { messages: await tick(date) });
      }
      send(response, 404, { error: "not found" });
    } catch (error) {
      if (error instanceof HttpError) return send(response, error.status, { error: error.message });
      if (error instanceof BotError) return send(response, 422, { error: error.message });
      log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      send(response, 500, { error: "internal error" });
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  return { bot, crm, server, tick };
}
