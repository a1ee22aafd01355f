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
import { hasOwn } from "./json.js";
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

/** `date`: a real calendar date written `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  // A day or month out of range rolls over to another date (Date keeps years 0–99 as given here, unlike Date.UTC).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `url`: an absolute `http`/`https` URL with a host. */
export function isUrl(text: string): boolean {
  if (!/^https?:\/\/[^\s]+$/i.test(text)) return false;
  if (!hasUrl()) return /^https?:\/\/[^/?#\s@]+/i.test(text);
  const url = parseUrl(text);
  return url !== undefined && /^https?:$/.test(url.protocol) && url.hostname.length > 0;
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
  const iso =
    locale === "en"
      ? text
      : text.replace(/^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/, (_, day: string, month: string, year: string) => `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`);
  return isDate(iso) ? iso : undefined;
}

/** The text itself when `check` accepts it. */
const checkedBy =
  (check: (text: string) => boolean) =>
  (text: string): string | undefined =>
    check(text) ? text : undefined;

/** How each input type but `choice` reads a (trimmed) reply; undefined refuses it. */
const readers: Record<Exclude<InputSpec["type"], "choice">, (text: string, locale: Locale) => string | number | boolean | undefined> = {
  string: (text) => text || undefined,
  number: parseNumber,
  integer: parseInteger,
  boolean: parseBoolean,
  email: checkedBy(isEmail),
  phone: parsePhone,
  date: parseDate,
  url: checkedBy(isUrl),
};

/**
 * Reads a reply by its input spec. The reply's surrounding whitespace is
 * trimmed first; `string` gives the trimmed text and refuses an empty one.
 * `choice` gives `values[i]` of the option chosen by `chooseOption`.
 */
export function parseReply(reply: string, spec: InputSpec, locale: Locale): ParsedReply {
  const text = reply.trim();
  // No option chosen (-1) reads `values[-1]`: undefined. An unknown type (from a host calling this directly) is refused.
  const value =
    spec.type === "choice"
      ? spec.values[chooseOption(text, spec.options.map((label) => [label]))]
      : hasOwn(readers, spec.type)
        ? readers[spec.type](text, locale)
        : undefined;
  return value === undefined ? refused : { ok: true, value };
}

/** A reply choosing an option by its number. */
const NUMBER = /^[0-9]{1,9}$/;

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
  const text = NUMBER.test(reply) ? reply : normalizeText(reply);
  const number = NUMBER.test(text) ? Number(text) : 0;
  if (number >= 1 && number <= options.length) return number - 1;
  return text === "" ? -1 : options.findIndex((texts) => texts.includes(text));
}
