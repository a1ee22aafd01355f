import { expect, test } from "vitest";
import { closest, editDistance } from "./suggest.js";

test("editDistance", () => {
  expect(editDistance("check", "check")).toBe(0);
  expect(editDistance("chek", "check")).toBe(1);
  expect(editDistance("", "abc")).toBe(3);
  expect(editDistance("chekc", "check")).toBe(1);
});

test("closest suggests only likely typos", () => {
  expect(closest("chekc", ["check", "build"])).toBe("check");
  expect(closest("--fomat", ["--format", "--pretty"])).toBe("--format");
  expect(closest("x", ["check", "build"])).toBeUndefined();
  expect(closest("deploy", ["check", "build", "fmt"])).toBeUndefined();
});
