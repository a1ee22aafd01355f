// Grammar-based generators of Fluxo programs for the property tests: valid
// syntax (names and types need not resolve; only the formatter is under
// test), with long names and long lists mixed in so that line breaking is
// exercised, and every statement and expression kind of LANGUAGE.md.

import fc from "fast-check";

const shortNames = ["a", "b", "x", "n", "total", "order", "item"];
const longNames = ["aVeryLongVariableNameForTesting", "anotherQuiteLongIdentifierName", "yetAnotherLongName"];
const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...shortNames) }, { weight: 1, arbitrary: fc.constantFrom(...longNames) });

const stringLiteral = fc.oneof(
  fc.constantFrom('"ok"', '"Olá, mundo!"', '"tab\\tand \\"quotes\\""', '"^[0-9]{6}$"', '"emoji 🎉 \\u{1F600}"', '""'),
  fc.constantFrom('"Olá, {context.name}!"', '"total {fixed(total, 2)} e {a ?? "nada"}"', '"{n} itens"'),
  fc.constantFrom('"a fairly long message that takes a good part of the line all by itself, really"'),
);

const blockString = fc.constantFrom('"""\n    line one\n      line two\n    """', '"""\n\tTab {x}\n\n\tend\n\t"""', '"""raw"""');

const binaryOperator = fc.constantFrom("??", "or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/", "%");

/** Expressions; `noRecord` wraps record literals in parentheses (conditions, subjects, prompts). */
function expression(noRecord: boolean): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string; leaf: string }>((tie) => ({
    leaf: fc.oneof(
      name,
      fc.constantFrom("1", "42", "3.14", "0", "true", "false", "null", "context.name"),
      stringLiteral,
    ),
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 5, arbitrary: tie("leaf") },
      { weight: 2, arbitrary: fc.tuple(tie("expr"), binaryOperator, tie("expr")).map(([l, op, r]) => `${l} ${op} ${r}`) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom("not ", "-"), tie("leaf")).map(([op, e]) => `${op}${e}`) },
      { weight: 1, arbitrary: tie("expr").map((e) => `(${e})`) },
      { weight: 1, arbitrary: fc.tuple(name, fc.array(tie("expr"), { maxLength: 4 })).map(([f, args]) => `${f}(${args.join(", ")})`) },
      { weight: 1, arbitrary: fc.tuple(tie("leaf"), fc.constantFrom(".", "?."), name).map(([o, dot, n]) => `${o}${dot}${n}`) },
      { weight: 1, arbitrary: fc.tuple(name, tie("expr")).map(([o, i]) => `${o}[${i}]`) },
      { weight: 1, arbitrary: fc.array(tie("expr"), { maxLength: 4 }).map((items) => `[${items.join(", ")}]`) },
      {
        weight: 1,
        arbitrary: fc
          .array(fc.tuple(name, tie("expr")), { maxLength: 3 })
          .map((fields) => {
            const record = `{ ${fields.map(([k, v]) => `${k}: ${v}`).join(", ")} }`;
            return noRecord ? `(${record})` : record;
          }),
      },
      { weight: 1, arbitrary: fc.tuple(name, fc.array(tie("leaf"), { maxLength: 3 })).map(([f, args]) => `run ${f}(${args.join(", ")})`) },
    ),
  }));
  return expr;
}

const value = expression(false);
const condition = expression(true);

const type: fc.Arbitrary<string> = fc.letrec<{ type: string }>((tie) => ({
  type: fc.oneof(
    { depthSize: "small" },
    { weight: 4, arbitrary: fc.constantFrom("string", "integer", "number", "boolean", "email", "phone", "Order", '"a"', "1", "null") },
    { weight: 1, arbitrary: tie("type").map((t) => `${t}?`) },
    { weight: 1, arbitrary: tie("type").map((t) => `(${t})[]`) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom('"pending"', '"shipped"', '"delivered"', '"cancelado_pelo_cliente"'), { minLength: 2, maxLength: 6 }).map((ts) => ts.join(" | ")) },
    { weight: 1, arbitrary: fc.array(fc.tuple(name, tie("type")), { maxLength: 3 }).map((fs) => `{ ${fs.map(([n, t]) => `${n}: ${t}`).join("; ")} }`) },
  ),
})).type;

const statement: fc.Arbitrary<string> = fc.letrec<{ statement: string; block: string; simple: string }>((tie) => ({
  block: fc.array(tie("statement"), { maxLength: 3 }).map((statements) => `{\n${statements.join("\n")}\n}`),
  simple: fc.oneof(
    value.map((e) => `say ${e}`),
    blockString.map((s) => `say ${s}`),
    fc.tuple(fc.constantFrom("image", "video", "audio", "file"), stringLiteral, fc.option(stringLiteral)).map(
      ([kind, url, caption]) => `say ${kind} ${url}${caption ? ` caption ${caption}` : ""}`,
    ),
    fc.constantFrom("wait 2s", "end", "handoff", 'handoff to "Suporte"', "goto done", "return"),
    value.map((e) => `return ${e}`),
    fc.tuple(name, value).map(([n, e]) => `set ${n} = ${e}`),
    fc.tuple(name, fc.array(value, { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(", ")})`),
  ),
  statement: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: tie("simple") },
    { weight: 1, arbitrary: fc.tuple(name, value, fc.option(tie("block"))).map(([n, e, b]) => `let ${n} = ${e}${b ? ` else ${b}` : ""}`) },
    { weight: 1, arbitrary: fc.tuple(name, type, fc.option(value)).map(([n, t, e]) => `var ${n}: ${t}${e ? ` = ${e}` : ""}`) },
    { weight: 1, arbitrary: fc.tuple(name, fc.array(value, { maxLength: 2 }), tie("block")).map(([f, args, b]) => `${f}(${args.join(", ")}) else ${b}`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(condition, tie("block"), fc.option(fc.oneof(tie("block"), fc.tuple(condition, tie("block")).map(([c, b]) => `if ${c} ${b}`))))
        .map(([c, b, e]) => `if ${c} ${b}${e ? ` else ${e}` : ""}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(condition, fc.array(fc.tuple(fc.array(stringLiteral, { minLength: 1, maxLength: 3 }), fc.oneof(tie("simple"), tie("block"))), { minLength: 1, maxLength: 4 }), fc.option(tie("simple")))
        .map(([s, arms, otherwise]) => `match ${s} {\n${arms.map(([ps, b]) => `${ps.join(", ")} => ${b}`).join("\n")}${otherwise ? `\nelse => ${otherwise}` : ""}\n}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(fc.constantFrom("1", "10", "50", "100"), tie("simple")), { minLength: 1, maxLength: 3 })
        .map((arms) => `random {\n${arms.map(([w, b]) => `${w} => ${b}`).join("\n")}\n}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(stringLiteral, fc.array(fc.tuple(fc.array(stringLiteral, { minLength: 1, maxLength: 4 }), fc.option(fc.oneof(tie("simple"), tie("block")))), { maxLength: 4 }), fc.boolean())
        .map(([prompt, options, clauses]) => {
          const lines = options.map(([labels, then]) => `option ${labels.join(", ")}${then ? ` => ${then}` : ""}`);
          if (clauses) lines.push('invalid "De novo?" retries 1 => end', "timeout 1h");
          return `choose ${prompt} {\n${lines.join("\n")}\n}`;
        }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(name, type, stringLiteral, fc.boolean(), fc.option(condition)).map(([n, t, prompt, clauses, check]) => {
        const lines = [check ? `validate ${check}` : "", clauses ? 'invalid "Não entendi." retries 2 => goto done' : "", clauses ? "timeout 30m => end" : ""].filter(Boolean);
        return `ask ${n}: ${t} ${prompt}${lines.length ? ` {\n${lines.join("\n")}\n}` : ""}`;
      }),
    },
    { weight: 1, arbitrary: fc.tuple(name, condition, stringLiteral, value).map(([n, list, prompt, label]) => `ask ${n} from ${list} ${prompt} {\nlabel ${label}\n}`) },
  ),
})).statement;

const testStatement = fc.oneof(
  fc.tuple(name, value).map(([n, e]) => `context { ${n}: ${e} }`),
  fc.constantFrom('clock "2026-11-24T10:00:00-03:00"', "seed 7", "timeout", "expect error", "expect end", 'expect end "done"', "expect handoff", "expect wait 2s"),
  fc.tuple(name, fc.option(fc.array(value, { maxLength: 3 })), fc.constantFrom("", " fails", " returns null", " returns { id: \"1\", items: [1, 2, 3] }")).map(
    ([n, args, result]) => `mock ${n}${args ? `(${args.join(", ")})` : ""}${result}`,
  ),
  fc.tuple(name, fc.array(value, { maxLength: 3 })).map(([n, args]) => `start ${n}(${args.join(", ")})`),
  stringLiteral.map((s) => `trigger ${s}`),
  stringLiteral.map((s) => `reply ${s}`),
  fc.tuple(fc.boolean(), stringLiteral).map(([contains, s]) => `expect say ${contains ? "contains " : ""}${s}`),
  stringLiteral.map((s) => `expect media ${s}`),
  fc.tuple(fc.option(stringLiteral), fc.option(fc.array(stringLiteral, { minLength: 1, maxLength: 6 }))).map(
    ([prompt, options]) => `expect ask${prompt ? ` ${prompt}` : ""}${options ? ` options ${options.join(", ")}` : ""}`,
  ),
  fc.tuple(name, fc.option(fc.array(value, { maxLength: 3 }))).map(([n, args]) => `expect action ${n}${args ? `(${args.join(", ")})` : ""}`),
  value.map((e) => `expect ${e} == 1`),
);

const param = fc.tuple(name, type, fc.option(fc.constantFrom('"x"', "1", "null"))).map(([n, t, d]) => `${n}: ${t}${d ? ` = ${d}` : ""}`);

const declaration = fc.oneof(
  fc.array(name, { maxLength: 4 }).map((names) => `import { ${names.join(", ")} } from "./other.flow"`),
  fc.array(fc.tuple(name, type), { maxLength: 3 }).map((fields) => `context { ${fields.map(([n, t]) => `${n}: ${t}`).join("; ")} }`),
  fc.tuple(name, type).map(([n, t]) => `type ${n} = ${t}`),
  fc.tuple(name, fc.array(param, { maxLength: 4 }), fc.option(type), fc.boolean(), fc.boolean()).map(([n, params, returns, timeout, http]) => {
    const head = `action ${n}(${params.join(", ")})${returns ? ` -> ${returns}` : ""}${timeout ? " timeout 5s" : ""}`;
    return http ? `${head} = http POST "https://api.example/{x}" {\nheader "Authorization" = "Bearer {secret("T")}"\nbody { id: x }\n}` : head;
  }),
  fc
    .tuple(name, fc.array(param, { maxLength: 3 }), fc.option(type), fc.array(stringLiteral, { maxLength: 5 }), fc.array(statement, { maxLength: 6 }), fc.array(fc.array(statement, { maxLength: 3 }), { maxLength: 2 }))
    .map(([n, params, returns, keywords, body, steps]) => {
      const lines = [keywords.length ? `trigger keyword ${keywords.join(", ")}` : "trigger start", ...body];
      steps.forEach((stepBody, index) => lines.push(`step s${index} {\n${stepBody.join("\n")}\n}`));
      return `flow ${n}${params.length ? `(${params.join(", ")})` : ""}${returns ? ` -> ${returns}` : ""} {\n${lines.join("\n")}\n}`;
    }),
  fc.tuple(stringLiteral, fc.array(testStatement, { maxLength: 8 })).map(([title, body]) => `test ${title} {\n${body.join("\n")}\n}`),
);

/** A whole file: a few declarations, one a line. */
export const program: fc.Arbitrary<string> = fc.array(declaration, { minLength: 1, maxLength: 4 }).map((declarations) => `${declarations.join("\n\n")}\n`);
