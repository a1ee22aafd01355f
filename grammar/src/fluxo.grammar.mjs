//! The TextMate grammar of Fluxo (scope `source.fluxo`), as a JavaScript
//! object so that its regular expressions can be written once and composed
//! (`String.raw`, shared fragments) instead of double-escaped in JSON.
//! `scripts/generate.mjs` writes it to `fluxo.tmLanguage.json`, the file
//! editors load; a test checks that the two agree.
//!
//! Shape of the grammar (LANGUAGE §2 for the lexical rules it mirrors):
//!
//! - Declarations with a header (`flow`, `action`) are regions that end where
//!   their body's `{` starts (or at the end of the line); bodies are brace
//!   regions holding statements. `test` is a region around its body, since a
//!   `context { … }` there holds values, while a top-level `context { … }`
//!   holds types.
//! - Types are highlighted only where the language expects one: after `:` in
//!   `var`/`ask`/parameters/record-type fields, after `->`, and after
//!   `type Name =`. A type annotation ends just after a complete type that is
//!   not continued by `|`, `?` or `[]` (`typeEnd`), so `ask x: T "prompt"`
//!   needs no lookahead on what follows. A `|` ending a line opens a region
//!   that holds the line break, so a union broken over lines stays one type.
//! - Strings follow the lexer: `{` opens an interpolation unless a digit
//!   follows (`"^[0-9]{6}$"` stays text), any `}` outside an interpolation is
//!   text, a one-line string (and an interpolation in it) ends at the end of
//!   its line, and an interpolation holds ordinary expressions, including
//!   nested strings. Interpolated code is scoped `meta.embedded.line.fluxo`,
//!   which editors treat as code, not string.
//! - Contextual words (`start label header body http GET … caption options
//!   contains clock seed error media`) are keywords only in the positions
//!   where the parser reads them as such; elsewhere they are identifiers.

/** An identifier (LANGUAGE §2). */
const ident = String.raw`[A-Za-z_][A-Za-z0-9_]*`;

/**
 * Where a type annotation ends: just after a complete type (a name, a string
 * literal, `?`, `[]` or a record's `}`) that is not continued by `|`, `?`
 * or `[`.
 */
const typeEnd = String.raw`(?<=[A-Za-z0-9_"?\]}])(?!\s*(?:\||\?|\[))`;

/**
 * After a contextual word, what shows it is used as a name rather than as a
 * keyword: an operator, a separator, a closing bracket, a call's `(`, or the
 * end of the line.
 */
const usedAsName = String.raw`(?!\s*(?:[=!<>.?+\-*/%|,;:})\]]|\b(?:and|or|in)\b|$))(?!\()`;

/** After `say image|video|audio|file`: what makes the word the said value, not a media kind (the parser's `mediaAhead`). */
const notMediaUrl = String.raw`(?!\s*(?:[;},|?=!<>+\-*/%\[.]|\b(?:and|or|in)\b|$))`;

export const primitiveTypes = ["string", "number", "integer", "boolean", "email", "phone", "date", "url"];

export const builtinFunctions = [
  "lower", "upper", "trim", "len", "contains", "startsWith", "endsWith", "matches", "toNumber", "round", "floor",
  "ceil", "fixed", "today", "withinHours", "secret",
];

export const standardActions = ["tag", "untag", "addToList", "removeFromList", "setField"];

/** Reserved words by the scope they get (LANGUAGE §2). */
export const reservedWordScopes = {
  declaration: ["flow", "step", "type", "action", "context", "test", "let", "var"],
  import: ["import", "from"],
  conditional: ["if", "else", "match", "random"],
  flowControl: ["goto", "return", "end", "handoff", "run"],
  conversation: ["say", "ask", "choose", "option", "wait"],
  other: ["trigger", "keyword", "event", "to", "set", "validate", "invalid", "retries", "timeout"],
  test: ["mock", "returns", "fails", "reply", "expect"],
  logical: ["and", "or", "not"],
  membership: ["in"],
  boolean: ["true", "false"],
  null: ["null"],
};

const words = (list) => `\\b(${list.join("|")})\\b`;

const string = (scope) => ({
  name: scope,
  begin: String.raw`"(?!"")`,
  beginCaptures: { 0: { name: "punctuation.definition.string.begin.fluxo" } },
  // A one-line string ends at the end of its line, closed or not (FX1002).
  end: String.raw`"|(?=$)`,
  endCaptures: { 0: { name: "punctuation.definition.string.end.fluxo" } },
  patterns: [{ include: "#escape" }, { include: "#interpolation-line" }],
});

/** A type annotation that starts with `begin` and ends with the type. */
const typeAnnotation = (begin, beginCaptures) => ({
  name: "meta.type.annotation.fluxo",
  begin,
  beginCaptures,
  end: typeEnd,
  patterns: [{ include: "#type-expression" }],
});

export const grammar = {
  $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
  name: "Fluxo",
  scopeName: "source.fluxo",
  fileTypes: ["flow"],
  patterns: [
    { include: "#comments" },
    { include: "#import" },
    { include: "#type-declaration" },
    { include: "#action-declaration" },
    { include: "#flow-declaration" },
    { include: "#context-declaration" },
    { include: "#test-declaration" },
    { include: "#statements" },
  ],
  repository: {
    // ------------------------------------------------------------ comments
    comments: {
      patterns: [
        {
          name: "comment.line.documentation.fluxo",
          begin: "///",
          beginCaptures: { 0: { name: "punctuation.definition.comment.fluxo" } },
          end: "$",
        },
        {
          name: "comment.line.double-slash.fluxo",
          begin: "//",
          beginCaptures: { 0: { name: "punctuation.definition.comment.fluxo" } },
          end: "$",
        },
        {
          // Not nested; an unterminated one runs to the end of the file (FX1002).
          name: "comment.block.fluxo",
          begin: String.raw`/\*`,
          beginCaptures: { 0: { name: "punctuation.definition.comment.begin.fluxo" } },
          end: String.raw`\*/`,
          endCaptures: { 0: { name: "punctuation.definition.comment.end.fluxo" } },
        },
      ],
    },

    // ------------------------------------------------------------ declarations
    import: {
      name: "meta.import.fluxo",
      begin: String.raw`\b(import)\b`,
      beginCaptures: { 1: { name: "keyword.control.import.fluxo" } },
      end: String.raw`$|(?=;)`,
      patterns: [
        { include: "#comments" },
        { match: String.raw`\bfrom\b`, name: "keyword.control.import.fluxo" },
        {
          // The formatter breaks a long list over lines.
          begin: String.raw`\{`,
          beginCaptures: { 0: { name: "punctuation.definition.block.begin.fluxo" } },
          end: String.raw`\}`,
          endCaptures: { 0: { name: "punctuation.definition.block.end.fluxo" } },
          patterns: [
            { include: "#comments" },
            { match: ",", name: "punctuation.separator.comma.fluxo" },
            { match: ident, name: "variable.other.readwrite.alias.fluxo" },
          ],
        },
        { include: "#strings" },
      ],
    },
    "type-declaration": {
      name: "meta.declaration.type.fluxo",
      begin: String.raw`\b(type)\s+(${ident})\s*(=)`,
      beginCaptures: {
        1: { name: "storage.type.type.fluxo" },
        2: { name: "entity.name.type.fluxo" },
        3: { name: "keyword.operator.assignment.fluxo" },
      },
      // A union may go on over several lines, each starting with `|` (or the line before ending with one).
      end: String.raw`^(?!\s*\|)`,
      patterns: [{ include: "#type-expression" }],
    },
    "action-declaration": {
      name: "meta.declaration.action.fluxo",
      begin: String.raw`\b(action)\s+(${ident})`,
      beginCaptures: {
        1: { name: "storage.type.action.fluxo" },
        2: { name: "entity.name.function.action.fluxo" },
      },
      // The header ends at an HTTP action's `{` (a block of `header`/`body` clauses) or the end of the line.
      end: String.raw`(?=\{)|$`,
      patterns: [
        { include: "#comments" },
        { include: "#parameters" },
        { include: "#return-type" },
        {
          match: String.raw`(=)\s*(http)\b(?:\s+(GET|POST|PUT|PATCH|DELETE)\b)?`,
          captures: {
            1: { name: "keyword.operator.assignment.fluxo" },
            2: { name: "keyword.other.http.fluxo" },
            3: { name: "keyword.other.http-method.fluxo" },
          },
        },
        { include: "#expression" },
      ],
    },
    "flow-declaration": {
      name: "meta.declaration.flow.fluxo",
      begin: String.raw`\b(flow)\s+(${ident})`,
      beginCaptures: {
        1: { name: "storage.type.flow.fluxo" },
        2: { name: "entity.name.function.flow.fluxo" },
      },
      end: String.raw`(?=\{)|$`,
      patterns: [{ include: "#comments" }, { include: "#parameters" }, { include: "#return-type" }],
    },
    "context-declaration": {
      name: "meta.declaration.context.fluxo",
      begin: String.raw`\b(context)\s*(\{)`,
      beginCaptures: {
        1: { name: "storage.type.context.fluxo" },
        2: { name: "punctuation.definition.block.begin.fluxo" },
      },
      end: String.raw`\}`,
      endCaptures: { 0: { name: "punctuation.definition.block.end.fluxo" } },
      patterns: [{ include: "#record-type-body" }],
    },
    "test-declaration": {
      name: "meta.declaration.test.fluxo",
      begin: String.raw`\b(test)\b`,
      beginCaptures: { 1: { name: "storage.type.test.fluxo" } },
      end: String.raw`(?<=\})`,
      patterns: [
        { include: "#comments" },
        { include: "#strings" },
        {
          name: "meta.block.fluxo",
          begin: String.raw`\{`,
          beginCaptures: { 0: { name: "punctuation.definition.block.begin.fluxo" } },
          end: String.raw`\}`,
          endCaptures: { 0: { name: "punctuation.definition.block.end.fluxo" } },
          patterns: [{ include: "#statements" }],
        },
      ],
    },
    parameters: {
      name: "meta.parameters.fluxo",
      begin: String.raw`\(`,
      beginCaptures: { 0: { name: "punctuation.definition.parameters.begin.fluxo" } },
      end: String.raw`\)`,
      endCaptures: { 0: { name: "punctuation.definition.parameters.end.fluxo" } },
      patterns: [
        { include: "#comments" },
        typeAnnotation(String.raw`\b(${ident})\s*(:)`, {
          1: { name: "variable.parameter.fluxo" },
          2: { name: "punctuation.separator.type-annotation.fluxo" },
        }),
        { include: "#expression" },
      ],
    },
    "return-type": typeAnnotation("->", { 0: { name: "punctuation.separator.return-type.fluxo" } }),

    // ------------------------------------------------------------ types
    "type-expression": {
      patterns: [
        { include: "#comments" },
        {
          name: "meta.type.record.fluxo",
          begin: String.raw`\{`,
          beginCaptures: { 0: { name: "punctuation.definition.block.begin.fluxo" } },
          end: String.raw`\}`,
          endCaptures: { 0: { name: "punctuation.definition.block.end.fluxo" } },
          patterns: [{ include: "#record-type-body" }],
        },
        {
          // A union broken after `|` (as the formatter breaks long ones): this region holds the line break
          // (and comments), so the type goes on with the next line's first word.
          begin: String.raw`\|(?=\s*(?://.*|/\*.*)?$)`,
          beginCaptures: { 0: { name: "keyword.operator.type.union.fluxo" } },
          end: String.raw`(?=\S)(?!//|/\*)`,
          patterns: [{ include: "#comments" }],
        },
        { include: "#string-line" },
        { match: words(primitiveTypes), name: "support.type.primitive.fluxo" },
        { match: String.raw`\bnull\b`, name: "constant.language.null.fluxo" },
        { match: ident, name: "entity.name.type.fluxo" },
        { match: String.raw`\|`, name: "keyword.operator.type.union.fluxo" },
        { match: String.raw`\?`, name: "keyword.operator.type.optional.fluxo" },
        { match: String.raw`\[\s*\]`, name: "keyword.operator.type.list.fluxo" },
      ],
    },
    "record-type-body": {
      patterns: [
        { include: "#comments" },
        typeAnnotation(String.raw`\b(${ident})\s*(:)`, {
          1: { name: "variable.other.property.fluxo" },
          2: { name: "punctuation.separator.type-annotation.fluxo" },
        }),
        { match: ";", name: "punctuation.terminator.statement.fluxo" },
        { match: ",", name: "punctuation.separator.comma.fluxo" },
      ],
    },

    // ------------------------------------------------------------ statements
    statements: {
      patterns: [
        { include: "#comments" },
        { include: "#option" },
        { include: "#ask" },
        { include: "#variable-declaration" },
        { include: "#named-targets" },
        { include: "#say-media" },
        { include: "#test-statements" },
        { include: "#contextual-keywords" },
        { include: "#return-type" },
        { include: "#expression" },
      ],
    },
    option: {
      // `option "Label", "alias", …`: the first string is the label shown to the user.
      begin: String.raw`\b(option)\b\s*`,
      beginCaptures: { 1: { name: "keyword.control.conversation.fluxo" } },
      end: String.raw`(?<=")|(?=[^\s"])|$`,
      patterns: [{ include: "#string-block" }, string("string.quoted.double.option-label.fluxo")],
    },
    ask: {
      patterns: [
        typeAnnotation(String.raw`\b(ask)\s+(${ident})\s*(:)`, {
          1: { name: "keyword.control.conversation.fluxo" },
          2: { name: "variable.other.readwrite.fluxo" },
          3: { name: "punctuation.separator.type-annotation.fluxo" },
        }),
        {
          match: String.raw`\b(ask)\s+(${ident})\s+(from)\b`,
          captures: {
            1: { name: "keyword.control.conversation.fluxo" },
            2: { name: "variable.other.readwrite.fluxo" },
            3: { name: "keyword.other.from.fluxo" },
          },
        },
      ],
    },
    "variable-declaration": {
      patterns: [
        typeAnnotation(String.raw`\b(var|let)\s+(${ident})\s*(:)`, {
          1: { name: "storage.type.$1.fluxo" },
          2: { name: "variable.other.readwrite.fluxo" },
          3: { name: "punctuation.separator.type-annotation.fluxo" },
        }),
        {
          match: String.raw`\b(var|let)\s+(${ident})`,
          captures: { 1: { name: "storage.type.$1.fluxo" }, 2: { name: "variable.other.readwrite.fluxo" } },
        },
        {
          match: String.raw`\b(set)\s+(${ident})`,
          captures: { 1: { name: "keyword.other.set.fluxo" }, 2: { name: "variable.other.readwrite.fluxo" } },
        },
      ],
    },
    "named-targets": {
      patterns: [
        {
          match: String.raw`\b(step)\s+(${ident})`,
          captures: { 1: { name: "storage.type.step.fluxo" }, 2: { name: "entity.name.function.step.fluxo" } },
        },
        {
          match: String.raw`\b(goto)\s+(${ident})`,
          captures: { 1: { name: "keyword.control.flow.fluxo" }, 2: { name: "entity.name.function.step.fluxo" } },
        },
        {
          match: String.raw`\b(run)\s+(${ident})`,
          captures: { 1: { name: "keyword.control.flow.fluxo" }, 2: { name: "entity.name.function.flow.fluxo" } },
        },
        {
          match: String.raw`\b(trigger)\s+(start)\b`,
          captures: { 1: { name: "keyword.other.trigger.fluxo" }, 2: { name: "keyword.other.start.fluxo" } },
        },
      ],
    },
    "say-media": {
      // `say image|video|audio|file URL [caption TEXT]`; `say image` alone (or `say image + x`) says a variable.
      begin: String.raw`\b(say)\s+(image|video|audio|file)\b${notMediaUrl}`,
      beginCaptures: {
        1: { name: "keyword.control.conversation.fluxo" },
        2: { name: "keyword.other.media.fluxo" },
      },
      end: String.raw`$|(?=[;}])`,
      patterns: [
        { match: String.raw`\bcaption\b`, name: "keyword.other.caption.fluxo" },
        { include: "#expression" },
      ],
    },
    "test-statements": {
      patterns: [
        {
          match: String.raw`\b(expect)\s+(say)(?:\s+(contains)\b${notMediaUrl})?`,
          captures: {
            1: { name: "keyword.other.expect.fluxo" },
            2: { name: "keyword.control.conversation.fluxo" },
            3: { name: "keyword.other.contains.fluxo" },
          },
        },
        {
          match: String.raw`\b(expect)\s+(media)\b${notMediaUrl}`,
          captures: { 1: { name: "keyword.other.expect.fluxo" }, 2: { name: "keyword.other.media.fluxo" } },
        },
        {
          // `expect error` alone on its statement; `expect error == x` is a condition over a variable.
          match: String.raw`\b(expect)\s+(error)\b(?=\s*(?:$|[;}]|//|/\*))`,
          captures: { 1: { name: "keyword.other.expect.fluxo" }, 2: { name: "keyword.other.error.fluxo" } },
        },
        {
          match: String.raw`\b(expect)\s+(action)\s+(${ident})`,
          captures: {
            1: { name: "keyword.other.expect.fluxo" },
            2: { name: "keyword.other.action.fluxo" },
            3: { name: "entity.name.function.action.fluxo" },
          },
        },
        {
          // `expect ask ["prompt"] [options "A", …]`
          begin: String.raw`\b(expect)\s+(ask)\b`,
          beginCaptures: { 1: { name: "keyword.other.expect.fluxo" }, 2: { name: "keyword.control.conversation.fluxo" } },
          end: String.raw`$|(?=[;}])`,
          patterns: [{ match: String.raw`\boptions\b`, name: "keyword.other.options.fluxo" }, { include: "#expression" }],
        },
        {
          match: String.raw`\b(mock)\s+(${ident})`,
          captures: { 1: { name: "keyword.other.mock.fluxo" }, 2: { name: "entity.name.function.action.fluxo" } },
        },
        {
          match: String.raw`^\s*(start)\s+(${ident})`,
          captures: { 1: { name: "keyword.other.start.fluxo" }, 2: { name: "entity.name.function.flow.fluxo" } },
        },
      ],
    },
    "contextual-keywords": {
      // Clause words that open a line: `label expr` (ask … from), `header "…" = …` and
      // `body expr` (HTTP actions), `clock "…"` and `seed N` (tests).
      patterns: [
        {
          match: String.raw`^\s*(label|header|body|clock|seed)\b${usedAsName}`,
          captures: { 1: { name: "keyword.other.$1.fluxo" } },
        },
      ],
    },

    // ------------------------------------------------------------ expressions
    expression: {
      patterns: [
        { include: "#comments" },
        { include: "#strings" },
        { include: "#numbers" },
        {
          match: String.raw`(\?\.|\.)\s*(${ident})`,
          captures: {
            1: { name: "punctuation.accessor.fluxo" },
            2: { name: "variable.other.property.fluxo" },
          },
        },
        { match: String.raw`\b(context)\b(?=\s*\??\.)`, name: "variable.language.context.fluxo" },
        // Record keys, reserved words included (`{ end: 1 }`).
        {
          match: String.raw`\b(${ident})\s*(:)`,
          captures: {
            1: { name: "variable.other.property.fluxo" },
            2: { name: "punctuation.separator.key-value.fluxo" },
          },
        },
        { include: "#keywords" },
        { match: String.raw`\b(${builtinFunctions.join("|")})\s*(?=\()`, captures: { 1: { name: "support.function.builtin.fluxo" } } },
        { match: String.raw`\b(${standardActions.join("|")})\s*(?=\()`, captures: { 1: { name: "support.function.action.fluxo" } } },
        { match: String.raw`\b(${ident})\s*(?=\()`, captures: { 1: { name: "entity.name.function.call.fluxo" } } },
        { match: ident, name: "variable.other.readwrite.fluxo" },
        { include: "#operators" },
        { include: "#braces" },
      ],
    },
    keywords: {
      patterns: [
        { match: words(reservedWordScopes.declaration), name: "storage.type.$1.fluxo" },
        { match: words(reservedWordScopes.import), name: "keyword.control.import.fluxo" },
        { match: words(reservedWordScopes.conditional), name: "keyword.control.conditional.fluxo" },
        { match: words(reservedWordScopes.flowControl), name: "keyword.control.flow.fluxo" },
        { match: words(reservedWordScopes.conversation), name: "keyword.control.conversation.fluxo" },
        { match: words(reservedWordScopes.other), name: "keyword.other.$1.fluxo" },
        { match: words(reservedWordScopes.test), name: "keyword.other.$1.fluxo" },
        { match: words(reservedWordScopes.logical), name: "keyword.operator.logical.fluxo" },
        { match: words(reservedWordScopes.membership), name: "keyword.operator.in.fluxo" },
        { match: words(reservedWordScopes.boolean), name: "constant.language.boolean.$1.fluxo" },
        { match: words(reservedWordScopes.null), name: "constant.language.null.fluxo" },
      ],
    },
    numbers: {
      patterns: [
        {
          name: "constant.numeric.duration.fluxo",
          match: String.raw`\b([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)(?![A-Za-z0-9_])`,
          captures: { 2: { name: "keyword.other.unit.fluxo" } },
        },
        // A number glued to letters that do not make a duration is one invalid token (FX1004).
        { name: "invalid.illegal.numeric.fluxo", match: String.raw`\b[0-9]+(?:\.[0-9]+)?[A-Za-z_][A-Za-z0-9_]*` },
        { name: "constant.numeric.decimal.fluxo", match: String.raw`\b[0-9]+(?:\.[0-9]+)?` },
      ],
    },
    operators: {
      patterns: [
        { match: "=>", name: "keyword.operator.arrow.fluxo" },
        { match: String.raw`\?\?`, name: "keyword.operator.nullish-coalescing.fluxo" },
        { match: "==|!=|<=|>=|<|>", name: "keyword.operator.comparison.fluxo" },
        { match: "=", name: "keyword.operator.assignment.fluxo" },
        { match: String.raw`[-+*/%]`, name: "keyword.operator.arithmetic.fluxo" },
        { match: String.raw`\?`, name: "keyword.operator.optional.fluxo" },
        { match: String.raw`\|`, name: "keyword.operator.type.union.fluxo" },
        { match: ",", name: "punctuation.separator.comma.fluxo" },
        { match: ";", name: "punctuation.terminator.statement.fluxo" },
        { match: ":", name: "punctuation.separator.key-value.fluxo" },
        { match: String.raw`\(`, name: "punctuation.section.parens.begin.fluxo" },
        { match: String.raw`\)`, name: "punctuation.section.parens.end.fluxo" },
        { match: String.raw`\[`, name: "punctuation.section.brackets.begin.fluxo" },
        { match: String.raw`\]`, name: "punctuation.section.brackets.end.fluxo" },
      ],
    },
    braces: {
      // Blocks and record literals: nested regions, so each `}` closes its own `{`.
      name: "meta.block.fluxo",
      begin: String.raw`\{`,
      beginCaptures: { 0: { name: "punctuation.definition.block.begin.fluxo" } },
      end: String.raw`\}`,
      endCaptures: { 0: { name: "punctuation.definition.block.end.fluxo" } },
      patterns: [{ include: "#statements" }],
    },

    // ------------------------------------------------------------ strings
    strings: {
      patterns: [{ include: "#string-block" }, { include: "#string-line" }],
    },
    "string-line": string("string.quoted.double.fluxo"),
    "string-block": {
      name: "string.quoted.triple.fluxo",
      begin: '"""',
      beginCaptures: { 0: { name: "punctuation.definition.string.begin.fluxo" } },
      end: '"""',
      endCaptures: { 0: { name: "punctuation.definition.string.end.fluxo" } },
      patterns: [{ include: "#escape" }, { include: "#interpolation-block" }],
    },
    escape: {
      patterns: [
        {
          // \" \\ \n \t \{ \} and \u{X} with 1 to 6 hex digits up to 10FFFF.
          name: "constant.character.escape.fluxo",
          match: String.raw`\\(?:["\\nt{}]|u\{(?=[0-9A-Fa-f]{1,6}\})0*(?:[0-9A-Fa-f]{1,5}|10[0-9A-Fa-f]{4})\})`,
        },
        // Any other backslash sequence is FX1003.
        { name: "invalid.illegal.escape.fluxo", match: String.raw`\\(?:u\{[^}"\r\n]*\}?|.)?` },
      ],
    },
    "interpolation-line": {
      // `{` followed by a digit is text (regex quantifiers); an interpolation ends with its line.
      name: "meta.interpolation.fluxo",
      begin: String.raw`\{(?![0-9])`,
      beginCaptures: { 0: { name: "punctuation.section.interpolation.begin.fluxo" } },
      end: String.raw`\}|(?=$)`,
      endCaptures: { 0: { name: "punctuation.section.interpolation.end.fluxo" } },
      contentName: "meta.embedded.line.fluxo",
      patterns: [{ include: "#interpolation-line-braces" }, { include: "#expression" }],
    },
    "interpolation-line-braces": {
      name: "meta.block.fluxo",
      begin: String.raw`\{`,
      beginCaptures: { 0: { name: "punctuation.definition.block.begin.fluxo" } },
      end: String.raw`\}|(?=$)`,
      endCaptures: { 0: { name: "punctuation.definition.block.end.fluxo" } },
      patterns: [{ include: "#interpolation-line-braces" }, { include: "#expression" }],
    },
    "interpolation-block": {
      name: "meta.interpolation.fluxo",
      begin: String.raw`\{(?![0-9])`,
      beginCaptures: { 0: { name: "punctuation.section.interpolation.begin.fluxo" } },
      end: String.raw`\}`,
      endCaptures: { 0: { name: "punctuation.section.interpolation.end.fluxo" } },
      contentName: "meta.embedded.line.fluxo",
      patterns: [{ include: "#expression" }],
    },
  },
};
