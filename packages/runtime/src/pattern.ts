// Guarding `matches()` against catastrophic backtracking. Patterns come from
// bundles (untrusted) and the texts they run on from users (untrusted), and
// ECMAScript's backtracking matcher takes exponential time on some patterns
// (`(a+)+$` on `"aaaa…b"`): one reply could then block the host's thread.
// No timeout can interrupt `RegExp#test`, so unsafe patterns are refused
// before they ever run:
//
// - at load time, a literal pattern of a `matches()` call is checked
//   (`load.ts`, a `BundleError` naming the pattern's path); at run time, a
//   computed one (`builtins.ts`, a `FlowError`, i.e. an `error` event);
// - a pattern with a backreference (`\1`, `\k<name>`) is refused;
// - a repetition that is unbounded (`*`, `+`, `{n,}`, or a maximum of 10
//   or more) is refused when what it repeats can match some text in more
//   than one way: when it holds a repetition of variable length whose
//   characters can also start the next iteration or what follows it inside
//   the iteration (`(a+)+`, `(\d+\.?)+`, `(\w+\s?)*`, `(.+a)+`), or an
//   alternation whose branches can start with the same character
//   (`(a|ab)*`). Exponential backtracking needs exactly such ambiguity
//   inside a repetition. Character sets are compared as code point ranges
//   (`\p{…}` counts as every character).
//
// The check is conservative: it refuses a few patterns that are in fact
// linear (`(ab|ac)*`; rewrite as `(a[bc])*`), and accepts every common
// validation pattern (`^[0-9]{5}-?[0-9]{3}$`, `^([a-z0-9-]+\.)+[a-z]{2,}$`).
// Backtracking that is polynomial (`^\d*\d*$`, `.*a.*b`) is bounded by the
// length of the texts `matches()` accepts (`MAX_MATCH_LENGTH`).

/** Sets of characters: sorted, disjoint code point ranges `[from0, to0, from1, to1, …]`. */
type Chars = number[];

const ALL: Chars = [0, 0x10ffff];
const NONE: Chars = [];
const DIGIT: Chars = [48, 57];
const WORD: Chars = [48, 57, 65, 90, 95, 95, 97, 122];
const SPACE: Chars = [9, 13, 32, 32, 160, 160, 5760, 5760, 8192, 8202, 8232, 8233, 8239, 8239, 8287, 8287, 12288, 12288, 65279, 65279];

function union(a: Chars, b: Chars): Chars {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pairs: [number, number][] = [];
  for (const set of [a, b]) for (let i = 0; i < set.length; i += 2) pairs.push([set[i], set[i + 1]]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: Chars = [];
  for (const [from, to] of pairs) {
    if (out.length > 0 && from <= out[out.length - 1] + 1) out[out.length - 1] = Math.max(out[out.length - 1], to);
    else out.push(from, to);
  }
  return out;
}

function complement(set: Chars): Chars {
  const out: Chars = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i] > next) out.push(next, set[i] - 1);
    next = set[i + 1] + 1;
  }
  if (next <= 0x10ffff) out.push(next, 0x10ffff);
  return out;
}

function overlap(a: Chars, b: Chars): boolean {
  for (let i = 0; i < a.length; i += 2) for (let j = 0; j < b.length; j += 2) if (a[i] <= b[j + 1] && b[j] <= a[i + 1]) return true;
  return false;
}

/** What the analysis knows of a part of a pattern. */
interface Part {
  /** Characters a match of it can start with. */
  first: Chars;
  /** Whether it can match the empty text. */
  empty: boolean;
  /** Every character it can match. */
  chars: Chars;
  /** Characters a repetition of variable length inside it can take at its very end. */
  tail: Chars;
  /** Whether it can match some text in more than one way. */
  ambiguous: boolean;
}

const ZERO_WIDTH: Part = { first: NONE, empty: true, chars: NONE, tail: NONE, ambiguous: false };

function single(chars: Chars): Part {
  return { first: chars, empty: false, chars, tail: NONE, ambiguous: false };
}

/** Thrown inside the analysis with the reason a pattern is refused. */
class Unsafe {
  constructor(readonly reason: string) {}
}

const EXPONENTIAL = "may take exponential time: a repetition holds something that can match the same text in more than one way";

/**
 * Why `source` (a pattern for `new RegExp(source, "u")`) is refused, or
 * undefined when it is valid and safe to run on untrusted text.
 */
export function patternProblem(source: string): string | undefined {
  try {
    new RegExp(source, "u");
  } catch (error) {
    return `is invalid (${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : "syntax"})`;
  }
  let at = 0;
  const peek = (): string => source[at] ?? "";
  /** The index of the next `char` (a valid pattern has it); never moves backwards. */
  const find = (char: string): number => {
    const index = source.indexOf(char, at);
    if (index < 0) throw new Unsafe("could not be checked");
    return index;
  };

  /** A character escape or class escape after `\`, inside or outside a class. */
  const escape = (inClass: boolean): Chars | "boundary" => {
    const c = source[at++];
    switch (c) {
      case "d":
        return DIGIT;
      case "D":
        return complement(DIGIT);
      case "w":
        return WORD;
      case "W":
        return complement(WORD);
      case "s":
        return SPACE;
      case "S":
        return complement(SPACE);
      case "p":
      case "P":
        at = find("}") + 1;
        return ALL;
      case "b":
        return inClass ? [8, 8] : "boundary";
      case "B":
        return "boundary";
      case "k":
        throw new Unsafe("uses a backreference, which can take exponential time");
      case "x":
        at += 2;
        return codePoint(parseInt(source.slice(at - 2, at), 16));
      case "u": {
        if (peek() === "{") {
          const end = find("}");
          const value = parseInt(source.slice(at + 1, end), 16);
          at = end + 1;
          return codePoint(value);
        }
        at += 4;
        return codePoint(parseInt(source.slice(at - 4, at), 16));
      }
      case "c":
        return codePoint(source.charCodeAt(at++) % 32);
      default: {
        if (c >= "1" && c <= "9") throw new Unsafe("uses a backreference, which can take exponential time");
        const named: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, "0": 0 };
        return codePoint(named[c] ?? c.codePointAt(0)!);
      }
    }
  };
  const codePoint = (value: number): Chars => [value, value];
  const literal = (): Chars => {
    const value = source.codePointAt(at)!;
    at += value > 0xffff ? 2 : 1;
    return codePoint(value);
  };

  const charClass = (): Chars => {
    const negated = peek() === "^";
    if (negated) at++;
    let set: Chars = NONE;
    while (at < source.length && peek() !== "]") {
      const from = peek() === "\\" ? (at++, escape(true)) : literal();
      if (peek() === "-" && source[at + 1] !== "]" && from !== "boundary" && from.length === 2 && from[0] === from[1]) {
        at++;
        const to = peek() === "\\" ? (at++, escape(true)) : literal();
        set = union(set, to !== "boundary" && to.length === 2 && to[0] === to[1] ? [from[0], to[0]] : ALL);
      } else if (from !== "boundary") set = union(set, from);
    }
    at++;
    return negated ? complement(set) : set;
  };

  const atom = (): Part => {
    const c = source[at++];
    switch (c) {
      case "^":
      case "$":
        return ZERO_WIDTH;
      case ".":
        return single(ALL);
      case "[":
        return single(charClass());
      case "\\": {
        const chars = escape(false);
        return chars === "boundary" ? ZERO_WIDTH : single(chars);
      }
      case "(": {
        let lookaround = false;
        if (peek() === "?") {
          at++;
          if (peek() === "<" && source[at + 1] !== "=" && source[at + 1] !== "!") at = find(">") + 1;
          else {
            lookaround = peek() !== ":";
            at += peek() === "<" ? 2 : 1;
          }
        }
        const inner = alternation();
        at++;
        // A lookaround matches no characters; what is ambiguous inside it still counts.
        return lookaround ? { ...ZERO_WIDTH, ambiguous: inner.ambiguous } : inner;
      }
      default:
        at--;
        return single(literal());
    }
  };

  const repeat = (part: Part): Part => {
    let min: number;
    let max: number;
    const c = peek();
    if (c === "*" || c === "+" || c === "?") {
      at++;
      min = c === "+" ? 1 : 0;
      max = c === "?" ? 1 : Infinity;
    } else if (c === "{") {
      const end = find("}");
      const [low, high] = source.slice(at + 1, end).split(",");
      min = Number(low);
      max = high === undefined ? min : high === "" ? Infinity : Number(high);
      at = end + 1;
    } else return part;
    if (peek() === "?") at++;
    // Across iterations: where one ends and the next starts is ambiguous when the end of one can take what starts the next.
    const ambiguous = part.ambiguous || (max > 1 && overlap(part.tail, part.first));
    if (max >= 10 && ambiguous) throw new Unsafe(EXPONENTIAL);
    return {
      first: part.first,
      empty: part.empty || min === 0,
      chars: part.chars,
      tail: min === max ? part.tail : union(part.tail, part.chars),
      ambiguous,
    };
  };

  const sequence = (): Part => {
    const parts: Part[] = [];
    while (at < source.length && peek() !== "|" && peek() !== ")") parts.push(repeat(atom()));
    let result: Part = ZERO_WIDTH;
    // From the end: what can follow each part, and what the sequence can end with.
    let follow: Chars = NONE;
    for (let i = parts.length - 1; i >= 0; i--) {
      const part = parts[i];
      const ambiguous = result.ambiguous || part.ambiguous || overlap(part.tail, follow);
      follow = part.empty ? union(part.first, follow) : part.first;
      result = {
        first: follow,
        empty: part.empty && result.empty,
        chars: union(part.chars, result.chars),
        tail: result.empty ? union(part.tail, result.tail) : result.tail,
        ambiguous,
      };
    }
    return result;
  };

  const alternation = (): Part => {
    let result = sequence();
    while (peek() === "|") {
      at++;
      const next = sequence();
      result = {
        first: union(result.first, next.first),
        empty: result.empty || next.empty,
        chars: union(result.chars, next.chars),
        tail: union(result.tail, next.tail),
        ambiguous: result.ambiguous || next.ambiguous || overlap(result.first, next.first) || (result.empty && next.empty),
      };
    }
    return result;
  };

  try {
    alternation();
    return undefined;
  } catch (error) {
    if (error instanceof Unsafe) return error.reason;
    // The analysis reads only patterns the platform compiled; anything it cannot follow is refused rather than trusted.
    return "could not be checked";
  }
}
