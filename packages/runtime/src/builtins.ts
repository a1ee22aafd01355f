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
import { FlowError } from "./errors.js";
import type { Json } from "./json.js";
import { jsonEqual } from "./json.js";
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
      throw new FlowError("expression", "len(): argument 1 must be a string or a list");
    },
  ],
  contains: ["**", ([whole, part]) => (Array.isArray(whole) ? whole.some((element) => jsonEqual(element, part)) : checked("contains", "ss", [whole, part])[0].includes(part))],
  startsWith: ["ss", ([s, part]) => s.startsWith(part)],
  endsWith: ["ss", ([s, part]) => s.endsWith(part)],
  matches: [
    "ss",
    ([subject, pattern]) => {
      const regexp = compilePattern(pattern);
      // Polynomial backtracking (`^\d*\d*$`) stays bounded: longer texts are refused, never run (see pattern.ts).
      if (subject.length > MAX_MATCH_LENGTH) throw new FlowError("expression", `matches(): the text is ${subject.length} characters, over ${MAX_MATCH_LENGTH}`);
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
    ([name], env) => {
      if (env.secrets === null) throw new FlowError("expression", "secret() can only be used in an HTTP action's request");
      const value = Object.prototype.hasOwnProperty.call(env.secrets, name) ? env.secrets[name] : undefined;
      if (typeof value !== "string") throw new FlowError("expression", `secret '${name}' is not set`);
      return value;
    },
  ],
};

/** The names of the built-in functions and their number of arguments. */
export const BUILTIN_ARITY: Readonly<Record<string, number>> = Object.fromEntries(Object.keys(BUILTINS).map((name) => [name, BUILTINS[name][0].length]));

/** `args`, after checking each against its kind in `kinds` (see `BUILTINS`). */
function checked(name: string, kinds: string, args: readonly unknown[]): any[] {
  args.forEach((value, i) => {
    const kind = kinds[i] === "s" ? "string" : kinds[i] === "n" ? "number" : undefined;
    if (kind && (typeof value !== kind || (kind === "number" && !Number.isFinite(value)))) throw new FlowError("expression", `${name}(): argument ${i + 1} must be a ${kind}`);
  });
  return args as unknown[];
}

/** Calls built-in `name` with evaluated arguments. Throws `FlowError` on a bad call. */
export function callBuiltin(name: string, args: readonly unknown[], env: BuiltinEnv): Json {
  const builtin = Object.prototype.hasOwnProperty.call(BUILTINS, name) ? BUILTINS[name] : undefined;
  if (builtin === undefined) throw new FlowError("expression", `unknown function '${name}'`);
  const [kinds, compute] = builtin;
  if (args.length !== kinds.length) throw new FlowError("expression", `${name}() takes ${kinds.length} argument(s), got ${args.length}`);
  return compute(checked(name, kinds, args), env);
}

function zeroless(value: number): number {
  return Object.is(value, -0) ? 0 : value;
}

function now(env: BuiltinEnv): Date {
  const date = env.now();
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new FlowError("expression", "the clock returned an invalid date");
  return date;
}

// ------------------------------------------------------------ patterns

const patterns = new Map<string, RegExp>();

/**
 * The longest text `matches()` runs a pattern on: the default
 * `limits.replyLength`, so any reply a flow accepts can be matched.
 */
export const MAX_MATCH_LENGTH = 4096;

/** Compiles an ECMAScript pattern with the `u` flag; an invalid or unsafe one (`patternProblem`) is a `FlowError`. */
export function compilePattern(pattern: string): RegExp {
  let regexp = patterns.get(pattern);
  if (!regexp) {
    const problem = patternProblem(pattern);
    if (problem !== undefined) throw new FlowError("expression", `matches(): the pattern ${JSON.stringify(pattern.slice(0, 100))} ${problem}`);
    regexp = new RegExp(pattern, "u");
    if (patterns.size >= 256) patterns.clear();
    patterns.set(pattern, regexp);
  }
  return regexp;
}

// ------------------------------------------------------------ dates and hours

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", {
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
      throw new FlowError("expression", `unknown time zone ${JSON.stringify(timeZone.slice(0, 100))}`);
    }
    dateFormats.set(timeZone, format);
  }
  return format;
}

/** Whether `name` is an IANA time zone this platform's `Intl` knows. */
export function isTimeZone(name: string): boolean {
  let known = timeZones.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    // Creating a formatter takes a millisecond or more; bundles name one zone, checked on every load.
    if (timeZones.size < 1000) timeZones.set(name, known);
  }
  return known;
}

const timeZones = new Map<string, boolean>();

interface LocalTime {
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** The wall-clock date, weekday and time of `instant` in `timeZone`. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of dateFormat(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  // Some engines print midnight as 24 even with h23.
  const hour = Number(parts.hour) % 24;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: weekdays.indexOf((parts.weekday ?? "").toLowerCase().slice(0, 3)),
    minutes: hour * 60 + Number(parts.minute),
  };
}

/** `today()`: the date (`YYYY-MM-DD`) of `instant` in `timeZone`. */
export function today(instant: Date, timeZone: string): string {
  return localTime(instant, timeZone).date;
}

/** One clause of an hours spec: days of the week and minute ranges `[start, end)`. */
export interface HoursRule {
  days: number[];
  ranges: { start: number; end: number }[];
}

function parseTime(text: string): number | undefined {
  const match = /^([0-9]{1,2}):([0-9]{2})$/.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
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
  const clauses = spec.split(";").map((c) => c.trim()).filter((c) => c.length > 0);
  if (clauses.length === 0) return "expected at least one 'days HH:MM-HH:MM' clause";
  for (const clause of clauses) {
    const [dayPart, ...timeParts] = clause.split(/\s+/);
    if (!dayPart || timeParts.length === 0) return `'${clause}': expected days then time ranges, like 'mon-fri 08:00-18:00'`;
    const days = new Set<number>();
    for (const item of dayPart.toLowerCase().split(",")) {
      const [from, to, extra] = item.split("-");
      const start = weekdays.indexOf(from ?? "");
      const end = to === undefined ? start : weekdays.indexOf(to);
      if (start < 0 || end < 0 || extra !== undefined) return `'${item}': expected a day (mon … sun) or a range like mon-fri`;
      for (let d = start; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === end) break;
      }
    }
    const ranges: { start: number; end: number }[] = [];
    for (const range of timeParts.join("").split(",")) {
      const [from, to, extra] = range.split("-");
      const start = parseTime(from ?? "");
      const end = parseTime(to ?? "");
      if (start === undefined || end === undefined || extra !== undefined) return `'${range}': expected a time range like 08:00-18:00`;
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
  let rules = hoursSpecs.get(spec);
  if (!rules) {
    const parsed = parseHoursSpec(spec);
    if (typeof parsed === "string") throw new FlowError("expression", `withinHours(): invalid hours spec: ${parsed.slice(0, 200)}`);
    if (hoursSpecs.size >= 256) hoursSpecs.clear();
    hoursSpecs.set(spec, parsed);
    rules = parsed;
  }
  const local = localTime(instant, timeZone);
  return rules.some((rule) => rule.days.includes(local.weekday) && rule.ranges.some((r) => local.minutes >= r.start && local.minutes < r.end));
}
