//! The WhatsApp Cloud API shapes this host speaks: inbound webhook
//! notifications (`entry[].changes[].value.messages[]`) and outbound
//! messages (the body of `POST /{phone-number-id}/messages`).
//!
//! Only what a text conversation needs: text messages and replies to the
//! interactive buttons and lists this host sends. Questions with options go
//! out as reply buttons (up to 3 short options) or a list (up to 10); the
//! option's number is its id, and a reply sends the number back to the flow,
//! which accepts it whatever the label (labels longer than WhatsApp allows
//! are shortened on the button, never in the flow).

import type { FlowEvent } from "@fluxo/sdk";

/** One inbound message, reduced to what the bot needs. */
export interface InboundText {
  /** The sender's WhatsApp id (their phone number without `+`). */
  from: string;
  /** The sender's profile name, when the notification has one. */
  name: string | undefined;
  /** The text: the message body, or the id of the chosen button or list row. */
  text: string;
  /** WhatsApp's message id (`wamid…`). */
  id: string | undefined;
}

/**
 * A message that cannot be answered: its sender is not a WhatsApp id. The
 * host reports it rather than failing (or making WhatsApp redeliver) the batch.
 */
export interface UnusableMessage {
  /** What is wrong, for the host's `errors`. */
  problem: string;
  /** WhatsApp's message id (`wamid…`). */
  id: string | undefined;
}

/** A WhatsApp id: the sender's phone number, digits only, without `+`. */
const WA_ID = /^\d{1,15}$/;

type Json = unknown;

function record(value: Json): Record<string, Json> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, Json>) : undefined;
}

function list(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}

function string(value: Json): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * The text messages of a webhook notification, in order. Other kinds
 * (statuses, images, reactions…) are skipped; a body of the wrong shape
 * gives no messages rather than an exception. A text message whose `from` is
 * not a WhatsApp id (missing, empty, not digits) comes as an
 * `UnusableMessage`, in its place.
 */
export function inboundMessages(body: Json): (InboundText | UnusableMessage)[] {
  const messages: (InboundText | UnusableMessage)[] = [];
  for (const entry of list(record(body)?.["entry"])) {
    for (const change of list(record(entry)?.["changes"])) {
      const value = record(record(change)?.["value"]);
      if (!value) continue;
      const names = new Map<string, string>();
      for (const contact of list(value["contacts"])) {
        const id = string(record(contact)?.["wa_id"]);
        const name = string(record(record(contact)?.["profile"])?.["name"]);
        if (id !== undefined && name !== undefined) names.set(id, name);
      }
      for (const message of list(value["messages"])) {
        const m = record(message);
        if (!m) continue;
        let text: string | undefined;
        if (m["type"] === "text") text = string(record(m["text"])?.["body"]);
        else if (m["type"] === "interactive") {
          const interactive = record(m["interactive"]);
          const reply = record(interactive?.["button_reply"]) ?? record(interactive?.["list_reply"]);
          text = string(reply?.["id"]) ?? string(reply?.["title"]);
        } else if (m["type"] === "button") text = string(record(m["button"])?.["text"]);
        if (text === undefined) continue;
        const from = m["from"];
        const id = string(m["id"]);
        if (typeof from !== "string" || !WA_ID.test(from)) {
          const sender = typeof from === "string" ? JSON.stringify(shorten(from, 40)) : "(no sender)";
          messages.push({ problem: `${sender}: the sender is not a WhatsApp id (1 to 15 digits)`, id });
        } else messages.push({ from, name: names.get(from), text, id });
      }
    }
  }
  return messages;
}

/** An outbound message, as the Cloud API's `POST /messages` takes it. */
export type OutboundMessage = {
  messaging_product: "whatsapp";
  recipient_type: "individual";
  to: string;
} & (
  | { type: "text"; text: { body: string; preview_url?: boolean } }
  | { type: "image" | "video" | "audio" | "document"; [kind: string]: unknown }
  | { type: "interactive"; interactive: Interactive }
);

type Interactive =
  | { type: "button"; body: { text: string }; action: { buttons: { type: "reply"; reply: { id: string; title: string } }[] } }
  | {
      type: "list";
      body: { text: string };
      action: { button: string; sections: { rows: { id: string; title: string; description?: string }[] }[] };
    };

const BUTTON_TITLE = 20;
const ROW_TITLE = 24;
const ROW_DESCRIPTION = 72;

function shorten(text: string, length: number): string {
  const characters = [...text];
  return characters.length <= length ? text : `${characters.slice(0, length - 1).join("")}…`;
}

/**
 * The messages to send for a turn's events. Only what the contact sees
 * becomes a message (`say`, `media`, `ask`); actions, waits, handoffs and
 * ends are the host's business.
 */
export function outboundMessages(to: string, events: readonly FlowEvent[], listButton = "Ver opções"): OutboundMessage[] {
  const base = { messaging_product: "whatsapp", recipient_type: "individual", to } as const;
  const messages: OutboundMessage[] = [];
  for (const event of events) {
    switch (event.type) {
      case "say":
        messages.push({ ...base, type: "text", text: { body: event.text } });
        break;
      case "media": {
        const kind = event.kind === "file" ? "document" : event.kind;
        messages.push({ ...base, type: kind, [kind]: { link: event.url, ...(event.caption !== undefined && kind !== "audio" ? { caption: event.caption } : {}) } });
        break;
      }
      case "ask": {
        const options = event.input.options ?? [];
        if (options.length === 0) {
          messages.push({ ...base, type: "text", text: { body: event.prompt } });
        } else if (options.length <= 3 && options.every((o) => [...o].length <= BUTTON_TITLE)) {
          messages.push({
            ...base,
            type: "interactive",
            interactive: {
              type: "button",
              body: { text: event.prompt },
              action: { buttons: options.map((title, i) => ({ type: "reply", reply: { id: String(i + 1), title } })) },
            },
          });
        } else if (options.length <= 10) {
          messages.push({
            ...base,
            type: "interactive",
            interactive: {
              type: "list",
              body: { text: event.prompt },
              action: {
                button: listButton,
                sections: [
                  {
                    rows: options.map((title, i) => ({
                      id: String(i + 1),
                      title: shorten(title, ROW_TITLE),
                      ...([...title].length > ROW_TITLE ? { description: shorten(title, ROW_DESCRIPTION) } : {}),
                    })),
                  },
                ],
              },
            },
          });
        } else {
          const lines = options.map((option, i) => `${i + 1}. ${option}`);
          messages.push({ ...base, type: "text", text: { body: [event.prompt, ...lines].join("\n") } });
        }
        break;
      }
      case "wait":
      case "action":
      case "handoff":
      case "end":
      case "error":
        break;
      default: {
        const never: never = event;
        void never;
      }
    }
  }
  return messages;
}
