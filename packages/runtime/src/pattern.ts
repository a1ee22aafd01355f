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
  const ascii = from < 128 ? (2n << BigInt(Math.min(to, 127))) - (1n << BigInt(from)) : NONE;
  return to > 127 ? ascii | OTHER : ascii;
}

const DIGIT = range(48, 57);
const WORD = DIGIT | range(65, 90) | range(95, 95) | range(97, 122);
const SPACE = range(9, 13) | range(32, 32) | OTHER;

/** The class escapes `\d`, `\w`, `\s` (upper case: every other character). */
const CLASS_ESCAPES: Record<string, Chars | undefined> = { d: DIGIT, w: WORD, s: SPACE };

/** Escapes of one character other than itself (`\b` is a backspace inside a class; outside, an assertion that `atom` reads first). */
const CHARACTER_ESCAPES: Record<string, number | undefined> = { b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, "0": 0 };

/** The bounds of the quantifiers `*`, `+`, `?`, as in `{min,max}`. */
const SHORTHANDS: Record<string, string | undefined> = { "*": "0,", "+": "1,", "?": "0,1" };

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

/** Thrown inside the analysis, with the reason a pattern is refused as its message. */
class Unsafe extends Error {}

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
  /** Consumes what `pattern` (sticky) matches at `at` and returns it; "" when it does not match there. */
  const take = (pattern: RegExp): string => {
    pattern.lastIndex = at;
    const match = pattern.exec(source)?.[0] ?? "";
    at += match.length;
    return match;
  };

  /** After `\`, inside or outside a class: one character (its code point) or a class of them. */
  const escape = (): number | Chars => {
    const c = source[at++];
    const lower = c.toLowerCase();
    const set = CLASS_ESCAPES[lower];
    if (set !== undefined) return c === lower ? set : complement(set);
    if (lower === "p") {
      take(/\{[^}]*\}/y);
      return ALL;
    }
    if (/[1-9k]/.test(c)) throw new Unsafe("uses a backreference, which can take exponential time");
    if (c === "c") return source.charCodeAt(at++) % 32;
    // `\xHH`, `\uHHHH`, `\u{H…}` (parseInt stops at the `}`).
    if (c === "x" || c === "u") return parseInt(take(c === "x" ? /../y : /\{[^}]*\}|.{4}/y).replace("{", ""), 16);
    return CHARACTER_ESCAPES[c] ?? c.codePointAt(0)!;
  };
  /** One character, escaped or not, or a class escape. */
  const item = (): number | Chars => (take(/\\/y) ? escape() : take(/./suy).codePointAt(0)!);
  const chars = (item: number | Chars): Chars => (typeof item === "number" ? range(item, item) : item);

  /** After `[`, up to and including the closing `]`. */
  const charClass = (): Chars => {
    const negated = take(/\^/y) !== "";
    let set: Chars = NONE;
    while (at < source.length && !take(/]/y)) {
      const from = item();
      if (typeof from === "number" && take(/-(?!])/y)) {
        const to = item();
        set |= typeof to === "number" ? range(from, to) : ALL;
      } else set |= chars(from);
    }
    return negated ? complement(set) : set;
  };

  const atom = (): Part => {
    // Assertions match no characters.
    if (take(/[$^]|\\[bB]/y)) return ZERO_WIDTH;
    if (take(/\(/y)) {
      // `(?:…)` and `(?<name>…)` group like `(…)`; any other `(?` opens a lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`).
      const lookaround = !take(/\?(:|<[^=!][^>]*>)/y) && take(/\?<?./y) !== "";
      const inner = alternation();
      take(/\)/y);
      // A lookaround matches no characters; what is ambiguous inside it still counts.
      return lookaround ? { ...ZERO_WIDTH, ambiguous: inner.ambiguous } : inner;
    }
    return single(take(/\./y) ? ALL : take(/\[/y) ? charClass() : chars(item()));
  };

  const repeat = (part: Part): Part => {
    const quantifier = take(/[*+?]|\{[\d,]+\}/y);
    if (!quantifier) return part;
    // Lazy or greedy, a repetition can match the same texts.
    take(/\?/y);
    const [low, high = low] = (SHORTHANDS[quantifier] ?? quantifier.slice(1, -1)).split(",");
    const min = Number(low);
    const max = Number(high || Infinity);
    // Across iterations: where one ends and the next starts is ambiguous when the end of one can take what starts the next.
    const ambiguous = part.ambiguous || (max > 1 && overlaps(part.tail, part.first));
    if (max >= 10 && ambiguous) throw new Unsafe(EXPONENTIAL);
    return { ...part, empty: part.empty || min === 0, tail: min === max ? part.tail : part.tail | part.chars, ambiguous };
  };

  /** Up to `|`, `)` or the end. */
  const sequence = (): Part => {
    let result = ZERO_WIDTH;
    while (at < source.length && !/[|)]/.test(source[at])) {
      const part = repeat(atom());
      // Where the sequence so far ends and the part starts is ambiguous when the sequence's tail can take what starts the part.
      result = {
        first: result.empty ? result.first | part.first : result.first,
        empty: result.empty && part.empty,
        chars: result.chars | part.chars,
        tail: part.empty ? result.tail | part.tail : part.tail,
        ambiguous: result.ambiguous || part.ambiguous || overlaps(result.tail, part.first),
      };
    }
    return result;
  };

  const alternation = (): Part => {
    let result = sequence();
    while (take(/\|/y)) {
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
    // The analysis reads only patterns the platform compiled; anything it cannot follow is refused rather than trusted.
    return error instanceof Unsafe ? error.message : "could not be checked";
  }
}
