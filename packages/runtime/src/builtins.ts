// The built-in functions of LANGUAGE §6 (`lower`, `len`, `matches`,
// `fixed`, `today`, `withinHours`, `secret`, …). Each checks its arguments
// at run time even though the checker already did: a bundle is untrusted
// input, and a wrong argument must become a `FlowError`, never a host crash.
//
// Time comes only from the injected clock (`env.now`), and time zones only
// through `Intl.DateTimeFormat`, so tests are deterministic and the module
// runs on every platform. Parsed hours specs, compiled patterns and date
// formatters are cached: flows call the same few over and over.

import type { Locale } from "./bundle.js";
import { failExpression } from "./errors.js";
import type { Json } from "./json.js";
import { getOwn, hasOwn, jsonEqual } from "./json.js";
import { formatFixed, parseNumber } from "./locale.js";
import { patternProblem } from "./pattern.js";

/** What built-ins read from their surroundings. */
export interface BuiltinEnv {
  readonly locale: Locale;
  /** The bundle's time zone (for `today()`). */
  readonly timeZone: string;
  /** The injected clock. */
  readonly now: () => Date;
  /** The host's secrets while an HTTP template is evaluated; null everywhere else (`secret()` is refused there). */
  readonly secrets: Readonly<Record<string, string | undefined>> | null;
  /** Where `secret()` records each value it returns (while an HTTP request is built: its response is masked for them). */
  readonly secretsRead?: string[];
}

/**
 * `cache.get(key)`, or else `create(key)` stored under `key`. Keys can come
 * from flows, so a full cache is emptied rather than left to grow.
 */
function cached<T>(cache: Map<string, T>, key: string, create: (key: string) => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = create(key);
    if (cache.size >= 256) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/**
 * The built-ins: the kind of each argument (`s` a string, `n` a finite
 * number, `*` anything the function checks itself) and what it computes.
 */
const BUILTINS: Record<string, [string, (args: any[], env: BuiltinEnv) => Json]> = {
  lower: ["s", ([s]) => s.toLowerCase()],
  upper: ["s", ([s]) => s.toUpperCase()],
  trim: ["s", ([s]) => s.trim()],
  len: [
    "*",
    ([value]) => {
      if (Array.isArray(value)) return value.length;
      // Code points, not UTF-16 units: an emoji counts as one character.
      if (typeof value === "string") return [...value].length;
      return failExpression("len(): argument 1 must be a string or a list");
    },
  ],
  contains: ["**", ([whole, part]) => (Array.isArray(whole) ? whole.some((element) => jsonEqual(element, part)) : checked("contains", "ss", [whole, part])[0].includes(part))],
  startsWith: ["ss", ([s, part]) => s.startsWith(part)],
  endsWith: ["ss", ([s, part]) => s.endsWith(part)],
  matches: [
    "ss",
    ([subject, pattern]) => {
      const regexp = cached(patterns, pattern, () => {
        const problem = patternProblem(pattern);
        if (problem !== undefined) failExpression(`matches(): the pattern ${JSON.stringify(pattern.slice(0, 100))} ${problem}`);
        return new RegExp(pattern, "u");
      });
      // Polynomial backtracking (`^\d*\d*$`) stays bounded: longer texts are refused, never run (see pattern.ts).
      if (subject.length > MAX_MATCH_LENGTH) failExpression(`matches(): the text is ${subject.length} characters, over ${MAX_MATCH_LENGTH}`);
      return regexp.test(subject);
    },
  ],
  toNumber: ["*", ([value], env) => (typeof value === "number" ? value : (parseNumber(checked("toNumber", "s", [value])[0], env.locale) ?? null))],
  // Half away from zero, as Intl rounds when it shows numbers.
  round: ["n", ([n]) => zeroless(Math.sign(n) * Math.round(Math.abs(n)))],
  floor: ["n", ([n]) => zeroless(Math.floor(n))],
  ceil: ["n", ([n]) => zeroless(Math.ceil(n))],
  fixed: ["nn", ([n, digits], env) => formatFixed(n, digits, env.locale)],
  today: ["", (_, env) => today(now(env), env.timeZone)],
  withinHours: ["ss", ([spec, timeZone], env) => withinHours(spec, timeZone, now(env))],
  secret: [
    "s",
    ([name], { secrets, secretsRead }) => {
      if (secrets === null) failExpression("secret() can only be used in an HTTP action's request");
      const value = getOwn(secrets, name);
      if (typeof value !== "string") failExpression(`secret '${name}' is not set`);
      secretsRead?.push(value);
      return value;
    },
  ],
};

/** The names of the built-in functions and their number of arguments. */
export const BUILTIN_ARITY: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(BUILTINS).map(([name, [kinds]]) => [name, kinds.length]));

const KINDS: Record<string, string | undefined> = { s: "string", n: "number" };

/** `args`, after checking each against its kind in `kinds` (see `BUILTINS`). */
function checked(name: string, kinds: string, args: readonly unknown[]): any[] {
  args.forEach((value, i) => {
    const kind = KINDS[kinds[i]];
    if (kind && (typeof value !== kind || (kind === "number" && !Number.isFinite(value)))) failExpression(`${name}(): argument ${i + 1} must be a ${kind}`);
  });
  return args as unknown[];
}

/** Calls built-in `name` with evaluated arguments. Throws `FlowError` on a bad call. */
export function callBuiltin(name: string, args: readonly unknown[], env: BuiltinEnv): Json {
  const [kinds, compute] = hasOwn(BUILTINS, name) ? BUILTINS[name] : failExpression(`unknown function '${name}'`);
  if (args.length !== kinds.length) failExpression(`${name}() takes ${kinds.length} argument(s), got ${args.length}`);
  return compute(checked(name, kinds, args), env);
}

/** `value`, with -0 (falsy) turned into 0. */
function zeroless(value: number): number {
  return value || 0;
}

function now(env: BuiltinEnv): Date {
  const date = env.now();
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) failExpression("the clock returned an invalid date");
  return date;
}

// ------------------------------------------------------------ patterns

/** Compiled patterns, each checked by `patternProblem` first: an invalid or unsafe one is a `FlowError`. */
const patterns = new Map<string, RegExp>();

/**
 * The longest text `matches()` runs a pattern on: the default
 * `limits.replyLength`, so any reply a flow accepts can be matched.
 */
export const MAX_MATCH_LENGTH = 4096;

// ------------------------------------------------------------ dates and hours

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string): Intl.DateTimeFormat {
  return cached(dateFormats, timeZone, () => {
    try {
      return new Intl.DateTimeFormat("en-US", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      return failExpression(`unknown time zone ${JSON.stringify(timeZone.slice(0, 100))}`);
    }
  });
}

/** Whether `name` is an IANA time zone this platform's `Intl` knows. */
export function isTimeZone(name: string): boolean {
  // Creating a formatter takes a millisecond or more; bundles name one zone, checked on every load: the formatter is cached for `today()`.
  try {
    dateFormat(name);
    return true;
  } catch {
    return false;
  }
}

const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** The wall-clock parts (`year`, `weekday`, `hour`, …) of `instant` in `timeZone`. */
function localParts(instant: Date, timeZone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const part of dateFormat(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return parts;
}

/** `today()`: the date (`YYYY-MM-DD`) of `instant` in `timeZone`. */
export function today(instant: Date, timeZone: string): string {
  const { year, month, day } = localParts(instant, timeZone);
  return `${year}-${month}-${day}`;
}

/** One clause of an hours spec: days of the week and minute ranges `[start, end)`. */
export interface HoursRule {
  days: number[];
  ranges: { start: number; end: number }[];
}

/** `HH:MM` as minutes since midnight, up to `24:00`. */
function parseTime(text: string): number | undefined {
  const match = /^(\d\d?):([0-5]\d)$/.exec(text);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Infinity;
  return minutes <= 24 * 60 ? minutes : undefined;
}

/**
 * Parses an hours spec like `"mon-fri 08:00-18:00; sat 09:00-12:00"`: clauses
 * separated by `;`, each days (`sun`…`sat`, ranges `mon-fri` that may wrap
 * (`fri-mon`), comma lists) then time ranges `HH:MM-HH:MM` (comma lists;
 * `24:00` ends a day). The same grammar as the compiler's check (FX3006).
 * Returns the rules, or a message saying what is wrong.
 */
export function parseHoursSpec(spec: string): HoursRule[] | string {
  const rules: HoursRule[] = [];
  const clauses = spec.split(";").map((c) => c.trim()).filter((c) => c !== "");
  if (clauses.length === 0) return "expected at least one 'days HH:MM-HH:MM' clause";
  for (const clause of clauses) {
    // A clause is trimmed and not empty: the days are never empty.
    const [dayPart, ...timeParts] = clause.split(/\s+/);
    if (timeParts.length === 0) return `'${clause}': expected days then time ranges, like 'mon-fri 08:00-18:00'`;
    const days = new Set<number>();
    for (const item of dayPart.toLowerCase().split(",")) {
      const [start, end = start, ...extra] = item.split("-").map((day) => weekdays.indexOf(day));
      if (start < 0 || end < 0 || extra.length > 0) return `'${item}': expected a day (mon … sun) or a range like mon-fri`;
      for (let d = start; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === end) break;
      }
    }
    const ranges: { start: number; end: number }[] = [];
    for (const range of timeParts.join("").split(",")) {
      const [start, end, ...extra] = range.split("-").map(parseTime);
      if (start === undefined || end === undefined || extra.length > 0) return `'${range}': expected a time range like 08:00-18:00`;
      if (end <= start) return `'${range}': the end must come after the start`;
      ranges.push({ start, end });
    }
    rules.push({ days: [...days].sort(), ranges });
  }
  return rules;
}

const hoursSpecs = new Map<string, HoursRule[]>();

/** `withinHours(spec, timeZone)`: whether `instant`, in `timeZone`, falls in one of the spec's ranges (start included, end excluded). */
export function withinHours(spec: string, timeZone: string, instant: Date): boolean {
  const rules = cached(hoursSpecs, spec, () => {
    const parsed = parseHoursSpec(spec);
    return typeof parsed === "string" ? failExpression(`withinHours(): invalid hours spec: ${parsed.slice(0, 200)}`) : parsed;
  });
  const parts = localParts(instant, timeZone);
  const weekday = weekdays.indexOf(String(parts.weekday).toLowerCase().slice(0, 3));
  // Some engines print midnight as 24 even with h23.
  const minutes = (Number(parts.hour) % 24) * 60 + Number(parts.minute);
  return rules.some((rule) => rule.days.includes(weekday) && rule.ranges.some((range) => minutes >= range.start && minutes < range.end));
}
