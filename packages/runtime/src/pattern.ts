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
//   inside a repetition. Character sets are compared as bits, one per ASCII
//   character and one for all others (`\p{…}` counts as every character).
//
// The check is conservative: it refuses a few patterns that are in fact
// linear (`(ab|ac)*`; rewrite as `(a[bc])*`), and accepts every common
// validation pattern (`^[0-9]{5}-?[0-9]{3}$`, `^([a-z0-9-]+\.)+[a-z]{2,}$`).
// Backtracking that is polynomial (`^\d*\d*$`, `.*a.*b`) is bounded by the
// length of the texts `matches()` accepts (`MAX_MATCH_LENGTH`).

/**
 * Sets of characters, as bits: one per ASCII character, and bit 128 for
 * every other character together (so two non-ASCII sets always overlap: a
 * few safe patterns over non-ASCII text are refused, never an unsafe one
 * accepted).
 */
type Chars = bigint;

const OTHER = 1n << 128n;
const ALL = (OTHER << 1n) - 1n;
const NONE = 0n;

/** The characters from `from` to `to` (code points). */
function range(from: number, to: number): Chars {
  const ascii = from < 128 ? ((1n << BigInt(Math.min(to, 127) + 1)) - 1n) ^ ((1n << BigInt(from)) - 1n) : NONE;
  return to > 127 ? ascii | OTHER : ascii;
}

const DIGIT = range(48, 57);
const WORD = DIGIT | range(65, 90) | range(95, 95) | range(97, 122);
const SPACE = range(9, 13) | range(32, 32) | OTHER;

/** Every character not in `set` (non-ASCII ones always included). */
function complement(set: Chars): Chars {
  return (ALL ^ set) | OTHER;
}

function overlaps(a: Chars, b: Chars): boolean {
  return (a & b) !== NONE;
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

  /** After `\\`, inside or outside a class: one character (its code point), a class of them, or an assertion. */
  const escape = (inClass: boolean): number | Chars | "boundary" => {
    const c = source[at++];
    const classes: Record<string, Chars> = { d: DIGIT, w: WORD, s: SPACE };
    if (classes[c.toLowerCase()] !== undefined) return c === c.toLowerCase() ? classes[c] : complement(classes[c.toLowerCase()]);
    if (c === "p" || c === "P") {
      at = find("}") + 1;
      return ALL;
    }
    if (c === "b" && inClass) return 8;
    if (c === "b" || c === "B") return "boundary";
    if (c === "k" || (c >= "1" && c <= "9")) throw new Unsafe("uses a backreference, which can take exponential time");
    if (c === "c") return source.charCodeAt(at++) % 32;
    if (c === "x" || c === "u") {
      const braced = peek() === "{";
      const end = braced ? find("}") + 1 : at + (c === "x" ? 2 : 4);
      const value = parseInt(source.slice(braced ? at + 1 : at, braced ? end - 1 : end), 16);
      at = end;
      return value;
    }
    return { t: 9, n: 10, v: 11, f: 12, r: 13, "0": 0 }[c] ?? c.codePointAt(0)!;
  };
  const literal = (): number => {
    const value = source.codePointAt(at)!;
    at += value > 0xffff ? 2 : 1;
    return value;
  };
  const chars = (item: number | Chars): Chars => (typeof item === "number" ? range(item, item) : item);

  const charClass = (): Chars => {
    const negated = peek() === "^";
    if (negated) at++;
    let set: Chars = NONE;
    while (at < source.length && peek() !== "]") {
      const from = peek() === "\\" ? (at++, escape(true)) : literal();
      if (from === "boundary") continue;
      if (peek() === "-" && source[at + 1] !== "]" && typeof from === "number") {
        at++;
        const to = peek() === "\\" ? (at++, escape(true)) : literal();
        set |= typeof to === "number" ? range(from, to) : ALL;
      } else set |= chars(from);
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
        const item = escape(false);
        return item === "boundary" ? ZERO_WIDTH : single(chars(item));
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
        return single(chars(literal()));
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
    const ambiguous = part.ambiguous || (max > 1 && overlaps(part.tail, part.first));
    if (max >= 10 && ambiguous) throw new Unsafe(EXPONENTIAL);
    return {
      first: part.first,
      empty: part.empty || min === 0,
      chars: part.chars,
      tail: min === max ? part.tail : part.tail | part.chars,
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
      const ambiguous = result.ambiguous || part.ambiguous || overlaps(part.tail, follow);
      follow = part.empty ? part.first | follow : part.first;
      result = {
        first: follow,
        empty: part.empty && result.empty,
        chars: part.chars | result.chars,
        tail: result.empty ? part.tail | result.tail : result.tail,
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
        first: result.first | next.first,
        empty: result.empty || next.empty,
        chars: result.chars | next.chars,
        tail: result.tail | next.tail,
        ambiguous: result.ambiguous || next.ambiguous || overlaps(result.first, next.first) || (result.empty && next.empty),
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
