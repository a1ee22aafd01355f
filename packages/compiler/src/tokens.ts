//! Token types of the Fluxo language, shared by the lexer and the parser.
//!
//! Reserved words are their own token types. Contextual words (LANGUAGE §2:
//! `start label header …`) are token types in the `Identifier` category, so
//! the parser accepts them wherever a name is expected and recognises them
//! as keywords only where the grammar asks for them.
//!
//! `AnyToken` is a category of every token that can start or continue a
//! statement (everything but separators, closing braces and EOF); the parser
//! uses it to swallow a line of junk with a single FX1001.

import { createToken, Lexer, type TokenType } from "chevrotain";

export const AnyToken = createToken({ name: "AnyToken", pattern: Lexer.NA });
/** Any word, reserved or not: field names may be keywords (`order.type`, `{ end: 1 }`). */
export const AnyWord = createToken({ name: "AnyWord", pattern: Lexer.NA });

/** Every token type, for the parser's vocabulary. Filled as tokens are made. */
export const allTokens: TokenType[] = [AnyToken, AnyWord];

function token(config: Parameters<typeof createToken>[0], junk = true): TokenType {
  const categories = [...((config.categories as TokenType[] | undefined) ?? [])];
  if (junk) categories.push(AnyToken);
  const type = createToken({ ...config, categories });
  allTokens.push(type);
  return type;
}

// ------------------------------------------------------------ trivia & layout

export const Whitespace = token({ name: "Whitespace", pattern: /[ \t\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED }, false);
/** A line break with the blank lines and indentation after it: one token per run. */
export const Newline = token({ name: "Newline", pattern: /(?:\r\n?|\n)[ \t\r\n\f\v]*/, line_breaks: true }, false);
export const DocComment = token({ name: "DocComment", pattern: /\/\/\/[^\r\n]*/, group: "comments" }, false);
export const LineComment = token({ name: "LineComment", pattern: /\/\/[^\r\n]*/, group: "comments" }, false);
/** A block comment; an unterminated one runs to the end of the file (FX1002). */
export const BlockComment = token(
  { name: "BlockComment", pattern: /\/\*(?:[^*]|\*(?!\/))*(?:\*\/)?/, group: "comments", line_breaks: true },
  false,
);

// ------------------------------------------------------------ literals

export const Identifier = token({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [AnyWord] });

/** `42`, `3.14`. */
export const NumberLiteral = token({ name: "NumberLiteral", pattern: Lexer.NA });
/** `500ms 5s 10m 2h 1d`. */
export const DurationLiteral = token({ name: "DurationLiteral", pattern: Lexer.NA });
/**
 * The lexer's single numeric pattern: digits, an optional fraction, and any
 * letters/digits/underscores glued to it. The lexer's post-pass re-types each
 * match as a number, a duration, or an invalid number (FX1004), which counts
 * as both a number and a duration so that no further error follows.
 */
export const NumericWord = token({ name: "NumericWord", pattern: /[0-9]+(?:\.[0-9]+)?[A-Za-z0-9_]*/ });
export const PlainNumber = token({ name: "PlainNumber", pattern: Lexer.NA, categories: [NumberLiteral] });
export const Duration = token({ name: "Duration", pattern: Lexer.NA, categories: [DurationLiteral] });
export const InvalidNumber = token({ name: "InvalidNumber", pattern: Lexer.NA, categories: [NumberLiteral, DurationLiteral] });

// Strings: `"` opens a one-line string, `"""` a block string; each has its own
// lexer mode. `{` inside a string opens an interpolation in a code mode.
export const BlockStringOpen = token({ name: "BlockStringOpen", pattern: /"""/, push_mode: "block" });
export const StringOpen = token({ name: "StringOpen", pattern: /"/, push_mode: "string" });
/**
 * A whole one-line string without interpolation and with valid escapes only
 * (most strings are like this), matched before `StringOpen`: one token
 * instead of three or more, no lexer mode pushed and popped, and the parser
 * decodes its text from the image (`simpleStringValue`). A string this does
 * not match (an interpolation, a bad escape, no closing quote on its line)
 * is lexed in the `string` mode. The text part is `StringText`'s pattern;
 * the escapes are those `isValidEscape` accepts (`\u{…}` up to 10FFFF).
 */
export const SimpleString = token({
  name: "SimpleString",
  pattern: /"(?:[^"\\{\r\n]|\{(?=[0-9])|\\(?:["\\nt{}]|u\{(?:[0-9A-Fa-f]{1,5}|0[0-9A-Fa-f]{5}|10[0-9A-Fa-f]{4})\}))*"/,
});
export const StringClose = token({ name: "StringClose", pattern: /"/, pop_mode: true }, false);
export const BlockStringClose = token({ name: "BlockStringClose", pattern: /"""/, pop_mode: true }, false);
export const StringText = token({ name: "StringText", pattern: /(?:[^"\\{\r\n]|\{(?=[0-9]))+/ });
export const BlockStringText = token({
  name: "BlockStringText",
  pattern: /(?:[^"\\{]|"(?!"")|\{(?=[0-9]))+/,
  line_breaks: true,
});
/** Any backslash sequence; the post-pass validates it (FX1003). */
export const Escape = token({ name: "Escape", pattern: /\\(?:u\{[^}"\r\n]*\}?|[^\r\n])?/ });
/** `{` opening an interpolation (a category: the concrete types push different modes). */
export const InterpolationOpen = token({ name: "InterpolationOpen", pattern: Lexer.NA });
// `{` directly followed by a digit is literal text (§2: regex quantifiers like `{6}`).
export const StringInterpolationOpen = token({
  name: "StringInterpolationOpen",
  pattern: /\{(?![0-9])/,
  push_mode: "interpolation",
  categories: [InterpolationOpen],
});
export const BlockInterpolationOpen = token({
  name: "BlockInterpolationOpen",
  pattern: /\{(?![0-9])/,
  push_mode: "blockInterpolation",
  categories: [InterpolationOpen],
});
export const InterpolationClose = token({ name: "InterpolationClose", pattern: /\}/, pop_mode: true }, false);

/**
 * Zero-width token that ends a mode at a line break: a one-line string (or an
 * interpolation inside one) that reaches the end of its line is unterminated.
 * Each open mode pops in turn until a code mode consumes the newline.
 *
 * A regular expression rather than a custom matcher on purpose: one custom
 * pattern makes Chevrotain give up its pre-sized token array for every file.
 */
export const LineBreakEnd = token(
  { name: "LineBreakEnd", pattern: /(?=[\r\n])/, start_chars_hint: ["\n", "\r"], pop_mode: true, line_breaks: false },
  false,
);

// ------------------------------------------------------------ punctuation

export const LBrace = token({ name: "LBrace", pattern: /\{/ });
export const RBrace = token({ name: "RBrace", pattern: /\}/ }, false);
/** `{` inside an interpolation: pushes a mode so the matching `}` does not end it. */
export const NestedLBrace = token({ name: "NestedLBrace", pattern: /\{/, push_mode: "nested", categories: [LBrace] });
export const BlockNestedLBrace = token({
  name: "BlockNestedLBrace",
  pattern: /\{/,
  push_mode: "blockNested",
  categories: [LBrace],
});
export const NestedRBrace = token({ name: "NestedRBrace", pattern: /\}/, pop_mode: true, categories: [RBrace] }, false);
export const LParen = token({ name: "LParen", pattern: /\(/ });
export const RParen = token({ name: "RParen", pattern: /\)/ });
export const LBracket = token({ name: "LBracket", pattern: /\[/ });
export const RBracket = token({ name: "RBracket", pattern: /\]/ });
export const Comma = token({ name: "Comma", pattern: /,/ });
export const Semicolon = token({ name: "Semicolon", pattern: /;/ }, false);
export const Colon = token({ name: "Colon", pattern: /:/ });
export const FatArrow = token({ name: "FatArrow", pattern: /=>/ });
export const ThinArrow = token({ name: "ThinArrow", pattern: /->/ });
export const QuestionDot = token({ name: "QuestionDot", pattern: /\?\./ });
export const QuestionQuestion = token({ name: "QuestionQuestion", pattern: /\?\?/ });
export const Question = token({ name: "Question", pattern: /\?/ });
export const Dot = token({ name: "Dot", pattern: /\./ });
export const Pipe = token({ name: "Pipe", pattern: /\|/ });
export const EqualEqual = token({ name: "EqualEqual", pattern: /==/ });
export const NotEqual = token({ name: "NotEqual", pattern: /!=/ });
export const LessEqual = token({ name: "LessEqual", pattern: /<=/ });
export const GreaterEqual = token({ name: "GreaterEqual", pattern: />=/ });
export const Less = token({ name: "Less", pattern: /</ });
export const Greater = token({ name: "Greater", pattern: />/ });
export const Equals = token({ name: "Equals", pattern: /=/ });
export const Plus = token({ name: "Plus", pattern: /\+/ });
export const Minus = token({ name: "Minus", pattern: /-/ });
export const Star = token({ name: "Star", pattern: /\*/ });
export const Slash = token({ name: "Slash", pattern: /\// });
export const Percent = token({ name: "Percent", pattern: /%/ });
/**
 * Characters no pattern matches. Not in any mode (a catch-all pattern would
 * disable Chevrotain's first-character optimisation, about 3× slower): the
 * lexer's post-pass turns each run of unmatched characters into one of these,
 * and the parser reports it as FX1001 like any unexpected token.
 */
export const Unknown = token({ name: "Unknown", pattern: Lexer.NA });

// ------------------------------------------------------------ words

/**
 * Words are not patterns of their own: the lexer matches every word as an
 * Identifier (one regular expression instead of trying each keyword in turn)
 * and the post-pass re-types it through `wordTypes`.
 */
function keyword(word: string, categories: TokenType[] = []): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return token({ name: `Kw${name}`, pattern: Lexer.NA, categories: [...categories, AnyWord] });
}

export const reservedWords = [
  "flow", "step", "context", "type", "action", "import", "from", "test", "trigger", "keyword", "event",
  "say", "ask", "choose", "option", "match", "if", "else", "goto", "run", "return", "end", "handoff", "to",
  "wait", "random", "let", "set", "var", "validate", "invalid", "retries", "timeout", "true", "false", "null",
  "and", "or", "not", "in", "mock", "returns", "fails", "reply", "expect",
] as const;

export const contextualWords = [
  "start", "label", "header", "body", "http", "GET", "POST", "PUT", "PATCH", "DELETE", "image", "video",
  "audio", "file", "caption", "media", "options", "contains", "clock", "seed", "error",
] as const;

export type ReservedWord = (typeof reservedWords)[number];
export type ContextualWord = (typeof contextualWords)[number];

export const Kw = Object.fromEntries(reservedWords.map((w) => [w, keyword(w)])) as Record<ReservedWord, TokenType>;
export const Ctx = Object.fromEntries(contextualWords.map((w) => [w, keyword(w, [Identifier])])) as Record<
  ContextualWord,
  TokenType
>;

/** Tokens that open a nested construct: brackets, braces, strings and interpolations. */
export const openingTokens: ReadonlySet<TokenType> = new Set([
  LBrace, NestedLBrace, BlockNestedLBrace, LParen, LBracket, StringOpen, BlockStringOpen, StringInterpolationOpen, BlockInterpolationOpen,
]);
/** Tokens that close what `openingTokens` open. */
export const closingTokens: ReadonlySet<TokenType> = new Set([
  RBrace, NestedRBrace, RParen, RBracket, StringClose, BlockStringClose, InterpolationClose,
]);

/** Binary operators (and `,`, and `|` between types) after which a newline does not end a statement. */
export const continuationTokens: ReadonlySet<TokenType> = new Set([
  Comma, Pipe, QuestionQuestion, EqualEqual, NotEqual, LessEqual, GreaterEqual, Less, Greater, Plus, Minus, Star,
  Slash, Percent, Kw.and, Kw.or, Kw.in,
]);

/** The token type of each reserved or contextual word, by its text. */
export const wordTypes: ReadonlyMap<string, TokenType> = new Map([
  ...reservedWords.map((w) => [w, Kw[w]] as const),
  ...contextualWords.map((w) => [w, Ctx[w]] as const),
]);

// ------------------------------------------------------------ modes

/** Tokens shared by every code mode, in match order (longer punctuation first). */
const codeCore: TokenType[] = [
  Whitespace, DocComment, LineComment, BlockComment,
  BlockStringOpen, SimpleString, StringOpen,
  NumericWord, Identifier,
  LParen, RParen, LBracket, RBracket, Comma, Semicolon, Colon, FatArrow, ThinArrow,
  QuestionDot, QuestionQuestion, Question, Dot, Pipe, EqualEqual, NotEqual, LessEqual, GreaterEqual, Less, Greater,
  Equals, Plus, Minus, Star, Slash, Percent,
];

/**
 * Lexer modes:
 * - `code`: declarations and statements;
 * - `string` / `block`: the text of a one-line / `"""` string;
 * - `interpolation` / `nested`: code inside `{…}` of a one-line string (a line break ends them: unterminated);
 * - `blockInterpolation` / `blockNested`: code inside `{…}` of a block string (line breaks allowed).
 */
export const lexerDefinition = {
  defaultMode: "code",
  modes: {
    code: [Newline, LBrace, RBrace, ...codeCore],
    string: [StringClose, Escape, StringInterpolationOpen, LineBreakEnd, StringText],
    block: [BlockStringClose, Escape, BlockInterpolationOpen, BlockStringText],
    interpolation: [LineBreakEnd, NestedLBrace, InterpolationClose, ...codeCore],
    nested: [LineBreakEnd, NestedLBrace, NestedRBrace, ...codeCore],
    blockInterpolation: [Newline, BlockNestedLBrace, InterpolationClose, ...codeCore],
    blockNested: [Newline, BlockNestedLBrace, NestedRBrace, ...codeCore],
  },
};
