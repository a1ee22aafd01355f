import { describe, expect, it } from "vitest";
import {
  defaultInvalidMessage,
  formatBoolean,
  formatFixed,
  formatNumber,
  LOCALES,
  normalizeText,
  parseBoolean,
  parseInteger,
  parseNumber,
} from "./locale.js";

describe("parseNumber", () => {
  // [reply, expected] — undefined: refused.
  const tables = {
    "pt-BR": [
      ["150", 150],
      ["1.000", 1000],
      ["1.000.000", 1_000_000],
      ["1.234,56", 1234.56],
      ["1,5", 1.5],
      ["2,0", 2],
      ["1.5", 1.5],
      ["1.50", 1.5],
      ["0.500", 0.5],
      ["1234.567", 1234.567],
      [",5", 0.5],
      ["R$ 150", 150],
      ["R$150,90", 150.9],
      ["R$ 1.500,00", 1500],
      ["-3", -3],
      ["+3", 3],
      ["-R$ 5", -5],
      ["R$ -5", -5],
      ["  42  ", 42],
      ["-0", 0],
      ["$ 150", undefined],
      ["€ 150", undefined],
      ["1.5.3", undefined],
      ["1,000,000", undefined],
      ["1,2,3", undefined],
      ["1.000,5,5", undefined],
      ["5,", undefined],
      ["1 000", undefined],
      ["abc", undefined],
      ["", undefined],
      ["R$", undefined],
      ["--5", undefined],
      ["1e5", undefined],
      ["Infinity", undefined],
      ["9".repeat(400), undefined],
    ],
    en: [
      ["150", 150],
      ["1,000", 1000],
      ["1,234.56", 1234.56],
      ["1.5", 1.5],
      ["1,5", 1.5],
      ["2.0", 2],
      ["$ 150", 150],
      ["$1,500.00", 1500],
      ["R$ 150", undefined],
      ["€150", undefined],
      ["1.234,5", undefined],
    ],
    es: [
      ["1.000", 1000],
      ["1,5", 1.5],
      ["2,0", 2],
      ["€ 150", 150],
      ["€1.500,50", 1500.5],
      ["$ 20", 20],
      ["R$ 20", undefined],
      ["1.234,5", 1234.5],
    ],
  } as const;
  for (const [locale, rows] of Object.entries(tables)) {
    for (const [text, expected] of rows) {
      it(`${locale}: ${JSON.stringify(text)} → ${expected}`, () => {
        expect(parseNumber(text, locale as "en")).toBe(expected);
      });
    }
  }
});

describe("parseInteger", () => {
  it("accepts whole numbers, including 2,0, and refuses fractions", () => {
    expect(parseInteger("2,0", "pt-BR")).toBe(2);
    expect(parseInteger("2,5", "pt-BR")).toBeUndefined();
    expect(parseInteger("1.000", "pt-BR")).toBe(1000);
    expect(parseInteger("1.5", "pt-BR")).toBeUndefined();
    expect(parseInteger("2.0", "en")).toBe(2);
    expect(parseInteger("2.5", "en")).toBeUndefined();
    expect(parseInteger("-7", "es")).toBe(-7);
    expect(parseInteger("99999999999999999999", "en")).toBeUndefined();
  });
});

describe("booleans", () => {
  it("reads each locale's words after normalisation", () => {
    for (const word of ["sim", "S", "Sim!", " SIM "]) expect(parseBoolean(word, "pt-BR")).toBe(true);
    for (const word of ["não", "nao", "NÃO", "n"]) expect(parseBoolean(word, "pt-BR")).toBe(false);
    for (const word of ["yes", "Y", "yes."]) expect(parseBoolean(word, "en")).toBe(true);
    for (const word of ["no", "N"]) expect(parseBoolean(word, "en")).toBe(false);
    for (const word of ["sí", "si", "s", "Sí"]) expect(parseBoolean(word, "es")).toBe(true);
    for (const word of ["no", "n"]) expect(parseBoolean(word, "es")).toBe(false);
    for (const word of ["yes", "talvez", "", "sim sim"]) expect(parseBoolean(word, "pt-BR")).toBeUndefined();
    expect(parseBoolean("sim", "en")).toBeUndefined();
  });

  it("shows booleans as yes/no words", () => {
    expect([formatBoolean(true, "pt-BR"), formatBoolean(false, "pt-BR")]).toEqual(["sim", "não"]);
    expect([formatBoolean(true, "en"), formatBoolean(false, "en")]).toEqual(["yes", "no"]);
    expect([formatBoolean(true, "es"), formatBoolean(false, "es")]).toEqual(["sí", "no"]);
  });
});

describe("number display", () => {
  it("uses Intl.NumberFormat defaults (grouping, at most three decimals)", () => {
    expect(formatNumber(1234.5, "pt-BR")).toBe("1.234,5");
    expect(formatNumber(1234.5, "en")).toBe("1,234.5");
    expect(formatNumber(1.23456, "en")).toBe("1.235");
    expect(formatNumber(12345.5, "es")).toBe("12.345,5");
  });

  it("shows whole numbers exactly as Intl.NumberFormat does, without calling it", () => {
    const samples = [0, -0, 1, -1, 7, 999, 1000, -1000, 1234, 9999, 10_000, 12_345, -12_345, 99_999, 100_000, 1_234_567, -987_654_321, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, -1e21];
    for (let n = 1; n < 1e16; n *= 7) samples.push(n, -n, n + 1);
    for (const locale of LOCALES) {
      const intl = new Intl.NumberFormat(locale);
      for (const n of samples) expect(formatNumber(n, locale), `${locale} ${n}`).toBe(intl.format(n));
    }
  });

  it("fixed(n, d) shows exactly d decimals", () => {
    expect(formatFixed(1234.5, 2, "pt-BR")).toBe("1.234,50");
    expect(formatFixed(1234.5, 2, "en")).toBe("1,234.50");
    expect(formatFixed(2.005, 0, "en")).toBe("2");
    expect(formatFixed(1, 50, "en")).toBe(`1.${"0".repeat(20)}`);
  });
});

describe("normalizeText", () => {
  it("follows LANGUAGE §3.4", () => {
    expect(normalizeText("Qual o horário de vocês?")).toBe("qual o horario de voces");
    expect(normalizeText("  Não--funciona!!  ")).toBe("nao funciona");
    expect(normalizeText("Ação 2")).toBe("acao 2");
    expect(normalizeText("🙂🙂")).toBe("");
    expect(normalizeText("ÇÃÕ ñ")).toBe("cao n");
  });
});

describe("default invalid messages", () => {
  it("are the contract's texts", () => {
    expect(defaultInvalidMessage("pt-BR")).toBe("Não entendi. Pode responder de novo?");
    expect(defaultInvalidMessage("en")).toBe("Sorry, I didn't understand. Could you answer again?");
    expect(defaultInvalidMessage("es")).toBe("No entendí. ¿Puedes responder de nuevo?");
  });
});
