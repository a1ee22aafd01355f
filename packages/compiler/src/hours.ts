//! `withinHours` specs (LANGUAGE §6): `"mon-fri 08:00-18:00; sat 09:00-12:00"`.
//! Parsed and validated at compile time (FX3006); ranges include their start
//! and exclude their end.

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface HoursRule {
  /** Days of the week, 0 = Sunday … 6 = Saturday. */
  days: Weekday[];
  /** Minute ranges [start, end) within the day. */
  ranges: { start: number; end: number }[];
}

const dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function parseTime(text: string): number | undefined {
  const match = /^([0-9]{1,2}):([0-9]{2})$/.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
}

/** Parses a spec; returns the rules, or a message saying what is wrong. */
export function parseHoursSpec(spec: string): HoursRule[] | string {
  const rules: HoursRule[] = [];
  const clauses = spec.split(";").map((c) => c.trim()).filter((c) => c.length > 0);
  if (clauses.length === 0) return "expected at least one 'days HH:MM-HH:MM' clause";
  for (const clause of clauses) {
    const [dayPart, ...timeParts] = clause.split(/\s+/);
    if (!dayPart || timeParts.length === 0) return `'${clause}': expected days then time ranges, like 'mon-fri 08:00-18:00'`;
    const days = new Set<Weekday>();
    for (const item of dayPart.toLowerCase().split(",")) {
      const [from, to, extra] = item.split("-");
      const start = dayNames.indexOf(from ?? "");
      const end = to === undefined ? start : dayNames.indexOf(to);
      if (start < 0 || end < 0 || extra !== undefined) {
        return `'${item}': expected a day (mon, tue, wed, thu, fri, sat, sun) or a range like mon-fri`;
      }
      for (let d = start; ; d = (d + 1) % 7) {
        days.add(d as Weekday);
        if (d === end) break;
      }
    }
    const ranges: { start: number; end: number }[] = [];
    for (const range of timeParts.join("").split(",")) {
      const [from, to, extra] = range.split("-");
      const start = parseTime(from ?? "");
      const end = parseTime(to ?? "");
      if (start === undefined || end === undefined || extra !== undefined) {
        return `'${range}': expected a time range like 08:00-18:00`;
      }
      if (end <= start) return `'${range}': the end must come after the start`;
      ranges.push({ start, end });
    }
    rules.push({ days: [...days].sort(), ranges });
  }
  return rules;
}

/** Whether an IANA time zone name is known to this platform's Intl. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
