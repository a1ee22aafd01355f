// Locale rules (LANGUAGE §3.4, §5.1, §5.2): reading numbers and yes/no
// words in replies, showing numbers and booleans in messages, `fixed`, the
// default "I didn't understand" message, and text normalisation for keywords
// and options. One table per locale keeps every locale-specific word or
// symbol in one place; formatting goes through `Intl`, with formatters
// cached because building one is far slower than using it.

import type { Locale } from "./bundle.js";

interface LocaleRules {
  /** The decimal separator; the other one of `.`/`,` is the grouping separator. */
  decimal: "." | ",";
  /** The fewest digits a whole number has for `Intl.NumberFormat` to group them (es leaves 4 digits alone: `1234`, `12.345`). */
  groupFrom: number;
  /** Currency symbols accepted (and ignored) before a number. */
  currency: readonly string[];
  yes: string;
  no: string;
  /** Normalised words read as yes / no. */
  yesWords: readonly string[];
  noWords: readonly string[];
  invalidMessage: string;
}

const rules: Record<Locale, LocaleRules> = {
  "pt-BR": {
    decimal: ",",
    groupFrom: 4,
    currency: ["R$"],
    yes: "sim",
    no: "não",
    yesWords: ["sim", "s"],
    noWords: ["nao", "n"],
    invalidMessage: "Não entendi. Pode responder de novo?",
  },
  en: {
    decimal: ".",
    groupFrom: 4,
    currency: ["$"],
    yes: "yes",
    no: "no",
    yesWords: ["yes", "y"],
    noWords: ["no", "n"],
    invalidMessage: "Sorry, I didn't understand. Could you answer again?",
  },
  es: {
    decimal: ",",
    groupFrom: 5,
    // `€` for Spain; `$` too, for the peso countries.
    currency: ["€", "$"],
    yes: "sí",
    no: "no",
    yesWords: ["si", "s"],
    noWords: ["no", "n"],
    invalidMessage: "No entendí. ¿Puedes responder de nuevo?",
  },
};

/** The locales the runtime knows. */
export const LOCALES: readonly Locale[] = ["en", "pt-BR", "es"];

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
  const { decimal, currency } = rules[locale];
  const group = decimal === "," ? "." : ",";
  let rest = text.trim();
  let negative = false;
  let signed = false;
  const takeSign = (): void => {
    if (!signed && (rest.startsWith("-") || rest.startsWith("+"))) {
      negative = rest.startsWith("-");
      signed = true;
      rest = rest.slice(1).trimStart();
    }
  };
  takeSign();
  for (const symbol of currency) {
    if (rest.startsWith(symbol)) {
      rest = rest.slice(symbol.length).trimStart();
      break;
    }
  }
  takeSign();
  if (!/^[0-9.,]+$/.test(rest)) return undefined;

  const parts = rest.split(decimal);
  if (parts.length > 2) return undefined;
  let whole = parts[0];
  let fraction = parts.length === 2 ? parts[1] : undefined;
  if (fraction !== undefined && !/^[0-9]+$/.test(fraction)) return undefined;
  if (whole.includes(group)) {
    const grouping = new RegExp(`^[1-9][0-9]{0,2}(?:\\${group}[0-9]{3})+$`);
    if (grouping.test(whole)) {
      whole = whole.split(group).join("");
    } else if (fraction === undefined) {
      // Not grouping: the other separator, once, is a decimal point.
      const pieces = whole.split(group);
      if (pieces.length !== 2 || !/^[0-9]+$/.test(pieces[0]) || !/^[0-9]+$/.test(pieces[1])) return undefined;
      whole = pieces[0];
      fraction = pieces[1];
    } else {
      return undefined;
    }
  }
  if (whole === "" && fraction === undefined) return undefined;
  if (whole !== "" && !/^[0-9]+$/.test(whole)) return undefined;
  const value = Number(`${whole === "" ? "0" : whole}.${fraction ?? "0"}`);
  if (!Number.isFinite(value)) return undefined;
  return negative && value !== 0 ? -value : value;
}

/** Reads an `integer` reply: a number (as `parseNumber`) without a fraction (`2,0` is 2; `2,5` is refused). */
export function parseInteger(text: string, locale: Locale): number | undefined {
  const value = parseNumber(text, locale);
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

/** Reads a yes/no reply by the locale's words, after normalisation; undefined when it is neither. */
export function parseBoolean(text: string, locale: Locale): boolean | undefined {
  const word = normalizeText(text);
  if (rules[locale].yesWords.includes(word)) return true;
  if (rules[locale].noWords.includes(word)) return false;
  return undefined;
}

const formatters = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, digits?: number): Intl.NumberFormat {
  const key = `${locale}/${digits ?? ""}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(
      locale,
      digits === undefined ? undefined : { minimumFractionDigits: digits, maximumFractionDigits: digits },
    );
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Shows a number as `Intl.NumberFormat(locale)` does by default (pt-BR `1.234,5`). */
export function formatNumber(value: number, locale: Locale): string {
  // Whole numbers, the usual case, are grouped here: the same text as Intl's (a test compares them), without its cost on every message.
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    const digits = String(Math.abs(value));
    const { decimal, groupFrom } = rules[locale];
    const grouped = digits.length < groupFrom ? digits : digits.replace(/\B(?=(?:[0-9]{3})+$)/g, decimal === "," ? "." : ",");
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
  return value ? rules[locale].yes : rules[locale].no;
}

/** The message an invalid reply gets when the question has no `invalid "…"` message. */
export function defaultInvalidMessage(locale: Locale): string {
  return rules[locale].invalidMessage;
}
