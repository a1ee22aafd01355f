import { describe, expect, it } from "vitest";
import { chooseOption, isDate, isEmail, isPhone, isUrl, parseDate, parsePhone, parseReply } from "./inputs.js";

describe("parseReply", () => {
  it("string: trimmed, non-empty", () => {
    expect(parseReply("  Ana  ", { type: "string" }, "en")).toEqual({ ok: true, value: "Ana" });
    expect(parseReply("   ", { type: "string" }, "en")).toEqual({ ok: false });
    expect(parseReply("", { type: "string" }, "en")).toEqual({ ok: false });
  });

  it("number and integer by locale", () => {
    expect(parseReply("R$ 89,90", { type: "number" }, "pt-BR")).toEqual({ ok: true, value: 89.9 });
    expect(parseReply("2,5", { type: "integer" }, "pt-BR")).toEqual({ ok: false });
    expect(parseReply("2,0", { type: "integer" }, "pt-BR")).toEqual({ ok: true, value: 2 });
  });

  it("boolean", () => {
    expect(parseReply("Não", { type: "boolean" }, "pt-BR")).toEqual({ ok: true, value: false });
    expect(parseReply("maybe", { type: "boolean" }, "en")).toEqual({ ok: false });
  });

  it("email", () => {
    expect(parseReply(" ana@loja.com.br ", { type: "email" }, "en")).toEqual({ ok: true, value: "ana@loja.com.br" });
    for (const bad of ["ana", "ana@", "@loja.com", "ana@loja", "ana @loja.com", "a@b.c"]) {
      expect(parseReply(bad, { type: "email" }, "en")).toEqual({ ok: false });
    }
  });

  it("phone: separators removed; pt-BR adds +55; E.164", () => {
    expect(parseReply("(11) 99999-0000", { type: "phone" }, "pt-BR")).toEqual({ ok: true, value: "+5511999990000" });
    expect(parseReply("+1 (415) 555-0100", { type: "phone" }, "en")).toEqual({ ok: true, value: "+14155550100" });
    expect(parseReply("415 555 0100", { type: "phone" }, "en")).toEqual({ ok: false });
    expect(parseReply("+123", { type: "phone" }, "en")).toEqual({ ok: false });
    expect(parseReply("+1234567890123456", { type: "phone" }, "en")).toEqual({ ok: false });
    expect(parseReply("+55 11 9999x0000", { type: "phone" }, "pt-BR")).toEqual({ ok: false });
    expect(parsePhone("1234567", "pt-BR")).toBe("+551234567"); // 9 digits: E.164 by length
    expect(parsePhone("12345", "pt-BR")).toBeUndefined();
  });

  it("date: ISO everywhere, day-first in pt-BR and es", () => {
    expect(parseReply("2026-11-24", { type: "date" }, "en")).toEqual({ ok: true, value: "2026-11-24" });
    expect(parseReply("24/11/2026", { type: "date" }, "pt-BR")).toEqual({ ok: true, value: "2026-11-24" });
    expect(parseReply("1/2/2026", { type: "date" }, "es")).toEqual({ ok: true, value: "2026-02-01" });
    expect(parseReply("24/11/2026", { type: "date" }, "en")).toEqual({ ok: false });
    expect(parseReply("2026-02-30", { type: "date" }, "en")).toEqual({ ok: false });
    expect(parseReply("29/02/2023", { type: "date" }, "pt-BR")).toEqual({ ok: false });
    expect(parseDate("29/02/2024", "pt-BR")).toBe("2024-02-29");
    expect(parseReply("2026-13-01", { type: "date" }, "en")).toEqual({ ok: false });
  });

  it("url: absolute http(s)", () => {
    expect(parseReply("https://loja.example/a?b=1", { type: "url" }, "en")).toEqual({ ok: true, value: "https://loja.example/a?b=1" });
    for (const bad of ["loja.example", "ftp://loja.example", "https://", "javascript:alert(1)", "http://a b.com"]) {
      expect(parseReply(bad, { type: "url" }, "en")).toEqual({ ok: false });
    }
  });

  it("choice: number first, then the normalised label; the value is the literal", () => {
    const spec = { type: "choice" as const, options: ["P", "M", "G"], values: ["P", "M", "G"] };
    expect(parseReply("2", spec, "pt-BR")).toEqual({ ok: true, value: "M" });
    expect(parseReply("g", spec, "pt-BR")).toEqual({ ok: true, value: "G" });
    expect(parseReply("4", spec, "pt-BR")).toEqual({ ok: false });
    expect(parseReply("GG", spec, "pt-BR")).toEqual({ ok: false });
  });
});

describe("chooseOption", () => {
  const options = [["Conexão", "internet", "wifi"], ["Software"], ["2"]];
  it("by number first (1-based)", () => {
    expect(chooseOption("1", options)).toBe(0);
    expect(chooseOption(" 2. ", options)).toBe(1);
    expect(chooseOption("3", options)).toBe(2);
  });
  it("by normalised label or alias, never partially", () => {
    expect(chooseOption("CONEXAO", options)).toBe(0);
    expect(chooseOption("Wi-Fi", options)).toBe(-1);
    expect(chooseOption("wifi!", options)).toBe(0);
    expect(chooseOption("soft", options)).toBe(-1);
    expect(chooseOption("software please", options)).toBe(-1);
    expect(chooseOption("0", options)).toBe(-1);
    expect(chooseOption("", options)).toBe(-1);
    expect(chooseOption("!!!", options)).toBe(-1);
  });
});

describe("format checks", () => {
  it("agree with the compiler's", () => {
    expect(isPhone("+5511999990000")).toBe(true);
    expect(isPhone("5511999990000")).toBe(false);
    expect(isEmail("a@b.co")).toBe(true);
    expect(isDate("2024-02-29")).toBe(true);
    expect(isDate("2023-02-29")).toBe(false);
    expect(isUrl("http://x.example")).toBe(true);
    expect(isUrl("mailto:a@b.co")).toBe(false);
  });
});
