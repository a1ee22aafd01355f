import path from "node:path";
import { describe, expect, test } from "vitest";
import { parseConfig } from "./config.js";

const configPath = path.resolve("/work/project/fluxo.json");
const root = path.dirname(configPath);
const exists = (file: string) => (file.endsWith(".flow") ? "file" : file.endsWith("missing") ? undefined : "folder");
const parse = (text: string) => parseConfig(text, configPath, "fluxo.json", exists);

describe("parseConfig", () => {
  test("defaults: every .flow below the folder, locale en, UTC, dist", () => {
    expect(parse("{}")).toEqual({
      path: configPath,
      root,
      include: [root],
      outDir: path.join(root, "dist"),
      options: { locale: "en", timeZone: "UTC" },
    });
  });

  test("every setting", () => {
    const config = parse(
      '\uFEFF{ "$schema": "x", "include": ["flows", "shared/common.flow"], "outDir": "out", "locale": "pt-BR", "timeZone": "America/Sao_Paulo" }',
    );
    expect(config.include).toEqual([path.join(root, "flows"), path.join(root, "shared/common.flow")]);
    expect(config.outDir).toBe(path.join(root, "out"));
    expect(config.options).toEqual({ locale: "pt-BR", timeZone: "America/Sao_Paulo" });
  });

  test.each([
    ["", "fluxo.json:1:1: invalid JSON: expected a value"],
    ['{\n  "locale": "en",\n}', "fluxo.json:3:1: invalid JSON: expected a property name in double quotes"],
    ['{ "locale": "en" // comment\n}', "fluxo.json:1:18: invalid JSON: comments are not allowed in JSON"],
    ["[1]", "fluxo.json: expected a JSON object"],
    ['{ "locale": "fr" }', 'fluxo.json: "locale" must be one of "en", "pt-BR", "es"; found "fr"'],
    ['{ "locale": "pt-br" }', 'found "pt-br"'],
    ['{ "timeZone": "Nowhere/City" }', '"timeZone" must be an IANA time zone such as "UTC" or "America/Sao_Paulo"; found "Nowhere/City"'],
    ['{ "timeZone": 3 }', "found 3"],
    ['{ "outDir": "" }', '"outDir" must be a folder name; found ""'],
    ['{ "include": "flows" }', '"include" must be a non-empty list of folders, such as ["flows"]; found "flows"'],
    ['{ "include": [] }', '"include" must be a non-empty list'],
    ['{ "include": ["missing"] }', '"include" names "missing", which does not exist'],
    ['{ "locle": "en" }', 'unknown setting "locle" (did you mean "locale"?)'],
  ])("%j is refused", (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
