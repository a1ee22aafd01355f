import { describe, expect, it } from "vitest";
import type { TypeJson } from "./bundle.js";
import { conform, describeType } from "./types.js";

const order: TypeJson = {
  record: {
    id: "string",
    status: { union: [{ literal: "pending" }, { literal: "shipped" }] },
    eta: { union: ["date", "null"] },
    items: { list: { record: { sku: "string", qty: "integer" } } },
  },
};

describe("conform", () => {
  it("accepts a matching value and keeps only declared fields", () => {
    const value = { id: "1", status: "shipped", items: [{ sku: "a", qty: 2, price: 9 }], extra: { token: "x" } };
    expect(conform(value, order)).toEqual({ ok: true, value: { id: "1", status: "shipped", eta: null, items: [{ sku: "a", qty: 2 }] } });
  });

  it("names the path and the expectation of a mismatch", () => {
    expect(conform({ id: "1", status: "lost", items: [] }, order)).toEqual({ ok: false, path: "$.status", expected: '"pending" | "shipped", found "lost"' });
    expect(conform({ id: "1", status: "pending", items: [{ sku: "a", qty: 1.5 }] }, order)).toMatchObject({ ok: false, path: "$.items[0].qty" });
    expect(conform({ status: "pending", items: [] }, order)).toMatchObject({ ok: false, path: "$.id", expected: "string, found nothing (missing field)" });
    expect(conform({ id: "1", status: "pending", eta: "24/11/2026", items: [] }, order)).toMatchObject({ ok: false, path: "$.eta", expected: 'date, found "24/11/2026"' });
    expect(conform([], order)).toMatchObject({ ok: false, path: "$" });
  });

  it("checks primitives and formats", () => {
    expect(conform(1, "integer").ok).toBe(true);
    expect(conform(1.5, "integer").ok).toBe(false);
    expect(conform(NaN, "number").ok).toBe(false);
    expect(conform(Infinity, "number").ok).toBe(false);
    expect(conform("+5511999990000", "phone").ok).toBe(true);
    expect(conform("11999990000", "phone").ok).toBe(false);
    expect(conform("a@b.co", "email").ok).toBe(true);
    expect(conform("https://x.example", "url").ok).toBe(true);
    expect(conform("2026-02-29", "date").ok).toBe(false);
    expect(conform(null, "null").ok).toBe(true);
    expect(conform(undefined, "null").ok).toBe(false);
    expect(conform(true, { literal: true }).ok).toBe(true);
  });

  it("never throws on hostile values", () => {
    const hostile = Object.defineProperty({}, "id", { enumerable: true, get: () => { throw new Error("no"); } });
    expect(conform(hostile, order).ok).toBe(false);
    expect(conform(() => 1, "string").ok).toBe(false);
    expect(conform(new Date(), "date").ok).toBe(false);
    expect(conform({ a: 1n }, { record: { a: "number" } }).ok).toBe(false);
  });

  it("keeps __proto__ fields as data", () => {
    const value = JSON.parse('{"__proto__": "x"}') as unknown;
    // (A `__proto__` key in an object literal would set the prototype, so the type is built with defineProperty.)
    const fields: Record<string, TypeJson> = {};
    Object.defineProperty(fields, "__proto__", { value: "string", enumerable: true });
    const safe = conform(value, { record: fields });
    expect(safe).toMatchObject({ ok: true });
    expect(Object.getPrototypeOf((safe as { value: object }).value)).toBe(Object.prototype);
  });
});

describe("describeType", () => {
  it("prints types compactly", () => {
    expect(describeType(order)).toBe('{ id: string; status: "pending" | "shipped"; eta: date | null; items: { sku: string; qty: integer }[] }');
    expect(describeType({ list: { union: ["string", "null"] } })).toBe("(string | null)[]");
  });
});
