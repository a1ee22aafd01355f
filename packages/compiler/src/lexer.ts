//! The lexer: Chevrotain's multi-mode lexer (modes for code, one-line
//! strings, block strings and interpolations, see `tokens.ts`), followed by a
//! post-pass that shapes the token stream for the parser:
//!
//! - numbers are typed as number, duration, or invalid number (FX1004);
//! - escapes are validated (FX1003);
//! - strings and interpolations cut short by a line break or the end of the
//!   file are closed with zero-width tokens, so the parser always sees a
//!   balanced string (FX1002 at the opening quote, and nothing else);
//! - newlines, the statement separators, are dropped inside `( )` and `[ ]`,
//!   inside interpolations, and after a binary operator or `,`; runs of
//!   newlines collapse to one token;
//! - comments are collected for hover and the formatter.
//!
//! It never throws: every character ends up in some token.

import { Lexer, type ILexingResult, type IToken, type TokenType } from "chevrotain";
import type { Comment, Range } from "./ast.js";
import { diagnostic, type Diagnostic } from "./diagnostics.js";
import * as T from "./tokens.js";

export interface LexResult {
  /** Tokens for the parser (trivia removed, newlines shaped). */
  tokens: IToken[];
  comments: Comment[];
  diagnostics: Diagnostic[];
  /**
   * Ranges of interpolations closed by recovery (their string was
   * unterminated): syntax errors inside them are not reported, since FX1002
   * already covers them.
   */
  silenced: Range[];
}

let lexer: Lexer | undefined;

function getLexer(): Lexer {
  // Built lazily: validation of the definition costs a few milliseconds.
  lexer ??= new Lexer(T.lexerDefinition, {
    positionTracking: "onlyOffset",
    // Every mode with code tokens must keep the first-character optimisation.
    ensureOptimizations: false,
    recoveryEnabled: true,
  });
  return lexer;
}

// Local bindings: reading them is much cheaper than a namespace lookup per token.
const {
  BlockComment,
  BlockInterpolationOpen,
  BlockNestedLBrace,
  BlockStringClose,
  BlockStringOpen,
  DocComment,
  Duration,
  Escape,
  Identifier,
  InterpolationClose,
  InvalidNumber,
  LBrace,
  LBracket,
  LParen,
  LineBreakEnd,
  NestedLBrace,
  NestedRBrace,
  Newline,
  NumericWord,
  PlainNumber,
  RBrace,
  RBracket,
  RParen,
  StringClose,
  StringInterpolationOpen,
  StringOpen,
  Semicolon,
  Unknown,
  continuationTokens,
  Kw,
  wordTypes,
} = T;

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration token's text, or undefined when it is not a duration. */
export function durationMs(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * durationUnits[match[2]!]!;
}

function retype(token: IToken, type: TokenType): void {
  token.tokenType = type;
  token.tokenTypeIdx = type.tokenTypeIdx!;
}

/**
 * A token made by the post-pass. It has exactly the fields, in the same
 * order, of the tokens Chevrotain's lexer makes with offset-only position
 * tracking: one object shape for every token keeps the parser's property
 * reads monomorphic (measured: about 10% of parse time otherwise).
 */
function makeToken(type: TokenType, image: string, startOffset: number): IToken {
  return { image, startOffset, tokenTypeIdx: type.tokenTypeIdx!, tokenType: type } as IToken;
}

function synthetic(type: TokenType, offset: number): IToken {
  return makeToken(type, "", offset);
}

function isValidEscape(image: string): boolean {
  if (image.length < 2) return false;
  const c = image[1];
  if (c === "u") {
    const match = /^\\u\{([0-9A-Fa-f]{1,6})\}$/.exec(image);
    return match !== null && parseInt(match[1]!, 16) <= 0x10ffff;
  }
  return image.length === 2 && '"\\nt{}'.includes(c!);
}

/** The decoded value of a valid escape (the raw text for an invalid one). */
export function decodeEscape(image: string): string {
  switch (image[1]) {
    case "n":
      return "\n";
    case "t":
      return "\t";
    case "u": {
      const match = /^\\u\{([0-9A-Fa-f]{1,6})\}$/.exec(image);
      const code = match ? parseInt(match[1]!, 16) : NaN;
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : image;
    }
    default:
      return image.length === 2 ? image[1]! : image;
  }
}

/** Words that can only begin a statement or declaration, never continue an expression. */
const statementStarters: ReadonlySet<TokenType> = new Set(
  (
    [
      "flow", "step", "type", "action", "import", "test", "trigger", "say", "ask", "choose", "match", "if", "goto",
      "return", "end", "handoff", "wait", "random", "let", "set", "var", "mock", "reply", "expect",
    ] as const
  ).map((w) => Kw[w]),
);

type Open =
  | { kind: "string"; token: IToken }
  | { kind: "block"; token: IToken }
  | { kind: "interpolation"; token: IToken }
  | { kind: "nested"; token: IToken }
  | { kind: "paren" }
  | { kind: "bracket" }
  | { kind: "brace" };

const parenOpen: Open = { kind: "paren" };
const bracketOpen: Open = { kind: "bracket" };
const braceOpen: Open = { kind: "brace" };

/** The escapes of a string (the `Escape` token's pattern, global). */
const escapes = new RegExp(Escape.PATTERN as RegExp, "g");

/**
 * The text of a `SimpleString` token's image: the characters between its
 * quotes, escapes decoded (the lexer has checked that they are valid).
 */
export function simpleStringValue(image: string): string {
  const inner = image.slice(1, -1);
  return inner.includes("\\") ? inner.replace(escapes, decodeEscape) : inner;
}

/** Tokenises a file. Never throws. */
export function tokenize(text: string, uri = "untitled.flow"): LexResult {
  const stream = new TokenStream(text, uri);
  while (stream.next());
  const tokens = stream.tokens;
  tokens.length = stream.count;
  return { tokens, comments: stream.comments, diagnostics: stream.diagnostics, silenced: stream.silenced };
}

/**
 * How many characters of text the parser's token stream lexes at a time
 * (about 500 lines of a typical flow). Small enough that the tokens of a
 * chunk are garbage before the young generation fills up, large enough that
 * the per-chunk cost does not show.
 */
export const STREAM_CHUNK = 16 * 1024;

/** Size of the tables indexed by `tokenTypeIdx`. */
const tokenTypeCount = Math.max(...T.allTokens.map((t) => t.tokenTypeIdx ?? 0)) + 1;

/** +1 for a token type that enters a lexer mode, -1 for one that leaves it, by `tokenTypeIdx`. */
const modeStep: Int8Array = (() => {
  const steps = new Int8Array(tokenTypeCount);
  for (const type of T.allTokens) {
    if (type.PUSH_MODE !== undefined) steps[type.tokenTypeIdx!] = 1;
    else if (type.POP_MODE === true) steps[type.tokenTypeIdx!] = -1;
  }
  return steps;
})();

/**
 * What the post-pass does with a token type: push it, look it up as a word,
 * or its own case in `take`'s `switch` (every type with a case there must be
 * listed here, or the case never runs).
 */
const PASS_PLAIN = 0;
const PASS_WORD = 1;
const PASS_SPECIAL = 2;
const postPass: Uint8Array = (() => {
  const passes = new Uint8Array(tokenTypeCount);
  passes[Identifier.tokenTypeIdx!] = PASS_WORD;
  for (const type of [
    NumericWord, Escape, StringOpen, BlockStringOpen, StringClose, BlockStringClose, InterpolationClose,
    StringInterpolationOpen, BlockInterpolationOpen, NestedLBrace, BlockNestedLBrace, NestedRBrace, LineBreakEnd,
    LParen, LBracket, LBrace, RParen, RBracket, RBrace, Newline,
  ]) {
    passes[type.tokenTypeIdx!] = PASS_SPECIAL;
  }
  return passes;
})();

const lineBreak = /[\r\n]/g;

/**
 * Where a chunk meant to end near `target` ends: after the next line break
 * and the blank lines and indentation that follow it (where the `Newline`
 * token ends too), or at the end of the text.
 */
function chunkEnd(text: string, target: number): number {
  if (target >= text.length) return text.length;
  lineBreak.lastIndex = target;
  if (!lineBreak.test(text)) return text.length;
  let end = lineBreak.lastIndex;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    // [ \t\r\n\f\v]: the characters of the `Newline` pattern's tail.
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 12 && c !== 11) break;
  }
  return end;
}

/**
 * Whether a chunk lexed on its own ends where Chevrotain would have been
 * between tokens in the code mode had it lexed the whole text: no string,
 * block string or interpolation still open, and no comment running into the
 * chunk's end (a block comment may go on past it).
 */
function endsInCode(raw: ILexingResult, length: number): boolean {
  let depth = 0;
  for (const token of raw.tokens) depth += modeStep[token.tokenTypeIdx]!;
  if (depth !== 0) return false;
  const comments = raw.groups["comments"];
  const last = comments?.[comments.length - 1];
  return last === undefined || last.startOffset + last.image.length < length;
}

/**
 * The lexer as a stream: the text is lexed a chunk at a time, each chunk cut
 * after a line break where the lexer is back in its code mode, so the
 * tokens are the same as those of lexing the whole text at once (a test
 * checks it with tiny chunks). The parser pulls chunks as it goes and lets
 * go of the tokens behind it: they die young instead of being copied by the
 * garbage collector with the tree (about a third of the parse time, measured
 * on a 45k-line flow).
 *
 * `tokens[0 … count)` are the tokens so far, in order; a consumer that is
 * past the first ones drops them with `discard`, so the array stays about
 * the size of a chunk. Comments, diagnostics and silenced ranges are
 * complete once `next()` has returned false.
 */
export class TokenStream {
  readonly tokens: IToken[];
  count = 0;
  /** The whole text is lexed. */
  done = false;
  readonly comments: Comment[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /**
   * Ranges of interpolations closed by recovery (their string was
   * unterminated): syntax errors inside them are not reported, since FX1002
   * already covers them.
   */
  readonly silenced: Range[] = [];
  /** Offsets of the `;` tokens (the parser reports one syntax error per statement). */
  readonly semicolons: number[] = [];
  /** Where the next chunk starts. */
  private position = 0;
  /** Open brackets and string constructs. */
  private readonly stack: Open[] = [];
  /** The last token handed to `push`, kept or not. */
  private last: IToken | undefined;
  /** A line break that ended the previous chunk: whether it is kept depends on the token after it. */
  private pendingNewline: IToken | undefined;
  /** Nesting depth, and the state of dropping what nests deeper than `MAX_NESTING`. */
  private depth = 0;
  private dropping = false;
  private droppedFrom = 0;

  constructor(
    readonly text: string,
    readonly uri: string,
    private readonly chunkSize = Infinity,
  ) {
    // Pre-sized (a flow has about one token per 6 characters): growing a
    // 300k-element array is a measurable part of lexing.
    this.tokens = new Array<IToken>(Math.floor(Math.min(text.length, chunkSize) / 4) + 16);
  }

  /** Drops the first `n` tokens: the ones after them move to the front of `tokens`. */
  discard(n: number): void {
    const tokens = this.tokens;
    const count = this.count;
    tokens.copyWithin(0, n, count);
    tokens.fill(undefined as unknown as IToken, count - n, count);
    this.count = count - n;
  }

  /** Lexes the next chunk. False, and nothing done, once the whole text is lexed. */
  next(): boolean {
    if (this.done) return false;
    const text = this.text;
    const start = this.position;
    let size = this.chunkSize;
    for (;;) {
      const end = chunkEnd(text, start + size);
      const chunk = start === 0 && end === text.length ? text : text.slice(start, end);
      const raw = getLexer().tokenize(chunk);
      if (end < text.length && !endsInCode(raw, chunk.length)) {
        // Cut inside a block string or comment: lex a longer chunk instead.
        size *= 2;
        continue;
      }
      this.position = end;
      this.take(raw, start, end === text.length);
      return true;
    }
  }

  private push(token: IToken): void {
    this.last = token;
    const step = nestingStep[token.tokenTypeIdx]!;
    if (step > 0) {
      this.depth++;
      if (!this.dropping && this.depth > MAX_NESTING) {
        this.dropping = true;
        this.droppedFrom = token.startOffset;
        this.diagnostics.push(
          diagnostic(
            "FX1001",
            { expected: `at most ${MAX_NESTING} nested brackets, blocks or strings`, found: "a deeper one (what it holds is not read)" },
            this.uri,
            { start: token.startOffset, end: token.startOffset + Math.max(1, token.image.length) },
          ),
        );
      }
    } else if (step < 0 && this.depth > 0) {
      this.depth--;
      if (this.dropping && this.depth === MAX_NESTING) {
        this.dropping = false;
        // The statement is incomplete now: nothing more is reported up to the end of this line.
        lineBreak.lastIndex = token.startOffset;
        const lineEnd = lineBreak.test(this.text) ? lineBreak.lastIndex : this.text.length + 1;
        this.silenced.push({ start: this.droppedFrom, end: lineEnd });
        return;
      }
    }
    if (this.dropping) return;
    const tokens = this.tokens;
    if (this.count === tokens.length) tokens.length = this.count * 2;
    tokens[this.count++] = token;
    if (token.tokenType === Semicolon) this.semicolons.push(token.startOffset);
  }

  /** Closes the innermost open string construct at a line break or end of file. */
  private closeAt(offset: number, reason: "line" | "eof"): void {
    const top = this.stack.pop();
    if (!top) return;
    const text = this.text;
    switch (top.kind) {
      case "string":
        // Nothing else is reported up to the end of the line (§2: no FX1001 follows).
        this.silenced.push({ start: top.token.startOffset, end: offset + 1 });
        this.diagnostics.push(
          diagnostic(
            "FX1002",
            { what: "string", expected: reason === "line" ? 'expected \'"\' before the end of the line' : "expected '\"'" },
            this.uri,
            { start: top.token.startOffset, end: top.token.startOffset + 1 },
          ),
        );
        this.push(synthetic(StringClose, offset));
        break;
      case "block":
        // The rest of the file is the string's text: nothing in it is reported.
        this.silenced.push({ start: top.token.startOffset, end: text.length + 1 });
        this.diagnostics.push(
          diagnostic("FX1002", { what: "block string", expected: "expected '\"\"\"' before the end of the file" }, this.uri, {
            start: top.token.startOffset,
            end: top.token.startOffset + 3,
          }),
        );
        this.push(synthetic(BlockStringClose, offset));
        break;
      case "interpolation":
        this.silenced.push({ start: top.token.startOffset, end: offset });
        this.push(synthetic(InterpolationClose, offset));
        break;
      case "nested":
        this.push(synthetic(RBrace, offset));
        break;
      default:
        // Brackets are not string constructs: they are closed by the parser's recovery.
        break;
    }
  }

  /** A line break: kept as a statement separator, or dropped (see the module comment). */
  private newline(token: IToken, next: IToken | undefined): void {
    const stack = this.stack;
    let open = stack[stack.length - 1];
    if (open && (open.kind === "paren" || open.kind === "bracket")) {
      // An unclosed `(` or `[` must not swallow the rest of the file: a
      // word that only starts a statement or declaration ends it.
      // Raw words are still Identifiers here: look the word up.
      const nextType = next?.tokenType === Identifier ? wordTypes.get(next.image) : next?.tokenType;
      if (!nextType || !statementStarters.has(nextType)) return;
      while (open && (open.kind === "paren" || open.kind === "bracket")) {
        stack.pop();
        open = stack[stack.length - 1];
      }
    }
    if (open && (open.kind === "interpolation" || open.kind === "nested")) return;
    const previous = this.last;
    if (!previous || previous.tokenType === Newline) return;
    if (continuationTokens.has(previous.tokenType)) return;
    this.push(token);
  }

  /** Shapes the raw tokens of the chunk that starts at `base` (see the module comment). */
  private take(raw: ILexingResult, base: number, final: boolean): void {
    const text = this.text;
    const uri = this.uri;
    const diagnostics = this.diagnostics;
    const stack = this.stack;
    if (base > 0) {
      for (const token of raw.tokens) token.startOffset += base;
      for (const token of raw.groups["comments"] ?? []) token.startOffset += base;
    }

    // Unmatched characters become Unknown tokens, in order among the others.
    let rawTokens: IToken[] = raw.tokens;
    if (raw.errors.length > 0) {
      rawTokens = [];
      let e = 0;
      const errors = raw.errors;
      for (const token of raw.tokens) {
        while (e < errors.length && errors[e]!.offset + base < token.startOffset) {
          const error = errors[e++]!;
          rawTokens.push(makeToken(Unknown, text.substr(error.offset + base, error.length), error.offset + base));
        }
        rawTokens.push(token);
      }
      while (e < errors.length) {
        const error = errors[e++]!;
        rawTokens.push(makeToken(Unknown, text.substr(error.offset + base, error.length), error.offset + base));
      }
    }

    // The line break that ended the previous chunk, now that the token after
    // it is known (after a chunk of comments only, it waits for the next one).
    const pending = this.pendingNewline;
    if (pending !== undefined && (rawTokens.length > 0 || final)) {
      this.pendingNewline = undefined;
      this.newline(pending, rawTokens[0]);
    }

    for (let index = 0; index < rawTokens.length; index++) {
      const token = rawTokens[index]!;
      // Most tokens need nothing but `push`, or a keyword lookup: a table
      // says so before the `switch`, whose cases are compared one by one.
      const pass = postPass[token.tokenTypeIdx]!;
      if (pass === PASS_PLAIN) {
        this.push(token);
        continue;
      }
      if (pass === PASS_WORD) {
        const word = wordTypes.get(token.image);
        if (word !== undefined) retype(token, word);
        this.push(token);
        continue;
      }
      const type = token.tokenType;
      // Every type with a case here is PASS_SPECIAL in `postPass`.
      switch (type) {
        case NumericWord: {
          const image = token.image;
          const plain = /^[0-9]+(?:\.[0-9]+)?$/.test(image);
          const integer = plain && !image.includes(".");
          const ms = plain ? undefined : durationMs(image);
          // The value must survive the bundle (JSON has no Infinity): integers and durations (in ms) at most 2^53 - 1, so
          // `9007199254740993` cannot silently become `…992`. Images of 15 characters or fewer are always in range.
          const value = plain ? (image.length > 15 ? Number(image) : 0) : ms;
          const limit = plain && !integer ? Number.MAX_VALUE : Number.MAX_SAFE_INTEGER;
          const outOfRange = value !== undefined && !(value <= limit);
          if (plain && !outOfRange) retype(token, PlainNumber);
          else if (ms !== undefined && !outOfRange) retype(token, Duration);
          else {
            retype(token, InvalidNumber);
            const duration = !plain && (/^[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h|d)/.test(image) || /^[0-9.]+[a-z]+$/i.test(image));
            diagnostics.push(
              diagnostic(
                "FX1004",
                {
                  what: duration ? "duration" : "number",
                  text: image.length > 40 ? `${image.slice(0, 40)}…` : image,
                  expected: outOfRange
                    ? `too large (${duration ? `a duration is at most ${limit} ms` : integer ? `an integer is at most ${limit}` : "a number is at most about 1.8e308"})`
                    : "a number, or a number followed by one of the units ms, s, m, h, d",
                },
                uri,
                { start: token.startOffset, end: token.startOffset + image.length },
              ),
            );
          }
          this.push(token);
          break;
        }
        case Escape:
          if (!isValidEscape(token.image)) {
            diagnostics.push(
              diagnostic(
                "FX1003",
                {
                  problem: `invalid escape '${token.image}': expected one of \\" \\\\ \\n \\t \\{ \\} \\u{…}`,
                },
                uri,
                { start: token.startOffset, end: token.startOffset + Math.max(1, token.image.length) },
              ),
            );
          }
          this.push(token);
          break;
        case StringOpen:
          // A string the `SimpleString` pattern did not take: interpolated,
          // with a bad escape, or unterminated.
          stack.push({ kind: "string", token });
          this.push(token);
          break;
        case BlockStringOpen:
          stack.push({ kind: "block", token });
          this.push(token);
          break;
        case StringClose:
        case BlockStringClose:
        case InterpolationClose:
          stack.pop();
          this.push(token);
          break;
        case StringInterpolationOpen:
        case BlockInterpolationOpen:
          stack.push({ kind: "interpolation", token });
          this.push(token);
          break;
        case NestedLBrace:
        case BlockNestedLBrace:
          stack.push({ kind: "nested", token });
          this.push(token);
          break;
        case NestedRBrace:
          stack.pop();
          this.push(token);
          break;
        case LineBreakEnd:
          // Zero-width: one per open construct of a one-line string, innermost first.
          this.closeAt(token.startOffset, "line");
          break;
        case LParen:
        case LBracket:
        case LBrace:
          stack.push(type === LParen ? parenOpen : type === LBracket ? bracketOpen : braceOpen);
          this.push(token);
          break;
        case RParen:
        case RBracket:
        case RBrace: {
          const want = type === RParen ? "paren" : type === RBracket ? "bracket" : "brace";
          // Pop the matching opener if it is on top (or nearest above the innermost string construct).
          for (let i = stack.length - 1; i >= 0; i--) {
            const kind = stack[i]!.kind;
            if (kind === want) {
              // pop, not `length =`: setting the length is a call into the runtime.
              while (stack.length > i) stack.pop();
              break;
            }
            if (kind === "string" || kind === "block" || kind === "interpolation" || kind === "nested") break;
          }
          this.push(token);
          break;
        }
        case Newline:
          if (index + 1 === rawTokens.length && !final) this.pendingNewline = token;
          else this.newline(token, rawTokens[index + 1]);
          break;
        default:
          this.push(token);
      }
    }

    for (const token of raw.groups["comments"] ?? []) {
      const image = token.image;
      const style = token.tokenType === DocComment ? "doc" : token.tokenType === BlockComment ? "block" : "line";
      const range = { start: token.startOffset, end: token.startOffset + image.length };
      if (style === "block" && (image.length < 4 || !image.endsWith("*/"))) {
        diagnostics.push(
          diagnostic("FX1002", { what: "block comment", expected: "expected '*/' before the end of the file" }, uri, {
            start: range.start,
            end: range.start + 2,
          }),
        );
      }
      this.comments.push({ kind: "Comment", style, text: image, start: range.start, end: range.end });
    }

    if (!final) return;
    // Strings, block strings and interpolations still open at the end of the file.
    const isStringConstruct = (o: Open): boolean => o.kind === "string" || o.kind === "block" || o.kind === "interpolation" || o.kind === "nested";
    while (stack.some(isStringConstruct)) {
      const open = stack[stack.length - 1]!;
      if (open.kind === "paren" || open.kind === "bracket" || open.kind === "brace") stack.pop();
      else this.closeAt(text.length, "eof");
    }
    if (this.dropping) this.silenced.push({ start: this.droppedFrom, end: text.length + 1 });
    this.done = true;
  }
}

/**
 * How deeply brackets, blocks, strings and interpolations may nest. The
 * parser is recursive descent: a few thousand levels would overflow the
 * stack. Real flows stay far below this.
 */
export const MAX_NESTING = 100;

/** +1 for a token type that opens a nested construct, -1 for one that closes it, by `tokenTypeIdx`. */
const nestingStep: Int8Array = (() => {
  const steps = new Int8Array(tokenTypeCount);
  for (const type of T.openingTokens) steps[type.tokenTypeIdx!] = 1;
  for (const type of T.closingTokens) steps[type.tokenTypeIdx!] = -1;
  return steps;
})();
