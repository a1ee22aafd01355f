import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Bundle } from "@fluxo/runtime/bundle";
import { ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import { emitJson } from "./emit-json.js";
import { emitTs, GENERATED_HEADER, hostActions } from "./emit-ts.js";
import { lowerProgram } from "./lower-ir.js";
import { createProgram } from "./program.js";

// Goldens: each `test/emit-ts/NAME.flow` is a one-file project (pt-BR off:
// locale en, time zone UTC); its generated module is `test/emit-ts/NAME.ts`
// beside it. `pnpm test -u` rewrites them. The SDK's type tests
// (test/sdk-types.test.ts) compile these same files with tsc.
const goldens = fileURLToPath(new URL("../test/emit-ts/", import.meta.url));
const fixtures = fs
  .readdirSync(goldens)
  .filter((name) => name.endsWith(".flow"))
  .sort();

function bundleOf(text: string, uri = "file:///p/main.flow"): Bundle {
  const program = createProgram([{ uri, text }]);
  expect(program.getDiagnostics().filter((d) => d.severity === "error")).toEqual([]);
  return lowerProgram(program, { sourceName: (u) => path.posix.basename(u) });
}

/** The value of the `bundle` constant of a generated module, read back from its syntax tree. */
function embeddedBundle(text: string): unknown {
  const file = ts.createSourceFile("flows.ts", text, ts.ScriptTarget.ES2022, true);
  let initializer: ts.Expression | undefined;
  file.forEachChild((node) => {
    if (ts.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === "bundle") initializer = declaration.initializer;
      }
    }
  });
  if (!initializer) throw new Error("no `bundle` constant");
  const value = (node: ts.Expression): unknown => {
    if (ts.isObjectLiteralExpression(node)) {
      const object: Record<string, unknown> = {};
      for (const property of node.properties) {
        if (!ts.isPropertyAssignment(property)) throw new Error(`unexpected ${ts.SyntaxKind[property.kind]}`);
        const name = property.name;
        const key = ts.isComputedPropertyName(name)
          ? (value(name.expression) as string)
          : ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)
            ? name.text
            : undefined;
        if (key === undefined) throw new Error("unexpected property name");
        Object.defineProperty(object, key, { value: value(property.initializer), enumerable: true, writable: true, configurable: true });
      }
      return object;
    }
    if (ts.isArrayLiteralExpression(node)) return node.elements.map(value);
    // A key written `["toString" as string]` (names of Object.prototype members).
    if (ts.isAsExpression(node) && node.type.kind === ts.SyntaxKind.StringKeyword && ts.isStringLiteral(node.expression)) return node.expression.text;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) return -(value(node.operand) as number);
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (node.kind === ts.SyntaxKind.NullKeyword) return null;
    throw new Error(`unexpected ${ts.SyntaxKind[node.kind]} in the bundle literal`);
  };
  return value(initializer);
}

/** Syntax errors of a TypeScript text (the module must at least parse). */
function syntaxErrors(text: string): string[] {
  const output = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
  return (output.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("emitTs goldens", () => {
  it("has fixtures", () => {
    expect(fixtures).toEqual(expect.arrayContaining(["basic.flow", "empty.flow", "names.flow"]));
  });

  for (const fixture of fixtures) {
    it(`${fixture} → ${fixture.replace(/\.flow$/, ".ts")}`, async () => {
      const bundle = bundleOf(fs.readFileSync(path.join(goldens, fixture), "utf8"), `file:///p/${fixture}`);
      const text = await emitTs(bundle);
      await expect(text).toMatchFileSnapshot(path.join(goldens, fixture.replace(/\.flow$/, ".ts")));
      expect(syntaxErrors(text)).toEqual([]);
      // The embedded literal is the bundle, field for field and in order (including a `__proto__`
      // field). Compared as JSON text: `toStrictEqual` reads a field `constructor` as the class.
      expect(JSON.stringify(embeddedBundle(text))).toBe(JSON.stringify(JSON.parse(emitJson(bundle))));
    });
  }
});

describe("emitTs", () => {
  const source = fs.readFileSync(path.join(goldens, "basic.flow"), "utf8");

  it("is deterministic: same bundle, same bytes; also from the bundle read back from flows.json", async () => {
    const bundle = bundleOf(source);
    const first = await emitTs(bundle);
    expect(await emitTs(bundle)).toBe(first);
    expect(await emitTs(bundleOf(source))).toBe(first);
    expect(await emitTs(JSON.parse(emitJson(bundle)) as Bundle)).toBe(first);
  });

  it("starts with the generated-file header, has no timestamp, imports only @fluxo/sdk", async () => {
    const text = await emitTs(bundleOf(source));
    expect(text.startsWith(`${GENERATED_HEADER}\n`)).toBe(true);
    expect(text).not.toMatch(/\b20\d\d-\d\d-\d\d/);
    const imports = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports).toEqual(["@fluxo/sdk"]);
    expect(text).toContain("export default defineFlows<FlowsSpec>(bundle);");
  });

  it("reads only the bundle: a changed bundle changes the module", async () => {
    const bundle = bundleOf(source);
    const renamed = structuredClone(bundle);
    renamed.context = { ...renamed.context, nickname: "string" };
    const text = await emitTs(renamed);
    expect(text).toMatch(/export interface Context \{[^}]*nickname: string;/s);
  });

  it("recovers alias names by structure, and unions that contain an alias", async () => {
    const text = await emitTs(bundleOf(source));
    expect(text).toContain("sizes: Size[];");
    expect(text).toContain("items: Product[];");
    expect(text).toContain("size: Size | null;");
    expect(text).toContain("export type FindProductsResult = Product[];");
    expect(text).toContain("export type AskSizeResult = Size;");
  });

  it("makes nullable and defaulted fields optional in what the host passes, not in what flows pass", async () => {
    const text = await emitTs(bundleOf(source));
    expect(text).toMatch(/export interface Context \{[^}]*email\?: string \| null;/s);
    expect(text).toMatch(/export interface PaidParams \{[^}]*orderId: string;[^}]*coupon\?: string \| null;[^}]*channel\?: string;/s);
    expect(text).toMatch(/export interface Order \{[^}]*size: Size \| null;/s);
  });

  it("lists host actions only in FlowsSpec.actions; types every action", async () => {
    const text = await emitTs(bundleOf(source));
    const spec = /export interface FlowsSpec \{([\s\S]*?)\n\}/.exec(text)![1]!;
    const actions = /actions: \{([\s\S]*?)\n {2}\};/.exec(spec)![1]!;
    expect([...actions.matchAll(/^ {4}(\w+):/gm)].map((m) => m[1])).toEqual(["tag", "findProducts", "notify", "unused"]);
    expect(text).toContain("export type GetOrderArgs = [id: string];");
    expect(text).not.toContain("UntagArgs");
    expect(spec).toContain('events: { "order.paid": OrderPaidPayload };');
  });

  it("keeps declared names and suffixes generated ones that collide; avoids TypeScript's reserved words", async () => {
    const text = await emitTs(bundleOf(fs.readFileSync(path.join(goldens, "names.flow"), "utf8")));
    expect(text).toContain("export interface Context {\n  id: string;\n}");
    expect(text).toContain("export interface Context2 {");
    expect(text).toContain("export type Same = Context;");
    expect(text).toContain("export type FlowName2 =");
    expect(text).toContain("export type Maybe = FlowName | null;");
    expect(text).toContain("export interface any_ {");
    expect(text).toContain("export type DeleteArgs = [new_: string, class_: Context, function_: any_];");
    expect(text).toContain("export type OrderPaidV2Payload = PaidParams;");
    expect(text).toContain("export type OrderPaidV2Payload2 = PaidAgainParams;");
    expect(text).toContain("export interface PaidParams2 {}");
  });
});

describe("emitTs and odd field names", () => {
  it("writes a __proto__ field as a field, in the types and in the embedded bundle", async () => {
    // Built with JSON.parse, which (unlike an object literal) makes `__proto__` an own field.
    const bundle = JSON.parse(
      emitJson(bundleOf(`context { name: string }\nflow f {\n    trigger start\n    say "x"\n}\n`)).replace(
        '"context":{"name":"string"}',
        '"context":{"name":"string","__proto__":"string","with space":"integer"}',
      ),
    ) as Bundle;
    expect(Object.keys(bundle.context)).toEqual(["name", "__proto__", "with space"]);
    const text = await emitTs(bundle);
    expect(text).toMatch(/export interface Context \{\n {2}name: string;\n {2}__proto__: string;\n[^}]*"with space": number;\n\}/);
    expect(embeddedBundle(text)).toStrictEqual(bundle);
  });
});

describe("hostActions", () => {
  it("is every action without http, and the standard actions a flow calls", () => {
    const bundle = bundleOf(fs.readFileSync(path.join(goldens, "basic.flow"), "utf8"));
    expect(hostActions(bundle)).toEqual(["tag", "findProducts", "notify", "unused"]);
    expect(hostActions(bundleOf(fs.readFileSync(path.join(goldens, "empty.flow"), "utf8")))).toEqual([]);
  });
});
