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
/**
 * After a 413, how much more of the body is read (and dropped) and for how
 * long, so that a client still sending it gets to read the answer; past
 * that, the connection is closed.
 */
const MAX_DRAIN = 16 * 1024 * 1024;
const DRAIN_MS = 10_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The client went away before sending its whole body: nobody to answer. */
class ClientGone extends Error {}

/**
 * The request's body, up to MAX_BODY bytes. A longer body is a 413, answered
 * at once: the rest of the body is read and dropped (up to MAX_DRAIN bytes or
 * DRAIN_MS) so that the client, still sending, gets to read the answer rather
 * than a reset; then the connection is closed.
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let drainTimer: NodeJS.Timeout | undefined;
    const tooLarge = () => {
      chunks.length = 0;
      drainTimer = setTimeout(() => request.destroy(), DRAIN_MS).unref();
      reject(new HttpError(413, "body too large"));
    };
    request.on("data", (chunk: Buffer) => {
      const wasTooLarge = size > MAX_BODY;
      size += chunk.length;
      if (wasTooLarge) {
        if (size > MAX_BODY + MAX_DRAIN) request.destroy();
      } else if (size <= MAX_BODY) chunks.push(chunk);
      else tooLarge();
    });
    // A body announced too large is refused before any of it is kept.
    if (Number(request.headers["content-length"]) > MAX_BODY) {
      size = MAX_BODY + 1;
      tooLarge();
    }
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", () => reject(new ClientGone()));
    request.on("close", () => {
      clearTimeout(drainTimer);
      if (!request.complete) reject(new ClientGone());
    });
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

/** The request's URL; a request line that is no URL (`//[x`) is a 400. */
function parseUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? "/", "http://localhost");
  } catch {
    throw new HttpError(400, "the request target is not a URL");
  }
}

function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "the path is not valid percent-encoded UTF-8");
  }
}

/** A JSON body that must be an object (`null`, arrays and scalars are a 400). */
function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "the body must be a JSON object");
  return body as Record<string, unknown>;
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
    const expected = Buffer.from(`sha256=${createHmac("sha256", options.appSecret).update(body).digest("hex")}`);
    // Compare bytes: a header with non-ASCII characters has more bytes than characters.
    const given = Buffer.from(typeof header === "string" ? header : "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, "bad X-Hub-Signature-256");
    }
  }

  /**
   * Runs a notification's messages one by one, each with its own result: a
   * message that fails is reported under `errors` and the others still run.
   * WhatsApp redelivers a notification unless it gets a 200, so the batch is a
   * 200 as soon as one message was applied (redelivering would apply it
   * twice); it is a 500 only when nothing was applied and some message failed
   * for the host's own reasons (a store down…), so that it comes again.
   */
  async function webhook(body: unknown): Promise<{ messages: OutboundMessage[]; errors?: string[] }> {
    const messages: OutboundMessage[] = [];
    const errors: string[] = [];
    let applied = 0;
    let retriable = 0;
    for (const inbound of inboundMessages(body)) {
      if ("problem" in inbound) {
        errors.push(inbound.problem);
        log(`message ${inbound.id === undefined ? "without id" : JSON.stringify(inbound.id)}: ${inbound.problem}`);
        continue;
      }
      try {
        const events = await bot.receive({ sessionId: inbound.from, text: inbound.text, context: contextOf(inbound.from, inbound.name) });
        messages.push(...deliver(inbound.from, events));
        applied++;
      } catch (error) {
        if (error instanceof BotError && error.code !== "conflict") {
          // A message the bot cannot take (a number that is not E.164…): redelivering it would not help.
          errors.push(`${inbound.from}: ${error.message}`);
          log(`${inbound.from}: ${error.message}`);
        } else {
          retriable++;
          errors.push(`${inbound.from}: internal error`);
          log(`${inbound.from}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
      }
    }
    if (applied === 0 && retriable > 0) throw new HttpError(500, "internal error");
    return errors.length > 0 ? { messages, errors } : { messages };
  }

  async function event(name: string, body: unknown): Promise<{ messages: OutboundMessage[] }> {
    if (!isEventName(name)) throw new HttpError(404, `no flow starts on event ${JSON.stringify(name)} (events: ${[...eventNames].join(", ")})`);
    const { to, name: contactName, payload } = objectBody(body);
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
    try {
      const url = parseUrl(request.url);
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
      if (url.pathname.startsWith("/events/")) return send(response, 200, await event(decodePath(url.pathname.slice("/events/".length)), parseJson(raw)));
      if (url.pathname === "/tick") {
        const { now } = objectBody(parseJson(raw));
        if (now !== undefined && (typeof now !== "string" || Number.isNaN(new Date(now).getTime()))) throw new HttpError(400, "`now` must be an ISO time");
        return send(response, 200, { messages: await tick(now === undefined ? undefined : new Date(now)) });
      }
      send(response, 404, { error: "not found" });
    } catch (error) {
      if (error instanceof ClientGone) return log(`${request.method ?? "?"} ${request.url ?? "?"}: the client left before sending its whole body`);
      if (error instanceof HttpError) return send(response, error.status, { error: error.message });
      if (error instanceof BotError) return send(response, 422, { error: error.message });
      log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      send(response, 500, { error: "internal error" });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // Only a failure to answer gets here (the socket is gone…): nothing is left to tell the client.
      log(`could not answer ${request.method ?? "?"} ${request.url ?? "?"}: ${error instanceof Error ? error.message : String(error)}`);
      response.destroy();
    });
  });
  return { bot, crm, server, tick };
}
