// Reading replies (LANGUAGE §5.2, §5.3): a reply is parsed by the question's
// `InputSpec` into the value the flow's variable gets, or refused. Also the
// format checks of the string subtypes (`email`, `phone`, `date`, `url`,
// §3.2), which `types.ts` uses for action results: input parsing is lenient
// in the documented ways (spaces in phone numbers, day-first dates) and then
// produces the strict form those checks accept.
//
// Pure functions of (text, spec, locale): no state, no clock.

import type { InputSpec, Locale } from "./bundle.js";
import { normalizeText, parseBoolean, parseInteger, parseNumber } from "./locale.js";
import { hasUrl, parseUrl } from "./platform.js";

/** The result of reading a reply: the parsed value, or a refusal. */
export type ParsedReply = { ok: true; value: string | number | boolean } | { ok: false };

const refused: ParsedReply = { ok: false };

// ------------------------------------------------------------ formats

/** `phone`: E.164, `+` and 8–15 digits. */
export function isPhone(text: string): boolean {
  return /^\+[0-9]{8,15}$/.test(text);
}

/** `email`: `local@domain.tld` (the same check as the compiler's). */
export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[A-Za-z]{2,}$/.test(text);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

/** `date`: a real calendar date written `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  return match !== null && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** `url`: an absolute `http`/`https` URL with a host. */
export function isUrl(text: string): boolean {
  if (!/^https?:\/\/[^\s]+$/i.test(text)) return false;
  if (!hasUrl()) return /^https?:\/\/[^/?#\s@]+/i.test(text);
  const url = parseUrl(text);
  return url !== undefined && (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
}

// ------------------------------------------------------------ primitive replies

/** Reads a phone number: spaces, `-`, `(`, `)` removed; in pt-BR a number without `+` gets `+55`. */
export function parsePhone(text: string, locale: Locale): string | undefined {
  let phone = text.replace(/[\s\-()]/g, "");
  if (locale === "pt-BR" && /^[0-9]/.test(phone)) phone = `+55${phone}`;
  return isPhone(phone) ? phone : undefined;
}

/** Reads a date: `YYYY-MM-DD`, and in pt-BR and es also day-first `DD/MM/YYYY` (1 or 2 digit day and month). Gives `YYYY-MM-DD`. */
export function parseDate(text: string, locale: Locale): string | undefined {
  if (isDate(text)) return text;
  if (locale === "en") return undefined;
  const match = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/.exec(text);
  if (!match) return undefined;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isRealDate(year, month, day)) return undefined;
  return `${match[3]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * Reads a reply by its input spec. The reply's surrounding whitespace is
 * trimmed first; `string` gives the trimmed text and refuses an empty one.
 * `choice` gives `values[i]` of the option chosen by `chooseOption`.
 */
export function parseReply(reply: string, spec: InputSpec, locale: Locale): ParsedReply {
  const text = reply.trim();
  let value: string | number | boolean | undefined;
  switch (spec.type) {
    case "string":
      value = text.length > 0 ? text : undefined;
      break;
    case "number":
      value = parseNumber(text, locale);
      break;
    case "integer":
      value = parseInteger(text, locale);
      break;
    case "boolean":
      value = parseBoolean(text, locale);
      break;
    case "email":
      value = isEmail(text) ? text : undefined;
      break;
    case "phone":
      value = parsePhone(text, locale);
      break;
    case "date":
      value = parseDate(text, locale);
      break;
    case "url":
      value = isUrl(text) ? text : undefined;
      break;
    case "choice": {
      const index = chooseOption(text, spec.options.map((label) => [label]));
      value = index >= 0 ? spec.values[index] : undefined;
      break;
    }
    default: {
      const never: never = spec;
      void never;
    }
  }
  return value === undefined ? refused : { ok: true, value };
}

/**
 * Chooses an option (LANGUAGE §5.3): by its 1-based number first, then by the
 * normalised reply equal to one of the option's normalised texts (label, then
 * aliases). No partial match. Returns the option's index, or -1.
 */
export function chooseOption(reply: string, options: readonly (readonly string[])[]): number {
  return chooseNormalized(reply, options.map((texts) => texts.map(normalizeText)));
}

/** `chooseOption` with each option's texts already normalised (the engine normalises a question's options once). */
export function chooseNormalized(reply: string, options: readonly (readonly string[])[]): number {
  // A reply of plain digits is its own normal form: the usual reply skips normalisation.
  const text = /^[0-9]{1,9}$/.test(reply) ? reply : normalizeText(reply);
  if (/^[0-9]{1,9}$/.test(text)) {
    const number = Number(text);
    if (number >= 1 && number <= options.length) return number - 1;
  }
  if (text === "") return -1;
  for (let i = 0; i < options.length; i++) if (options[i].includes(text)) return i;
  return -1;
}
