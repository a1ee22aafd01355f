import { describe, expect, test } from "vitest";
import { shouldColor, userDirectory } from "./context.js";

describe("userDirectory", () => {
  test("the process folder without INIT_CWD", () => {
    expect(userDirectory("/repo", {})).toBe("/repo");
  });

  test("INIT_CWD under a package script running in its package's folder", () => {
    expect(userDirectory("/repo", { INIT_CWD: "/repo/examples", npm_package_json: "/repo/package.json" })).toBe("/repo/examples");
    expect(userDirectory("/repo", { INIT_CWD: "/elsewhere" })).toBe("/elsewhere");
  });

  test("not when the script changed folder itself", () => {
    expect(userDirectory("/repo/flows", { INIT_CWD: "/home/me", npm_package_json: "/repo/package.json" })).toBe("/repo/flows");
  });
});

describe("shouldColor", () => {
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true };

  test.each([
    ["a terminal", tty, {}, undefined, true],
    ["a pipe", pipe, {}, undefined, false],
    ["a dumb terminal", tty, { TERM: "dumb" }, undefined, false],
    ["NO_COLOR on a terminal", tty, { NO_COLOR: "1" }, undefined, false],
    ["an empty NO_COLOR", tty, { NO_COLOR: "" }, undefined, true],
    ["--pretty false on a terminal", tty, {}, false, false],
    ["--pretty true on a pipe", pipe, {}, true, true],
    ["--pretty true with NO_COLOR", pipe, { NO_COLOR: "1" }, true, false],
    ["FORCE_COLOR on a pipe", pipe, { FORCE_COLOR: "1" }, undefined, true],
    ["FORCE_COLOR=0 on a terminal", tty, { FORCE_COLOR: "0" }, undefined, false],
    ["FORCE_COLOR with --pretty false", pipe, { FORCE_COLOR: "1" }, false, false],
  ])("%s", (_what, stream, env, pretty, expected) => {
    expect(shouldColor(stream, env, pretty)).toBe(expected);
  });
});
