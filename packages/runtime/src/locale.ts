// Locale rules (LANGUAGE §3.4, §5.1, §5.2): reading numbers and yes/no
// words in replies, showing numbers and booleans in messages, `fixed`, the
// default "I didn't understand" message, and text normalisation for keywords
// and options. One table per locale keeps every locale-specific word or
// symbol in one place; formatting goes through `Intl`, with formatters
// cached because building one is far slower than using it.

import type { Locale } from "./bundle.js";

interface LocaleRules {
  /** The decimal separator, then the grouping one (the other of `.`/`,`). */
  separators: ",." | ".,";
  /** The fewest digits a whole number has for `Intl.NumberFormat` to group them (es leaves 4 digits alone: `1234`, `12.345`). */
  groupFrom: number;
  /** Currency symbols accepted (and ignored) before a number, as a regular-expression alternation. */
  currency: string;
  /** The words shown for true and false. A reply of either word or of its first letter (normalised) reads as that boolean. */
  yes: string;
  no: string;
  invalidMessage: string;
}

const rules: Record<Locale, LocaleRules> = {
  en: {
    separators: ".,",
    groupFrom: 4,
    currency: "\\$",
    yes: "yes",
    no: "no",
    invalidMessage: "Sorry, I didn't understand. Could you answer again?",
  },
  "pt-BR": {
    separators: ",.",
    groupFrom: 4,
    currency: "R\\$",
    yes: "sim",
    no: "não",
    invalidMessage: "Não entendi. Pode responder de novo?",
  },
  es: {
    separators: ",.",
    groupFrom: 5,
    // `€` for Spain; `$` too, for the peso countries.
    currency: "€|\\$",
    yes: "sí",
    no: "no",
    invalidMessage: "No entendí. ¿Puedes responder de nuevo?",
  },
};

/** The locales the runtime knows. */
export const LOCALES = Object.keys(rules) as readonly Locale[];

/** Whether `value` is a known locale. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * Normalises text for keyword and option matching (LANGUAGE §3.4): Unicode
 * NFD with combining marks removed, lower-cased, every run of characters
 * other than letters and digits turned into one space, ends trimmed. The same
 * function as the compiler's, so bundle keywords and replies agree.
 */
export function normalizeText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Reads a number as LANGUAGE §5.2 says: an optional sign, digits and the
 * locale's decimal separator (pt-BR and es `,`, en `.`); the other separator
 * is grouping when it is well-formed grouping (`1.000`, `12.345.678`: groups
 * of exactly three digits after a first group of 1–3 digits not starting with
 * 0), otherwise a decimal point when it occurs once (`1.5`, `0.500`,
 * `1234.567`); a leading currency symbol of the locale is ignored
 * (`R$ 150`). Returns undefined when the text is not such a number.
 */
export function parseNumber(text: string, locale: Locale): number | undefined {
  const { separators, currency } = rules[locale];
  const [decimal, group] = separators;
  // Each `\s*` follows a token it cannot be confused with, so the match takes linear time.
  const match = new RegExp(`^(?:([-+])\\s*)?(?:(?:${currency})\\s*)?(?:([-+])\\s*)?([0-9.,]+)$`).exec(text.trim());
  // One sign, before or after the currency symbol.
  if (!match || (match[1] && match[2])) return undefined;
  const [, signBefore, signAfter, digits] = match;
  let plain: string;
  // Digits with well-formed grouping or none, then an optional decimal part.
  if (new RegExp(`^(?:\\d*|[1-9]\\d{0,2}(?:\\${group}\\d{3})+)(?:\\${decimal}\\d+)?$`).test(digits)) plain = digits.replaceAll(group, "").replace(decimal, ".");
  // Not grouping: the other separator, once, is a decimal point (a lone decimal separator matched above).
  else if (/^\d+[.,]\d+$/.test(digits)) plain = digits.replace(group, ".");
  else return undefined;
  const value = Number(plain);
  if (!Number.isFinite(value)) return undefined;
  return (signBefore ?? signAfter) === "-" && value !== 0 ? -value : value;
}

/** Reads an `integer` reply: a number (as `parseNumber`) without a fraction (`2,0` is 2; `2,5` is refused). */
export function parseInteger(text: string, locale: Locale): number | undefined {
  const value = parseNumber(text, locale);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Reads a yes/no reply: the locale's word for true or false, or its first letter, after normalisation; undefined when it is neither. */
export function parseBoolean(text: string, locale: Locale): boolean | undefined {
  const reply = normalizeText(text);
  for (const value of [true, false]) {
    const word = normalizeText(formatBoolean(value, locale));
    if (reply === word || reply === word[0]) return value;
  }
  return undefined;
}

const formatters = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, digits?: number): Intl.NumberFormat {
  const key = `${locale}/${digits}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    // Undefined options are Intl's defaults.
    formatter = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Shows a number as `Intl.NumberFormat(locale)` does by default (pt-BR `1.234,5`). */
export function formatNumber(value: number, locale: Locale): string {
  // Whole numbers, the usual case, are grouped here: the same text as Intl's (a test compares them), without its cost on every message.
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    const digits = String(Math.abs(value));
    const { separators, groupFrom } = rules[locale];
    const grouped = digits.length < groupFrom ? digits : digits.replace(/\B(?=(?:\d{3})+$)/g, separators[1]);
    return value < 0 ? `-${grouped}` : grouped;
  }
  return numberFormat(locale).format(value);
}

/** `fixed(n, digits)`: exactly `digits` decimals (pt-BR `fixed(1234.5, 2)` is `1.234,50`). Digits are clamped to 0–20. */
export function formatFixed(value: number, digits: number, locale: Locale): string {
  const clamped = Math.min(20, Math.max(0, Math.trunc(digits)));
  return numberFormat(locale, clamped).format(value);
}

/** Shows a boolean as the locale's yes/no word (`sim`/`não`, `yes`/`no`, `sí`/`no`). */
export function formatBoolean(value: boolean, locale: Locale): string {
  return rules[locale][value ? "yes" : "no"];
}

/** The message an invalid reply gets when the question has no `invalid "…"` message. */
export function defaultInvalidMessage(locale: Locale): string {
  return rules[locale].invalidMessage;
}
